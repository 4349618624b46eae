from django import template

from hemolog.core import undo
from hemolog.core.numbers import amount as format_amount

register = template.Library()


@register.filter
def amount(value) -> str:
    """A dose, weight or level without trailing zeros: 1000.0 -> 1000, 0.50 -> 0.5."""
    return "" if value is None or value == "" else format_amount(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def undo_button(message):
    """``(url, token)`` of a message offering *Undo* (hemolog.core.undo), else None."""
    return undo.button(message.extra_tags or "")
