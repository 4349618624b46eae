"""``{% load fieldhtml %}``: ``{{ form.dose|field }}``, ``{{ form|fields }}`` and
``{{ form|error_summary }}`` (see :mod:`hemolog.core.fieldhtml`)."""

from django import template

from hemolog.core.fieldhtml import error_summary, field_html, form_html

register = template.Library()
register.filter("field", field_html)
register.filter("fields", form_html)
register.filter("error_summary", error_summary)
