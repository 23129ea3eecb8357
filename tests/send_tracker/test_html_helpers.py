"""The HTML helpers that stand in for slower Django machinery write exactly what it writes: the
form renderer's plain inputs (Django's widget templates), `{% options %}` (a template loop of
`<option>`s), `long_date` and `short_date` (Django's date filter)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from send_tracker.forms import Renderer

ATTRS = {"class": "govuk-input govuk-input--width-10", "inputmode": "decimal",
         "spellcheck": "false", "required": True, "disabled": False, "aria-describedby": "a b",
         "data-x": 'say "hi" & <go>'}
WIDGETS = [
    forms.TextInput(attrs=ATTRS), forms.NumberInput(attrs={"step": "0.01"}), forms.HiddenInput(),
    forms.EmailInput(), forms.PasswordInput(render_value=True), forms.URLInput(),
    forms.DateInput(format="%d/%m/%Y", attrs={"autocomplete": "off"}), forms.Textarea(attrs=ATTRS),
    forms.Textarea(),
]
VALUES = [None, "", "plain", 'quote " and <tag> & amp', mark_safe("<b>safe</b>"), 0, 42,
          Decimal("12.50"), dt.date(2024, 9, 30), "line one\nline two"]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
def test_each_plain_input_is_written_as_djangos_template_writes_it(widget):
    ours, django = Renderer(), DjangoTemplates()
    for value in VALUES:
        assert widget.render("field", value, attrs={"id": "id_field"}, renderer=ours) == \
            widget.render("field", value, attrs={"id": "id_field"}, renderer=django), value


SELECTS = [
    forms.Select(choices=[("", "Any"), ("a", "A"), ("b", 'B <b> & "c"')],
                 attrs={"class": "govuk-select", "aria-describedby": "hint"}),
    forms.Select(choices=[(1, "One"), (2, "Two")]),
    forms.Select(choices=[("Maintained", [("ms", "Special"), ("mm", "Mainstream")]),
                          ("ind", "Independent")]),
    forms.SelectMultiple(choices=[("a", "A"), ("b", "B")]),
]


@pytest.mark.parametrize("select", SELECTS, ids=range(len(SELECTS)))
def test_each_select_is_written_as_djangos_templates_write_it(select):
    for value in (None, "", "b", 2, "2", "mm", ["a", "b"]):
        assert select.render("s", value, attrs={"id": "id_s"}, renderer=Renderer()) == \
            select.render("s", value, attrs={"id": "id_s"}, renderer=DjangoTemplates()), value


def test_other_widgets_are_left_to_djangos_templates():
    radios = forms.RadioSelect(choices=[("a", "A"), ("b", "B <b>")])
    assert radios.render("r", "b", renderer=Renderer()) == \
        radios.render("r", "b", renderer=DjangoTemplates())
    assert "checked" in radios.render("r", "b", renderer=Renderer())


def test_the_project_renders_forms_with_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), Renderer)


def test_the_options_tag_selects_the_chosen_value_and_escapes_every_label():
    from django.template import Context, Template

    html = Template("{% load tracker %}{% options choices chosen %}").render(Context({
        "choices": [("", "Any provider"), (7, "Smith & Sons <Ltd>"), (12, 'The "Oaks"')],
        "chosen": 7}))
    assert html == ('<option value="">Any provider</option>'
                    '<option value="7" selected>Smith &amp; Sons &lt;Ltd&gt;</option>'
                    '<option value="12">The &quot;Oaks&quot;</option>')
    none_chosen = Template("{% load tracker %}{% options choices chosen %}").render(
        Context({"choices": [("", "Any"), ("a", "A")], "chosen": None}))
    assert none_chosen == '<option value="" selected>Any</option><option value="a">A</option>'


@pytest.mark.parametrize("value", [dt.date(2024, 9, 3), dt.date(2026, 5, 29),
                                   dt.datetime(2024, 3, 31, 23, 30, tzinfo=dt.UTC),
                                   dt.datetime(2024, 10, 31, 23, 30, tzinfo=dt.UTC), None, ""])
def test_the_date_filters_write_what_djangos_date_filter_writes(value, settings):
    from django.template import Context, Template

    ours = Template("{% load tracker %}{{ v|long_date }}|{{ v|short_date }}")
    # The tracker's formats (send_tracker/formats/en_GB/formats.py), as Django writes them.
    django = Template('{{ v|date:"DATE_FORMAT" }}|{{ v|date:"SHORT_DATE_FORMAT" }}')
    assert ours.render(Context({"v": value})) == django.render(Context({"v": value}))
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        stamp = Template("{% load tracker %}{{ v|short_datetime }}")
        assert stamp.render(Context({"v": value})) == Template(
            '{{ v|date:"SHORT_DATETIME_FORMAT" }}').render(Context({"v": value}))


def test_escape_text_writes_what_conditional_escape_writes():
    """The renderer's and the options tag's escape: Django's conditional_escape without its
    lazy-argument wrapper, the same text for plain, safe, lazy and non-text values."""
    from django.utils.functional import lazy
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from send_tracker.forms import escape_text

    lazy_text = lazy(lambda: '<b>"Tom" & \'Jerry\'</b>', str)()
    for value in ['<script>alert("x")</script>', "O'Neil & Sons", mark_safe("<em>ok</em>"),
                  lazy_text, 12_345, None, 1.5, "", "£1,234"]:
        assert escape_text(value) == conditional_escape(value), value
