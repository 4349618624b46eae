"""``{% load links %}{% link "logbook:bleed_edit" patient_id=patient.pk pk=bleed.pk %}``:
``{% url %}`` for URLs that take ids, without a ``reverse()`` each time (see
:func:`hemolog.core.links.link`)."""

from django import template

from hemolog.core import links

register = template.Library()


@register.simple_tag
def link(name: str, **ids: int) -> str:
    return links.link(name, **ids)
