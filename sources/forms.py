from django import forms
from django.conf import settings

from sources.importing import ARTICLE_FILE_MAX_MEGABYTES
from sources.models import Outlet


class ArticleFilesInput(forms.FileInput):
    allow_multiple_selected = True


class ArticleFilesField(forms.FileField):
    """One or more files, each checked by the import itself: one bad file fails alone."""

    widget = ArticleFilesInput(attrs={"accept": ".txt,text/plain"})

    def clean(self, data, initial=None):
        files = [file for file in (data or []) if file]
        if not files:
            raise forms.ValidationError("Choose one or more article files.", code="required")
        return files


class ArticleImportForm(forms.Form):
    files = ArticleFilesField(
        label="Article files",
        help_text=(
            "Text files (UTF-8) as scraped from the outlet's site, "
            f"{settings.DATA_UPLOAD_MAX_NUMBER_FILES} at most, "
            f"{ARTICLE_FILE_MAX_MEGABYTES} MB each. The title, "
            "outlet, dateline and date are read from the text; the raw text is kept as it came."
        ),
    )
    outlet_otherwise = forms.ModelChoiceField(
        Outlet.objects.all(),
        required=False,
        label="Outlet",
        empty_label="As the text says",
        help_text=(
            "For the files whose text does not name their outlet, in its dateline "
            "(“MOSCOW, May 14. /TASS/.”) or its credits."
        ),
    )
    check_only = forms.BooleanField(
        label="Check only: report what would be imported, and import nothing",
        required=False,
    )
