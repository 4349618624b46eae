from django import template

from hemolog.core import display, undo

register = template.Library()


@register.filter
def amount(value) -> str:
    """A dose, weight or level without trailing zeros, in the language's
    format: 1000.0 -> 1000, 0.50 -> 0.5 (0,5 in German)."""
    return display.number(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def undo_button(message):
    """``(url, token)`` of a message offering *Undo* (hemolog.core.undo), else None."""
    return undo.button(message.extra_tags or "")


@register.filter
def month(value) -> str:
    """A month and its year in the language's format (hemolog.core.display.month)."""
    return display.month(value) if value else ""
