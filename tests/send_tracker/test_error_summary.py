"""The one GOV.UK error summary (templates/components/error_summary.html, entries from
send_tracker.forms.error_links) and the one naming rule for partials: every form page that
refuses a submission links each error to an element of the page, a group of radios or
checkboxes to its first input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template.loader import render_to_string

from send_tracker.forms import error_links
from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, PROGRAMME_MANAGER

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Pages reporting an uploaded file's problems (not a form's): their title counts the problems.
FILE_REPORTS = {"send_tracker/imports/detail.html", "placements/statistics_import_record.html"}


class Sample(forms.Form):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    areas = forms.MultipleChoiceField(choices=[("x", "X")], widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The whole form is wrong")


def test_each_error_links_to_its_field_and_a_group_to_its_first_input():
    form = Sample({}, prefix="s")
    assert error_links(form, "main-form") == [
        {"href": "#main-form", "text": "The whole form is wrong"},
        {"href": "#id_s-name", "text": "This field is required."},
        {"href": "#id_s-kind_0", "text": "This field is required."},
        {"href": "#id_s-areas_0", "text": "This field is required."},
        {"href": "#main-form", "text": "This field is required."},  # hidden: the form
    ]
    assert error_links(form, prefix="Alpha: ")[0] == {"href": "", "text": "Alpha: The whole "
                                                                        "form is wrong"}
    assert error_links(Sample()) == []  # unbound: nothing to report


def test_the_component_lists_the_forms_errors_and_plain_messages():
    html = render_to_string("components/error_summary.html",
                            {"form": Sample({"name": "n"}), "anchor": "f",
                             "errors": ["Also this", {"href": "#x", "text": "And that"}]})
    items = re.findall(r"<li>(.*?)</li>", html)
    assert items[0] == '<a href="#f">The whole form is wrong</a>'
    assert items[-2:] == ['<a href="#f">Also this</a>', '<a href="#x">And that</a>']
    assert "There is a problem" in html
    assert "govuk-error-summary" not in render_to_string("components/error_summary.html",
                                                         {"form": Sample()})
    titled = render_to_string("components/error_summary.html",
                              {"errors": "Bad file", "summary_title": "Cannot be matched"})
    assert "Cannot be matched" in titled
    assert "<li>Bad file</li>" in titled


def test_one_error_summary_partial_and_one_naming_rule_for_partials():
    copies = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")
              if "govuk-error-summary__list" in p.read_text()]
    assert sorted(copies) == sorted({"components/error_summary.html", *FILE_REPORTS})
    # Shared partials in components/, an app's own prefixed `_` in its folder; no includes/.
    assert not [p for p in TEMPLATES.rglob("*") if p.is_dir() and p.name == "includes"]
    included = {name for p in TEMPLATES.rglob("*.html")
                for name in re.findall(r'\{% include "([^"]+)"', p.read_text())}
    wrong = [n for n in included
             if not (n.startswith("components/") or Path(n).name.startswith("_"))]
    assert not wrong
    assert not [p for p in (TEMPLATES / "components").glob("_*")]


def _summary_links_resolve(html: str) -> list[str]:
    """The summary's links, each checked to name an element id on the page."""
    summary = html[html.index("govuk-error-summary__list"):]
    summary = summary[:summary.index("</ul>")]
    links = re.findall(r'href="#([^"]+)"', summary)
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    missing = [link for link in links if link not in ids]
    assert not missing, missing
    return links


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "path", "data", "first"), [
    (ADMIN, "/users/invite/", {"email": "not an email"}, "id_"),
    (PROGRAMME_MANAGER, "/setup/strands/new/", {"name": ""}, "id_"),
    (FINANCE, "/placements/decisions/new/", {"child_ref": ""}, "id_"),
    (FINANCE, "/placements/benchmarking/import/", {"kind": ""}, "id_kind_0"),
    (FINANCE, "/imports/ledger/", {"file": ""}, "id_file"),
    (ADMIN, "/audit/?since=yesterday", None, "audit-since"),
    (DIRECTOR, "/placements/?date_day=31&date_month=2&date_year=2024", None, "id_date_day"),
    (None, "/login/", {"username": "nobody", "password": "wrong"}, "id_username"),
], ids=lambda v: v if isinstance(v, str) and v.startswith("/") else None)
def test_a_refused_form_links_every_error_to_its_field(client_for, make_user, role, path, data,
                                                      first, reporting_calendar):
    reporting_calendar(2024, 6)
    user = None if role is None else make_user(role, is_staff=role == ADMIN,
                                                is_superuser=role == ADMIN)
    client = client_for(user)
    response = client.get(path) if data is None else client.post(path, data)
    assert response.status_code in (200, 400), path
    html = response.content.decode()
    assert html.count("govuk-error-summary__list") == 1, path  # one summary per page
    links = _summary_links_resolve(html)
    assert links, path
    assert links[0].startswith(first), (path, links)
