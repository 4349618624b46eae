"""Form fields as Bootstrap 5 markup, built in Python: the markup that
crispy-forms' bootstrap5 pack writes (the same ids, classes, labels, error
blocks and aria attributes), without a template per field and per choice.

The forms opened daily (a bleed, an infusion, the lists' date filter, the
weight on the patient page) render through this: with crispy and Django's
widget templates, a form page took 7 to 13 times as long as a trivial page
(docs/speed.md). The widget's own ``get_context`` still works out every
attribute and value, so what the browser gets is what Django would send.
Widgets not handled here (files, multiple checkboxes, …) fall back to
Django's own rendering.
"""

from __future__ import annotations

from django import forms
from django.forms import BoundField
from django.forms.widgets import Input
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

REQUIRED = '<span class="asteriskField">*</span>'


def _attrs(attrs: dict) -> str:
    """As Django's ``attrs.html``: ``True`` is a bare attribute, ``False`` none."""
    out = []
    for name, value in attrs.items():
        if value is True:
            out.append(f" {escape(name)}")
        elif value is not False:
            out.append(f' {escape(name)}="{escape(value)}"')
    return "".join(out)


def _errors(field: BoundField) -> str:
    if not field.errors:
        return ""
    lines = "".join(
        f'<p id="error_{n}_{field.auto_id}"><strong>{conditional_escape(error)}</strong></p>'
        for n, error in enumerate(field.errors, start=1)
    )
    return f'<div id="{field.auto_id}_error" class="invalid-feedback">{lines}</div>'


def _help(field: BoundField) -> str:
    # Help texts are the developers' own strings, shown unescaped as crispy does.
    return f'<div id="{field.auto_id}_helptext" class="form-text">{field.help_text}</div>' if field.help_text else ""


def _label(field: BoundField, tag: str = "label", css: str = "form-label") -> str:
    if not field.label:
        return ""
    required = field.field.required
    classes = css + (" requiredField" if required else "") + (" fs-6" if tag == "legend" else "")
    target = f' for="{field.id_for_label}"' if tag == "label" and field.id_for_label else ""
    return f'<{tag}{target} class="{classes}">{conditional_escape(field.label)}{REQUIRED if required else ""}</{tag}>'


def _context(field: BoundField, css: str) -> dict:
    """The widget's context, as ``BoundField.as_widget`` would render it, with
    crispy's class added."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    own = widget.attrs.get("class", "")
    attrs["class"] = " ".join(filter(None, [own, css, "is-invalid" if field.errors else ""]))
    return widget.get_context(field.html_name, field.value(), attrs)["widget"]


def _options(optgroups) -> str:
    out = []
    for group, options, _ in optgroups:
        if group:
            out.append(f'<optgroup label="{escape(group)}">')
        for option in options:
            out.append(
                f'<option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>"
            )
        if group:
            out.append("</optgroup>")
    return "".join(out)


def _control(field: BoundField) -> str:
    widget = field.field.widget
    name = widget.__class__.__name__.lower()
    if isinstance(widget, forms.Select):
        ctx = _context(field, f"{name} form-select")
        return f'<select name="{escape(ctx["name"])}"{_attrs(ctx["attrs"])}>{_options(ctx["optgroups"])}</select>'
    ctx = _context(field, f"{name} form-control")
    if isinstance(widget, forms.Textarea):
        value = conditional_escape(ctx["value"]) if ctx["value"] else ""
        return f'<textarea name="{escape(ctx["name"])}"{_attrs(ctx["attrs"])}>\n{value}</textarea>'
    value = f' value="{escape(ctx["value"])}"' if ctx["value"] is not None else ""
    return f'<input type="{ctx["type"]}" name="{escape(ctx["name"])}"{value}{_attrs(ctx["attrs"])}>'


def _radios(field: BoundField) -> str:
    widget = field.field.widget
    attrs = field.build_widget_attrs({"id": widget.attrs.get("id") or field.auto_id})
    invalid = " is-invalid" if field.errors else ""
    groups = widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)
    options = [option for _, group, _ in groups for option in group]
    out = []
    for option in options:
        out.append(
            f'<div class="form-check"><input type="{option["type"]}" class="form-check-input{invalid}"'
            f' name="{escape(field.html_name)}" value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
            f'<label for="{escape(option["attrs"].get("id", ""))}" class="form-check-label">'
            f"{conditional_escape(option['label'])}</label></div>"
        )
    described = f' aria-describedby="{field.aria_describedby}"' if field.aria_describedby else ""
    # The message under the whole group (crispy puts it in the last option, which
    # squeezed that option onto two lines on a phone): shown, as no input precedes it.
    errors = _errors(field).replace('class="invalid-feedback"', 'class="invalid-feedback d-block"', 1)
    return (
        f'<div id="div_{field.auto_id}" class="mb-3"><fieldset{described}>{_label(field, "legend")}'
        f"<div>{''.join(out)}</div>{errors}{_help(field)}</fieldset></div>"
    )


def _checkbox(field: BoundField) -> str:
    control = _control_checkbox(field)
    label = _label(field, css="form-check-label")
    return (
        f'<div class="mb-3"><div id="div_{field.auto_id}" class="form-check">'
        f"{control}{label}{_errors(field)}{_help(field)}</div></div>"
    )


def _control_checkbox(field: BoundField) -> str:
    ctx = _context(field, "checkboxinput form-check-input")
    value = f' value="{escape(ctx["value"])}"' if ctx["value"] is not None else ""
    return f'<input type="checkbox" name="{escape(ctx["name"])}"{value}{_attrs(ctx["attrs"])}>'


def field_html(field: BoundField) -> SafeString:
    """One field with its label, errors and help text."""
    widget = field.field.widget
    if widget.is_hidden:
        return field.as_widget()
    if isinstance(widget, forms.CheckboxInput):
        return mark_safe(_checkbox(field))
    if isinstance(widget, forms.RadioSelect) and not isinstance(widget, forms.CheckboxSelectMultiple):
        return mark_safe(_radios(field))
    if not isinstance(widget, Input | forms.Textarea | forms.Select) or isinstance(
        widget, forms.FileInput | forms.SelectMultiple | forms.MultiWidget
    ):
        control = field.as_widget()
        return mark_safe(f'<div id="div_{field.auto_id}" class="mb-3">{_label(field)}{control}{_errors(field)}</div>')
    inner = f"{_label(field)}{_control(field)}{_errors(field)}{_help(field)}"
    return mark_safe(f'<div id="div_{field.auto_id}" class="mb-3">{inner}</div>')


def _first_control_id(field: BoundField) -> str:
    """The id of the control a link to the field should reach: a group's first option."""
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.MultiWidget):
        return f"{field.auto_id}_0"
    return field.auto_id


def error_summary(form: forms.BaseForm) -> SafeString:
    """Every error of a form that came back, at its top: a phone shows the top
    of the page again, and an error further down sat out of sight (or behind
    the sticky Save bar). Each line links to its field; static/js/hemolog.js
    moves the focus here, and a link's tap to its field. As the GOV.UK Design
    System's error summary (https://design-system.service.gov.uk/components/error-summary/)."""
    if not form.is_bound or not form.errors:
        return mark_safe("")
    items = [f"<li>{conditional_escape(error)}</li>" for error in form.non_field_errors()]
    count = len(items)
    for field in form:
        for error in field.errors:
            count += 1
            text = conditional_escape(f"{field.label}: {error}" if field.label else error)
            target = _first_control_id(field)
            link = f'<a class="alert-link" href="#{target}">{text}</a>' if target else text
            items.append(f"<li>{link}</li>")
    title = ngettext("There is %(count)d problem to fix", "There are %(count)d problems to fix", count) % {
        "count": count
    }
    return mark_safe(
        '<div class="alert alert-danger error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary">'
        f'<h2 class="h6 mb-2" id="error-summary">{conditional_escape(title)}</h2>'
        f'<ul class="mb-0">{"".join(items)}</ul></div>'
    )


def form_html(form: forms.BaseForm) -> SafeString:
    """The whole form: the summary of its errors (those that belong to no
    field included), then every field."""
    return mark_safe(error_summary(form) + "".join(field_html(field) for field in form))
