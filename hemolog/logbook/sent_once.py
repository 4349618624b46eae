"""An entry sent twice is saved once: the bleed and infusion forms carry a
``client_id`` the phone makes for each entry (static/js/offline.js), so that a
resend (a queue sent again after the connection came back, a double tap)
finds the first entry and answers as it did then, saving nothing."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext


def client_id(request: HttpRequest) -> uuid.UUID | None:
    """The posted ``client_id``, if it is a UUID; anything else is ignored (no id)."""
    value = request.POST.get("client_id", "")
    try:
        return uuid.UUID(value) if value and len(value) <= 40 else None
    except ValueError:
        return None


def saved_before(request: HttpRequest, entries, sent: uuid.UUID | None) -> bool:
    """Whether ``entries`` (the patient's bleeds or infusions) hold the one sent as ``sent``;
    if so, the person is told it was saved already."""
    if sent is None or not entries.filter(client_id=sent).exists():
        return False
    messages.info(request, gettext("This entry was saved already (it was sent again): nothing was added."))
    return True
