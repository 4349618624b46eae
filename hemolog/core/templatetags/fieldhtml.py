"""``{% load fieldhtml %}``: ``{{ form.dose|field }}`` and ``{{ form|fields }}``
(see :mod:`hemolog.core.fieldhtml`)."""

from django import template

from hemolog.core.fieldhtml import field_html, form_html

register = template.Library()
register.filter("field", field_html)
register.filter("fields", form_html)
