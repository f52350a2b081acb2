"""Forms of the editors' admin."""

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.db.models import BLANK_CHOICE_DASH

from claims.models import Claim, Status
from sources.text import find_quote

STATUS_NOTE_HELP = "Why the status changes. Kept in the claim's public history."


class ClaimAdminForm(forms.ModelForm):
    """The claim form; a change of status must say why, like every change in the history."""

    status_note = forms.CharField(
        label="Note on the status change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=STATUS_NOTE_HELP + " Required whenever you change the status.",
    )

    class Meta:
        model = Claim
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Saving the form overwrites the instance, so remember what is stored now.
        self.stored_status = self.instance.status if self.instance.pk else Status.UNCHECKED
        self.stored_is_published = self.instance.is_published if self.instance.pk else False

    @property
    def status_changed(self):
        return self.cleaned_data.get("status", self.stored_status) != self.stored_status

    def clean(self):
        cleaned_data = super().clean()
        if self.status_changed and not cleaned_data.get("status_note"):
            self.add_error(
                "status_note",
                f"Explain why the status changes from “{Status(self.stored_status).label}” "
                f"to “{Status(cleaned_data['status']).label}”: the note is kept in the "
                "claim's history.",
            )
        return cleaned_data


class StatusChangeForm(forms.Form):
    """What the changelist's "Change status" action needs: the new status and why."""

    new_status = forms.ChoiceField(label="New status", choices=Status.choices)
    status_note = forms.CharField(label="Note", help_text=STATUS_NOTE_HELP)


class ClaimActionForm(ActionForm):
    """The changelist's action bar, with the fields of the "Change status" action.

    They are optional here because every action shares this form; the action
    itself validates them with StatusChangeForm.
    """

    new_status = forms.ChoiceField(
        label="New status:", choices=BLANK_CHOICE_DASH + Status.choices, required=False
    )
    status_note = forms.CharField(
        label="Note:",
        required=False,
        widget=forms.TextInput(
            attrs={"size": 40, "placeholder": "Why the status changes (for Change status)"}
        ),
    )


class ArticleAdminForm(forms.ModelForm):
    """The article form, which must not edit the text from under the claims that quote it."""

    def clean_text(self):
        text = self.cleaned_data["text"]
        if self.instance.pk:
            orphaned = [
                claim.statement
                for claim in self.instance.claims.all()
                if find_quote(text, claim.quote) is None
            ]
            if orphaned:
                raise forms.ValidationError(
                    "The quotes of these claims would no longer occur in the text: %(claims)s. "
                    "Keep their words in the text, or change those claims first.",
                    params={"claims": "; ".join(f"“{statement}”" for statement in orphaned)},
                )
        return text
