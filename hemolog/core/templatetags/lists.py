"""``{% load lists %}``: a list page's date filter and its pages, built in
Python (docs/architecture.md, "Why some markup is in Python"): through two
included templates they cost a list page as much as its 25 entries."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hemolog.core.fieldhtml import field_html

register = template.Library()


@register.simple_tag(takes_context=True)
def date_filter(context, form) -> SafeString:
    """The period's "From"/"To" fields, "Filter", and "Clear" once either is set."""
    query = context["request"].GET
    # The words outside the f-strings: xgettext does not look inside one.
    clear_label, filter_label = escape(_("Clear")), escape(_("Filter"))
    clear = f'<a href="?" class="btn btn-link">{clear_label}</a>' if query.get("start") or query.get("end") else ""
    return mark_safe(
        '<form method="get" class="row g-2 align-items-end mb-2" novalidate>\n'
        f'  <div class="col-6 col-md-3">{field_html(form["start"])}</div>\n'
        f'  <div class="col-6 col-md-3">{field_html(form["end"])}</div>\n'
        '  <div class="col-12 col-md-auto mb-3 d-flex gap-2">\n'
        f'    <button type="submit" class="btn btn-outline-primary flex-fill">{filter_label}</button>\n'
        f"    {clear}\n  </div>\n</form>\n"
    )


@register.simple_tag(takes_context=True)
def pagination(context, page) -> SafeString:
    """ "Newer", "Page 2 of 9", "Older", keeping the rest of the query string."""
    if page.paginator.num_pages <= 1:
        return mark_safe("")
    query = context["request"].GET

    def link(number: int, label: str) -> str:
        params = query.copy()
        params["page"] = str(number)
        href = escape("?" + params.urlencode())
        return f'<li class="page-item"><a class="page-link" href="{href}">{escape(label)}</a></li>'

    newer = link(page.previous_page_number(), _("Newer")) if page.has_previous() else ""
    older = link(page.next_page_number(), _("Older")) if page.has_next() else ""
    pages_label = escape(_("Pages"))
    where = _("Page %(number)s of %(pages)s") % {"number": page.number, "pages": page.paginator.num_pages}
    return mark_safe(
        f'<nav aria-label="{pages_label}">\n  <ul class="pagination flex-wrap">\n    {newer}'
        f'<li class="page-item disabled"><span class="page-link">{escape(where)}</span></li>{older}\n  </ul>\n</nav>\n'
    )
