"""What is reminded (a dose not logged, stock running low, a lot expiring),
and the e-mail for those who chose it, with its one-click unsubscribe
(RFC 8058: a mail client's POST, without a CSRF token)."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from hemolog.reminders.models import ReminderSettings
from hemolog.reminders.sending import reminders_for, send_to
from tests import factories


@pytest.fixture
def missed(log):
    log.infusions.filter(reason="PROPHYLAXIS").order_by("given_at")[1].delete()  # four days ago: not given
    return log


def test_what_is_reminded(owner, patient):
    factories.make_regimen(patient)  # 1000 IU every 2 days
    soon = factories.make_lot(
        patient, vials=2, lot_number="SOON", expires_on=timezone.localdate() + dt.timedelta(days=10)
    )
    keys = {r.key: r for r in reminders_for(owner, timezone.now(), low_stock_days=7)}
    # 2 vials of 1000 IU: 2 doses, 4 days of prophylaxis (< 7): low stock; the lot within 30 days.
    assert f"expiry-{soon.pk}-{soon.expires_on.isoformat()}" in keys
    (stock,) = [r for key, r in keys.items() if key.startswith(f"stock-{patient.pk}-")]
    assert stock.title == "Leo's stock runs low" and "about 4 more days" in stock.body
    fewer = reminders_for(owner, timezone.now(), low_stock_days=4)  # 4 days is not fewer than 4
    assert not [r for r in fewer if r.key.startswith("stock-")]


def test_the_email_names_the_dose_and_stops_with_one_click(owner, missed, settings):
    settings.SITE_URL = "https://hemolog.example.org"
    ReminderSettings.objects.create(user=owner, by_email=True, quiet_from="00:00", quiet_until="00:00")
    assert send_to(owner, timezone.now()) >= 1
    (message,) = [m for m in mail.outbox if m.subject == "Leo's prophylaxis dose is due"]
    assert message.to == [owner.email] and "is not logged" in message.body
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://hemolog.example.org/reminders/stop-emails/") and link in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert send_to(owner, timezone.now()) == 0  # each once

    path = link.removeprefix("https://hemolog.example.org")
    mail_client = Client(enforce_csrf_checks=True)
    assert "Stop e-mail reminders" in mail_client.get(path).content.decode()  # a link scanner's GET changes nothing
    assert ReminderSettings.objects.get(user=owner).by_email
    assert mail_client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not ReminderSettings.objects.get(user=owner).by_email
    assert Client().get(path[:-3] + "xyz/").status_code == 404
