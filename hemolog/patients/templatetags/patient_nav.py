"""``{% patient_nav %}``: the patient's name and tabs above every page of a
patient, built in Python (see docs/architecture.md, "Why some markup is in
Python"): through the template engine, its eight links and their "active"
tests cost a fifth of a list page."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from hemolog.core.links import link

register = template.Library()

# (label, URL name, whether the tab is the current page's: (app name, URL name) -> bool)
TABS = (
    (_("Overview"), "patients:detail", lambda app, name: name == "detail"),
    (_("Dashboard"), "insights:dashboard", lambda app, name: app == "insights"),
    (_("Bleeds"), "logbook:bleed_list", lambda app, name: "bleed" in name),
    (_("Infusions"), "logbook:infusion_list", lambda app, name: "infusion" in name),
    (_("Regimen"), "logbook:regimen_list", lambda app, name: "regimen" in name),
    (_("Stock"), "inventory:stock", lambda app, name: app == "inventory"),
    (_("Export"), "exports:export", lambda app, name: app == "exports"),
)
OWNER_TABS = ((_("Sharing"), "sharing:manage", lambda app, name: app == "sharing"),)


@register.simple_tag(takes_context=True)
def patient_nav(context) -> SafeString:
    patient, ctx, request = context["patient"], context.get("ctx"), context.get("request")
    match = getattr(request, "resolver_match", None)
    app, name = (match.app_name, match.url_name or "") if match else ("", "")
    tabs = TABS + OWNER_TABS if ctx and ctx.is_owner else TABS
    items = []
    for label, url_name, is_current in tabs:
        current = ' active" aria-current="page' if is_current(app, name) else ""
        href = link(url_name, patient_id=patient.pk)
        label = escape(str(label))
        items.append(f'  <li class="nav-item"><a class="nav-link{current}" href="{href}">{label}</a></li>\n')
    read_only = ""
    if ctx and not ctx.can_write:
        label = _("read-only")  # outside the f-string: xgettext does not look inside one
        read_only = f'<span class="badge text-bg-secondary">{escape(str(label))}</span>'
    overview = link("patients:detail", patient_id=patient.pk)
    return mark_safe(
        '<div class="d-flex flex-wrap align-items-center gap-2 mb-3">\n'
        f'  <h1 class="h4 mb-0 me-2"><a class="text-decoration-none text-body" href="{overview}">'
        f"{escape(patient.display_name)}</a></h1>\n  {read_only}\n</div>\n"
        f'<ul class="nav nav-pills small mb-3 patient-tabs">\n{"".join(items)}</ul>\n'
    )
