"""The tracker's filter controls, written out in Python.

Django draws every widget, option and checkbox with a template of its own, and the
filter form took longer than the rest of the tracker (BENCHMARKS.md). These write
the same HTML with f-strings, every value escaped; the form's layout stays in
includes/claim_filters.html, which places each field with `filter_field`.
"""

import datetime
from html import escape

from django import forms
from django.forms.widgets import Input
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator

# Error messages are ours, but may quote what a visitor typed.
ERROR_SHOWN_CHARACTERS = 200
# The largest id a database column holds: a larger number is no object's.
LARGEST_ID = 2**63 - 1


def attributes(attrs):
    """HTML attributes: True writes the name alone, False and None leave it out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


def database_id(text):
    """The id that `text` names, or None: the field says when it names no object.

    The length is checked first: Python refuses to read thousands of digits.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(LARGEST_ID)):
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None


def options(choices, selected):
    """<option> elements for (value, label) pairs; `selected` is a set of values as strings."""
    written = []
    for value, label in choices:
        value = str(value)
        chosen = " selected" if value in selected else ""
        written.append(f'<option value="{escape(value)}"{chosen}>{escape(str(label))}</option>')
    return "".join(written)


class WrittenInput(Input):
    """An <input> as Django's template writes it: type, name, value, then the other attributes."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        final_attrs = {
            "type": self.input_type,
            "name": name,
            "value": value,
            **self.build_attrs(self.attrs, attrs),
        }
        return SafeString(f"<input{attributes(final_attrs)}>")


class SearchInput(WrittenInput, forms.TextInput):
    input_type = "search"


class NativeDateInput(WrittenInput, forms.DateInput):
    """<input type="date">, which can only hold a real date: anything else is shown empty."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        # The only format a date input reads, whatever the site's locale.
        super().__init__(attrs, format=format or "%Y-%m-%d")

    def format_value(self, value):
        value = super().format_value(value)
        try:
            datetime.date.fromisoformat(value or "")
        except ValueError:
            return None
        return value


def select(final_attrs, choices, selected):
    """A <select> of (value, label) choices; `selected` is a set of values as strings."""
    return f"<select{attributes(final_attrs)}>{options(choices, selected)}</select>"


class Menu(forms.Select):
    """A <select> of the field's fixed choices."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(chosen) for chosen in self.format_value(value)}
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        return SafeString(select(final_attrs, self.choices, selected))


class NameSelect(forms.Select):
    """A menu of speakers, outlets or topics (by `kind`, a TallyKind) by name.

    Its options come from the filter form's menus (claims.filters.FilterMenus), which
    read all the form's menus at once. When speakers were left out of the menu, a hint
    under it says where to find them (`others_url`, a URL name); any id is still accepted.
    """

    menus = None  # Set for each form by the ClaimFilter.

    def __init__(self, attrs=None, *, kind, others_url=None):
        super().__init__(attrs)
        self.kind = kind
        self.others_url = others_url

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(chosen) for chosen in self.format_value(value)}
        chosen_ids = [pk for chosen in selected if (pk := database_id(chosen))]
        rows, shortened_to = self.menus.options(self.kind, chosen_ids)
        empty_label = self.choices.field.empty_label
        if empty_label is not None:
            rows = [("", empty_label), *rows]
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        hint = ""
        if shortened_to:
            hint_id = f"{final_attrs.get('id', name)}_hint"
            final_attrs["aria-describedby"] = hint_id
            hint = (
                f'<p id="{escape(hint_id)}" class="filter-field__hint">Only the {shortened_to}'
                f' with the most claims are listed: <a href="{escape(reverse(self.others_url))}">'
                f"find any other</a>.</p>"
            )
        return SafeString(select(final_attrs, rows, selected) + hint)


class StatusCheckboxes(forms.CheckboxSelectMultiple):
    """The status checkboxes, each with its colour swatch."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        base_id = final_attrs.pop("id", None)
        checked = {str(chosen) for chosen in self.format_value(value)}
        items = []
        for index, (option_value, label) in enumerate(self.choices):
            option_id = self.id_for_label(base_id, index) if base_id else None
            option_attrs = {
                "type": "checkbox",
                "name": name,
                "value": option_value,
                "id": option_id,
                **final_attrs,
                "checked": str(option_value) in checked,
            }
            items.append(
                f"<li><label{attributes({'for': option_id})}><input{attributes(option_attrs)}>"
                f' <span class="swatch swatch--{escape(str(option_value))}" aria-hidden="true">'
                f"</span>{escape(str(label))}</label></li>"
            )
        return SafeString('<ul class="status-choices">\n' + "\n".join(items) + "\n</ul>")


def field_errors(field, *, out_of_band=False):
    """A field's error box, which the results partial refreshes out of band on htmx swaps."""
    messages = "".join(
        f"<p>{escape(Truncator(error).chars(ERROR_SHOWN_CHARACTERS))}</p>" for error in field.errors
    )
    swap = ' data-hx-swap-oob="true"' if out_of_band else ""
    return SafeString(
        f'<div class="field-errors" id="{escape(field.auto_id)}_error"{swap}>{messages}</div>'
    )


def filter_field(field):
    """A labelled filter control with its error box."""
    has_errors = " has-errors" if field.errors else ""
    return SafeString(
        f'<div class="filter-field filter-field--{field.name}{has_errors}">\n'
        f'  <label for="{escape(field.id_for_label)}">{escape(str(field.label))}</label>\n'
        f"  {field}\n"
        f"  {field_errors(field)}\n"
        f"</div>"
    )
