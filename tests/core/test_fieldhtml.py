"""The fields rendered in Python are crispy's bootstrap5 markup: the same
elements, attributes and texts, for every kind of field the daily forms have,
blank, filled in and with errors. Two differences are deliberate: a radio
group's error is under the group, not inside its last option, and a form
that came back starts with a summary of its errors (with the errors that
belong to no field), where crispy lists only the latter."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.forms import RadioSelect
from django.template import engines
from django.utils import timezone

from hemolog.core.dates import DateRangeForm
from hemolog.core.fieldhtml import error_summary, field_html, form_html
from hemolog.logbook.forms import BleedForm, InfusionForm
from hemolog.patients.forms import WeightForm
from tests import factories


class Tokens(HTMLParser):
    """Elements with their attributes (classes as a set) and the texts between."""

    def __init__(self):
        super().__init__()
        self.tokens = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: (frozenset(value.split()) if name == "class" else value) for name, value in attrs}
        self.tokens.append(("<", tag, tuple(sorted(attrs.items(), key=lambda item: item[0]))))

    def handle_endtag(self, tag):
        self.tokens.append((">", tag))

    def handle_data(self, data):
        if text := " ".join(data.split()):
            self.tokens.append(("text", text))


def tokens(html: str) -> list:
    parser = Tokens()
    parser.feed(html)
    return parser.tokens


def without_group_errors(found: list, form) -> list:
    """The tokens without the error blocks of the form's radio groups (placed differently on purpose)."""
    ids = {
        f"{form[name].auto_id}_error" for name, field in form.fields.items() if isinstance(field.widget, RadioSelect)
    }
    kept, depth = [], 0
    for token in found:
        if depth == 0 and token[:2] == ("<", "div") and dict(token[2]).get("id") in ids:
            depth = 1
            continue
        if depth:
            depth += (token[:2] == ("<", "div")) - (token[:2] == (">", "div"))
            continue
        kept.append(token)
    return kept


def without_summaries(found: list) -> list:
    """The tokens without the form's error summary (ours) or its non-field errors' block (crispy's)."""
    kept, depth = [], 0
    for token in found:
        classes = dict(token[2]).get("class", frozenset()) if token[0] == "<" else frozenset()
        if depth == 0 and token[:2] == ("<", "div") and classes & {"error-summary", "alert-block"}:
            depth = 1
            continue
        if depth:
            depth += (token[:2] == ("<", "div")) - (token[:2] == (">", "div"))
            continue
        kept.append(token)
    return kept


def crispy(form) -> str:
    return engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}").render({"form": form})


def crispy_field(form, name: str) -> str:
    template = "{% load crispy_forms_tags %}{{ field|as_crispy_field }}"
    return engines["django"].from_string(template).render({"field": form[name]})


def bleed_forms(patient):
    yield BleedForm(patient=patient)
    yield BleedForm(
        {"site": "KNEE", "pain": "14", "started_at": "2999-01-01T10:00", "notes": "<b>x</b>"}, patient=patient
    )
    yield BleedForm(
        {"site": "HEAD", "side": "L", "cause": "TRAUMATIC", "severity": "SEVERE", "started_at": "2024-01-01T10:00"},
        patient=patient,
    )


def infusion_forms(patient, lot, bleed):
    yield InfusionForm(patient=patient, initial={"product": lot.product.pk, "dose": 2000, "lot": lot.pk})
    yield InfusionForm(
        {"dose": "99999", "given_at": "2020-01-01T10:00", "reason": "PROPHYLAXIS", "given_by": "SELF"}, patient=patient
    )
    high = {
        "dose": "30000",
        "lot": lot.pk,
        "given_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    yield InfusionForm(
        {**high, "reason": "BLEED", "bleed": bleed.pk, "given_by": "NURSE", "confirm_high_dose": "on"}, patient=patient
    )


def test_a_bleed_form_is_crispys(patient):
    for form in bleed_forms(patient):
        ours, theirs = tokens(form_html(form)), tokens(crispy(form))
        assert without_summaries(without_group_errors(ours, form)) == without_summaries(
            without_group_errors(theirs, form)
        )


def test_an_infusion_forms_fields_are_crispys(patient, lot):
    bleed = factories.make_bleed(patient, days_ago=1)
    for form in infusion_forms(patient, lot, bleed):
        form.is_bound and form.is_valid()
        for name in form.fields:
            assert tokens(field_html(form[name])) == tokens(crispy_field(form, name)), name


@pytest.mark.parametrize("data", [None, {"start": "2024-05-01", "end": "2024-04-01"}, {"start": "garbage"}])
def test_the_date_filter_and_the_weight_form_are_crispys(patient, data):
    for form in (DateRangeForm(data), WeightForm(data, patient=patient)):
        form.is_bound and form.is_valid()
        for name in form.fields:
            assert tokens(field_html(form[name])) == tokens(crispy_field(form, name)), name


def test_a_radio_groups_error_is_under_the_group_not_in_its_last_option(patient):
    form = BleedForm({"site": "KNEE", "started_at": "2024-01-01T10:00"}, patient=patient)
    assert not form.is_valid() and form.errors["side"]
    html = field_html(form["side"])
    last_option = html.rindex('class="form-check-label"')
    error = html.index('id="id_side_error" class="invalid-feedback d-block"')
    assert error > html.index("</div>", last_option)  # after the options' block, visible on its own


def test_values_and_labels_are_escaped(patient):
    form = BleedForm({"site": "KNEE", "notes": '</textarea><script>alert("x")</script>'}, patient=patient)
    html = field_html(form["notes"])
    assert "<script>" not in html and "&lt;/textarea&gt;&lt;script&gt;" in html


def test_the_error_summary_links_each_error_to_its_field(patient):
    form = BleedForm({"site": "KNEE", "pain": "14", "started_at": "2999-01-01T10:00"}, patient=patient)
    assert not form.is_valid()
    summary = tokens(error_summary(form))
    links = [dict(token[2])["href"] for token in summary if token[:2] == ("<", "a")]
    # Each error's link reaches the control: a radio group's first option, a field's input.
    assert links == ["#id_started_at", "#id_side_0", "#id_cause_0", "#id_severity_0", "#id_pain"]
    texts = [token[1] for token in summary if token[0] == "text"]
    assert texts[0] == "There are 5 problems to fix"
    assert texts[1].startswith("When did it start?: ") and texts[-1].startswith("Pain (0–10): ")
    assert tokens(form_html(form))[: len(summary)] == summary  # at the top of the form


def test_the_error_summary_is_empty_for_a_blank_or_a_valid_form(patient):
    assert error_summary(BleedForm(patient=patient)) == ""
    valid = {"site": "KNEE", "side": "L", "cause": "SPONTANEOUS", "severity": "MILD", "started_at": "2024-01-01T10:00"}
    form = BleedForm(valid, patient=patient)
    assert form.is_valid(), form.errors
    assert error_summary(form) == ""
