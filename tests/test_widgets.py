"""The filter form's controls, written out in Python (claims.widgets)."""

import datetime

import pytest
from django import forms

from claims.widgets import (
    Menu,
    NativeDateInput,
    SearchInput,
    StatusCheckboxes,
    attributes,
    database_id,
    options,
)


def test_an_input_is_written_as_djangos_template_writes_it():
    ours = SearchInput(attrs={"placeholder": "Claim or quote words"})
    djangos = forms.TextInput(attrs={"type": "search", "placeholder": "Claim or quote words"})
    for value in ["", None, 'say "hi" <b>&</b>', "Лавров"]:
        attrs = {"id": "id_q", "maxlength": "200", "aria-invalid": "true"}
        assert ours.render("q", value, attrs) == djangos.render("q", value, attrs)


def test_a_date_input_shows_only_a_real_date():
    date_input = NativeDateInput()
    assert 'value="2021-05-01"' in date_input.render("date_from", datetime.date(2021, 5, 1))
    assert 'value="2021-05-01"' in date_input.render("date_from", "2021-05-01")
    # A date that cannot be is not written back for the browser to refuse.
    assert "value=" not in date_input.render("date_from", "2021-13-45")
    assert 'type="date"' in date_input.render("date_from", None)


def test_attributes_escape_values_and_write_booleans_alone():
    assert attributes({"a": 'x"<y>', "checked": True, "hidden": False, "title": None}) == (
        ' a="x&quot;&lt;y&gt;" checked'
    )


def test_options_escape_and_mark_the_chosen():
    written = options([("1", "<script>x</script>"), ('"2"', "Two & more")], {"1"})
    assert written == (
        '<option value="1" selected>&lt;script&gt;x&lt;/script&gt;</option>'
        '<option value="&quot;2&quot;">Two &amp; more</option>'
    )


def test_a_menu_offers_its_choices_with_the_chosen_selected():
    menu = Menu(choices=[("newest", "Newest first"), ("oldest", "Oldest first")])
    html = menu.render("ordering", "oldest", {"id": "id_ordering"})
    assert html == (
        '<select name="ordering" id="id_ordering"><option value="newest">Newest first</option>'
        '<option value="oldest" selected>Oldest first</option></select>'
    )


def test_status_checkboxes_are_labelled_and_keep_what_was_ticked():
    boxes = StatusCheckboxes(choices=[("false", "False"), ("true", "True")])
    html = boxes.render("status", ["true"], {"id": "id_status"})
    assert '<label for="id_status_0"><input type="checkbox" name="status" value="false"' in html
    assert 'id="id_status_1" checked>' in html
    assert html.count("checked") == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        ("0", None),
        ("-1", None),
        ("1e5", None),
        ("٣", None),  # A digit, but not an ASCII one.
        ("9" * 5000, None),  # More digits than Python will read as a number.
    ],
)
def test_only_ids_a_database_can_hold_are_looked_up(text, expected):
    assert database_id(text) == expected
