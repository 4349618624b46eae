import re
import zoneinfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hemolog.accounts.models import User
from tests import factories


def test_sign_up_logs_in_and_asks_for_a_patient(client, db):
    response = client.post(
        reverse("signup"),
        {
            "email": "New.Parent@Example.org",
            "first_name": "Nina",
            "time_zone": "Europe/Paris",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:create")
    user = User.objects.get()
    assert (user.email, user.time_zone) == ("new.parent@example.org", "Europe/Paris")
    assert client.get(reverse("home")).status_code == 200


def test_sign_up_rejects_a_taken_email_and_keeps_what_was_typed(client, owner):
    response = client.post(
        reverse("signup"),
        {"email": "OWNER@example.org", "first_name": "Twin", "time_zone": "UTC", "password1": "x", "password2": "x"},
    )
    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["email"][0]
    assert 'value="Twin"' in response.content.decode()
    assert User.objects.count() == 1


def test_log_in_with_email_in_any_case_and_log_out(client, owner):
    response = client.post(reverse("login"), {"username": "Owner@Example.org", "password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("logout")).status_code == 405  # logging out takes a POST
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused(client, owner):
    response = client.post(reverse("login"), {"username": owner.email, "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_change_password(client_for, owner):
    client = client_for(owner)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "another-long-pass-9",
            "new_password2": "another-long-pass-9",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("another-long-pass-9")


def test_reset_a_forgotten_password_by_email(client, owner):
    response = client.post(reverse("password_reset"), {"email": owner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "fresh-pass-phrase-1", "new_password2": "fresh-pass-phrase-1"},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("fresh-pass-phrase-1")


def test_reset_for_an_unknown_email_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_time_zone_setting_changes_the_times_shown_and_accepted(client_for, owner, patient):
    client = client_for(owner)
    response = client.post(
        reverse("account_settings"), {"first_name": "Olivia", "last_name": "", "time_zone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    form = client.get(reverse("logbook:bleed_create", kwargs={"patient_id": patient.pk})).context["form"]
    shown = form["started_at"].value()  # naive wall-clock time, as the input shows it
    tokyo_now = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert abs((shown - tokyo_now.replace(tzinfo=None)).total_seconds()) < 120
    # A time typed on the form is read in Tokyo time.
    typed = (tokyo_now - timezone.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("logbook:bleed_create", kwargs={"patient_id": patient.pk}),
        {"started_at": typed, "site": "NOSE", "side": "", "cause": "SPONTANEOUS", "severity": "MILD"},
    )
    stored = patient.bleeds.get().started_at
    assert stored.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%dT%H:%M") == typed


def test_unknown_time_zone_is_refused(client_for, owner):
    response = client_for(owner).post(reverse("account_settings"), {"first_name": "O", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.time_zone == "UTC"


def test_health_page_needs_no_login(client, db):
    assert client.get(reverse("health")).json() == {"status": "ok"}


def test_logging_out_says_so(client_for, owner):
    response = client_for(owner).post(reverse("logout"), follow=True)
    assert "You are logged out." in response.content.decode()


def test_an_expired_form_explains_that_nothing_was_saved(owner, patient):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("logbook:bleed_create", kwargs={"patient_id": patient.pk}), {"site": "NOSE"})
    assert response.status_code == 403
    assert "Your entry was not saved" in response.content.decode()
    assert not patient.bleeds.exists()


@pytest.mark.parametrize(
    ("password", "accepted"),
    [("hemolog1", False), ("elevenchars", False), ("password1234", False), ("twelve-chars", True)],
)
def test_a_password_has_at_least_12_characters_and_is_not_a_common_one(client, db, password, accepted):
    """OWASP ASVS 4.0.3 V2.1.1 (12 characters) and V2.1.7 (not a known common password)."""
    data = {"email": "new@example.org", "first_name": "N", "time_zone": "UTC"}
    response = client.post(reverse("signup"), {**data, "password1": password, "password2": password})
    assert User.objects.filter(email="new@example.org").exists() is accepted
    if not accepted:
        assert response.status_code == 200 and response.context["form"].errors["password2"]
