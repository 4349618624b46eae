"""The markup of one list entry, built in Python from its row: the same for a
phone (a card) and a larger screen (a table row, see ``.entries`` in
static/css/hemolog.css). A list page prints 25 of them; through the template
engine they took a quarter of the page's time, as f-strings a fiftieth. The
words are translated once per list, not once per entry."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from .rows import BleedRow, InfusionRow

NONE = '<span class="{cls} entry-none">–</span>'


def _more(notes: str, logged_by: str, logged_by_text: str) -> str:
    """``logged_by_text``: "Logged by %(name)s", translated."""
    notes_html = f'<p class="entry-notes">{escape(notes)}</p>' if notes else ""
    by_html = f'<p class="entry-by">{escape(logged_by_text % {"name": logged_by})}</p>' if logged_by else ""
    return f'<div class="entry-more ec-8">{notes_html}{by_html}</div>'


def _actions(buttons: str) -> str:
    return f'<div class="entry-actions ec-9 d-flex flex-wrap gap-1 mt-1 mt-lg-0">{buttons}</div>'


def _edit_and_delete() -> tuple[str, str]:
    return escape(gettext("Edit")), escape(gettext("Delete"))


def bleed_entries(rows: list[BleedRow], can_write: bool, csrf_input: str) -> SafeString:
    """``csrf_input``: the CSRF token's hidden input, for "Mark resolved"."""
    logged_by = gettext("Logged by %(name)s")
    # Translators: a label before a bleed's pain score, as in "pain 7/10" (on a phone only).
    pain_label = escape(pgettext("a bleed's pain score", "pain"))
    # Translators: a label before the time a bleed stopped, as in "resolved 3 Dec 18:20" (on a phone only).
    resolved_label = escape(pgettext("a bleed's end", "resolved"))
    # Translators: a bleed that has not stopped yet.
    ongoing = escape(pgettext("a bleed", "ongoing"))
    mark_resolved, treat = escape(gettext("Mark resolved")), escape(gettext("Treat"))
    edit, delete = _edit_and_delete()
    treatment_words: dict[int, str] = {}
    out = []
    for row in rows:
        pain = (
            f'<span class="ec-5"><span class="entry-label">{pain_label} </span>{row.pain}/10</span>'
            if row.pain is not None
            else NONE.format(cls="ec-5")
        )
        resolved = (
            f'<span class="entry-label">{resolved_label} </span>{escape(row.resolved)}'
            if row.resolved
            else f'<span class="badge text-bg-warning">{ongoing}</span>'
        )
        if row.treatments not in treatment_words:
            # Translators: after the number of doses that treated a bleed, as in "2 treatments" (the
            # number stands alone in the table on a large screen).
            word = ngettext("treatment", "treatments", row.treatments)
            treatment_words[row.treatments] = escape(word)
        actions = ""
        if can_write:
            resolve = (
                f'<form method="post" action="{escape(row.resolve_url)}">{csrf_input}'
                f'<button class="btn btn-sm btn-outline-success" type="submit">{mark_resolved}</button></form>'
                if not row.resolved
                else ""
            )
            actions = _actions(
                f'{resolve}<a class="btn btn-sm btn-outline-primary" href="{escape(row.treat_url)}">{treat}</a>'
                f'<a class="btn btn-sm btn-outline-secondary" href="{escape(row.edit_url)}">{edit}</a>'
                f'<a class="btn btn-sm btn-outline-danger" href="{escape(row.delete_url)}">{delete}</a>'
            )
        out.append(
            f'<li class="entry{" entry-danger" if row.is_head else ""}">'
            f'<strong class="entry-main ec-2">{escape(row.site)}</strong>'
            f'<span class="entry-when ec-1">{escape(row.started)}</span>'
            '<div class="entry-group entry-details">'
            f'<span class="ec-3">{escape(row.cause)}</span>'
            f'<span class="ec-4 entry-lower">{escape(row.severity)}</span>'
            f'{pain}<span class="ec-6">{resolved}</span>'
            f'<span class="ec-7">{row.treatments}<span class="entry-label"> {treatment_words[row.treatments]}</span>'
            "</span>"
            f"</div>{_more(row.notes, row.logged_by, logged_by)}{actions}</li>\n"
        )
    return mark_safe("".join(out))


def infusion_entries(rows: list[InfusionRow], can_write: bool) -> SafeString:
    logged_by = gettext("Logged by %(name)s")
    # Translators: a label before a dose's lot number, as in "lot A1234 ×2" (on a phone only).
    lot_label = escape(pgettext("a label before a lot number", "lot"))
    edit, delete = _edit_and_delete()
    out = []
    for row in rows:
        bleed = f' <span class="entry-aside entry-lower">{escape(row.bleed_site)}</span>' if row.bleed_site else ""
        per_kg = (
            f'<span class="ec-4 text-nowrap">{escape(row.per_kg)}</span>' if row.per_kg else NONE.format(cls="ec-4")
        )
        lot = (
            f'<span class="ec-5"><span class="entry-label">{lot_label} </span><a href="{escape(row.lot_url)}">'
            f"{escape(row.lot_number)}</a> ×{row.vials}</span>"
            if row.lot_number
            else NONE.format(cls="ec-5")
        )
        actions = (
            _actions(
                f'<a class="btn btn-sm btn-outline-secondary" href="{escape(row.edit_url)}">{edit}</a>'
                f'<a class="btn btn-sm btn-outline-danger" href="{escape(row.delete_url)}">{delete}</a>'
            )
            if can_write
            else ""
        )
        out.append(
            '<li class="entry">'
            f'<strong class="entry-main entry-group"><span class="ec-3 text-nowrap">{escape(row.dose)}</span> '
            f'<span class="ec-2">{escape(row.product)}</span></strong>'
            f'<span class="entry-when ec-1">{escape(row.given)}</span>'
            '<div class="entry-group entry-details">'
            f'<span class="ec-6">{escape(row.reason)}{bleed}</span>{per_kg}{lot}'
            f'<span class="ec-7 entry-lower">{escape(row.given_by)}</span>'
            f"</div>{_more(row.notes, row.logged_by, logged_by)}{actions}</li>\n"
        )
    return mark_safe("".join(out))
