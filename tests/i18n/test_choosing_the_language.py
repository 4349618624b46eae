"""Which language a page, an e-mail and a reminder are written in: the
browser's Accept-Language, else the picker's choice (a cookie, and on the
account once logged in), the account's choice winning over both."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from hemolog.reminders.models import ReminderSettings
from hemolog.reminders.sending import send_to
from tests import factories
from tests.conftest import log_in

pytestmark = pytest.mark.django_db


def language_of(response) -> str:
    return response.headers["Content-Language"]


def test_the_browsers_language_is_used_until_one_is_chosen():
    assert language_of(Client().get("/accounts/login/")) == "en-gb"
    assert language_of(Client(headers={"accept-language": "de-AT,de;q=0.9"}).get("/accounts/login/")) == "de"
    assert language_of(Client(headers={"accept-language": "ar"}).get("/accounts/login/")) == "ar"
    assert language_of(Client(headers={"accept-language": "en-US,en"}).get("/accounts/login/")) == "en-gb"
    assert language_of(Client(headers={"accept-language": "pt-BR"}).get("/accounts/login/")) == "en-gb"  # not offered
    page = Client(headers={"accept-language": "ar"}).get("/accounts/login/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page and "bootstrap.rtl.min.css" in page


def test_the_picker_sets_the_language_before_log_in_and_keeps_it_on_the_account(owner):
    client = Client(headers={"accept-language": "de"})
    response = client.post("/accounts/language/", {"language": "fr", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/login/"
    assert language_of(client.get("/accounts/login/")) == "fr"
    client.post("/accounts/login/", {"login": owner.email, "password": factories.PASSWORD})
    owner.refresh_from_db()
    assert owner.language == "fr"  # the language logged in with, kept
    client.post("/accounts/language/", {"language": "es", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == "es"


def test_the_account_language_wins_over_the_browser_and_the_cookie(owner):
    owner.language = "ar"
    owner.save()
    client = log_in(Client(headers={"accept-language": "de"}), owner)
    client.cookies["django_language"] = "es"
    assert language_of(client.get("/")) == "ar"


def test_the_settings_page_saves_the_language(owner):
    client = log_in(Client(), owner)
    form = {"first_name": "Olivia", "last_name": "", "time_zone": "Europe/Berlin", "language": "de"}
    response = client.post("/accounts/settings/", form, follow=True)
    owner.refresh_from_db()
    assert owner.language == "de" and language_of(response) == "de"


@pytest.mark.parametrize("language", ["xx", "", "de\x00", "../../etc", "é" * 5000])
def test_a_language_not_offered_changes_nothing(owner, language):
    client = log_in(Client(), owner)
    response = client.post("/accounts/language/", {"language": language, "next": "/"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.language == "" and "django_language" not in response.cookies


def test_the_picker_goes_back_only_to_this_site():
    response = Client().post("/accounts/language/", {"language": "de", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_the_scripts_catalogue_is_one_per_language():
    response = Client().get("/jsi18n/de.js")
    assert response.status_code == 200 and "django.gettext" in response.content.decode()
    assert Client().get("/jsi18n/xx.js").status_code == 404


def test_a_reminder_is_written_in_the_recipients_language(owner, log):
    log.infusions.filter(reason="PROPHYLAXIS").order_by("given_at")[1].delete()  # four days ago: not given
    owner.language = "de"
    owner.save()
    ReminderSettings.objects.create(user=owner, by_email=True, quiet_from="00:00", quiet_until="00:00")
    with translation.override("en-gb"):  # the scheduler runs in the default language
        assert send_to(owner, timezone.now()) >= 1
    with translation.override("de"):
        subject = translation.gettext("%(name)s's prophylaxis dose is due") % {"name": "Leo"}
    assert subject != "Leo's prophylaxis dose is due"  # the German catalogue has it
    assert subject in [message.subject for message in mail.outbox]


def test_an_invitation_is_written_in_the_invited_persons_language(owner, patient):
    invited = factories.make_user("invited@example.org")
    invited.language = "fr"
    invited.save()
    client = log_in(Client(), owner)  # the owner's pages in English
    client.post(f"/patients/{patient.pk}/sharing/", {"email": invited.email, "role": "CAREGIVER"})
    (message,) = mail.outbox
    with translation.override("fr"):
        subject = translation.gettext("An invitation to a Hemolog log")
    assert subject != "An invitation to a Hemolog log" and message.subject == subject


@pytest.mark.parametrize(
    ("what", "english", "german"),
    [
        ("dashboard (last 12 months)", "dashboard (last 12 months)", "Dashboard (letzte 12 Monate)"),
        ("PDF clinic report 2025-01-01 – 2025-12-31", "PDF clinic report 1 Jan 2025 – 31 Dec 2025", "1. Januar 2025"),
        ("lot recall CSV A1234", "lot recall CSV A1234", "A1234"),
        ("something recorded long ago", "something recorded long ago", "something recorded long ago"),
    ],
)
def test_the_access_record_reads_in_the_readers_language(what, english, german):
    from hemolog.patients.models import recorded_what

    assert recorded_what(what) == english
    with translation.override("de"):
        in_german = recorded_what(what)
    assert german in in_german and (in_german != english or what.startswith("something"))


def test_the_phone_keeps_the_accounts_language_for_the_log_in_page_after_a_log_out(owner):
    owner.language = "es"
    owner.save()
    client = log_in(Client(headers={"accept-language": "en"}), owner)
    assert client.get("/").cookies["django_language"].value == "es"
    client.post("/accounts/logout/")
    assert language_of(client.get("/accounts/login/")) == "es"


@pytest.mark.parametrize("language", ["es", "de", "fr", "ar"])
def test_djangos_password_message_is_translated_where_djangos_catalogue_lacks_it(language):
    from django.contrib.auth.password_validation import MinimumLengthValidator
    from django.core.exceptions import ValidationError

    with translation.override(language), pytest.raises(ValidationError) as refused:
        MinimumLengthValidator(12).validate("short")
    assert "12" in refused.value.messages[0] and "too short" not in refused.value.messages[0]
