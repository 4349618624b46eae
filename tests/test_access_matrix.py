"""Every URL × every role. A new URL that is not listed here fails
``test_every_url_is_in_the_matrix``, so no view ships without an access check.

Expectations: the stranger (another family) gets 404 for anything of our
patient; the clinician reads (200) but gets 403 on every write; owner and
caregiver read and write; a GET on a POST-only view is 405; an anonymous
visitor is sent to log in.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hemolog.sharing.models import Invitation
from tests import factories

# django-allauth's pages for a visitor: log in, sign up, verify, reset a password.
PUBLIC = {
    "account_login",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_confirm_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "mfa_authenticate",  # the second step of a log-in in progress
    "health",
    "manifest",  # installing the app: the manifest, its service worker, the favicon
    "service_worker",
    "favicon",
    # The language picker (a cookie, and the account's choice once logged in) and the scripts'
    # strings: for anyone, the log-in page included (tests/i18n/test_choosing_the_language.py).
    "choose_language",
    "javascript_catalogue",
}
ACCOUNT = {"home", "account_settings", "account_security", "patients:create", "reminders:settings"}
# A phone's push subscription, posted as JSON by static/js/reminders.js (tests/reminders/test_push.py).
POST_ONLY_ACCOUNT = {"reminders:push"}
# The own account's sign-in: password, addresses, re-authentication, two-factor.
ACCOUNT |= {"account_change_password", "account_set_password", "account_email", "account_reauthenticate"}
ACCOUNT |= {"account_request_reauthentication_code", "account_confirm_reauthentication_code"}
ACCOUNT |= {"mfa_index", "mfa_reauthenticate", "mfa_activate_totp", "mfa_deactivate_totp", "mfa_list_webauthn"}
ACCOUNT |= {"mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_download_recovery_codes"}
ACCOUNT |= {"mfa_add_webauthn", "mfa_reauthenticate_webauthn"}
# A passkey of the own account, by its id: another user's is 404.
OWN_AUTHENTICATOR = {"mfa_remove_webauthn", "mfa_edit_webauthn"}
ACCOUNT |= {"exports:recall", "exports:recall_csv"}  # lot recall: across the patients the user sees
ACCOUNT |= {"sharing:roster"}  # the clinician roster: the user's own list
ACCOUNT |= {"exports:archive_import"}  # restores a personal archive into the own, fresh account
POST_ONLY = {"patients:weight_add", "logbook:bleed_resolve", "logbook:undo"}
# Logging out: a GET asks to confirm (django-allauth's page), a POST logs out.
LOG_OUT = {"account_logout"}
POST_ONLY |= {"sharing:invitation_cancel"}
# Anyone who sees the patient may stop seeing it (the page refuses the only owner); others 404.
SELF_SERVICE = {"sharing:leave"}
# A background job's page, named by its token: its starter's only, anyone else's is 404.
OWN_JOB = {"background:job", "background:job_file"}
# The calendar feed: its secret URL is its key, for a phone's calendar that cannot log in
# (tests/reminders/test_calendar.py: a revoked or made-up one is 404).
SECRET_LINKS = {"reminders:calendar", "reminders:unsubscribe"}
# The invitation link: named by its token, not a patient id; the landing page needs no login.
INVITATION_URLS = {"sharing:invitation", "sharing:invitation_accept"}

# name -> (object the URL names, write?)  "read" views answer GET; "write" views GET a form and POST changes.
PATIENT_URLS = {
    "patients:detail": (None, False),
    "patients:edit": (None, True),
    "patients:delete": (None, "owner"),
    "patients:weight_add": (None, True),
    "patients:weight_delete": ("weight", True),
    "logbook:bleed_list": (None, False),
    "logbook:bleed_create": (None, True),
    "logbook:bleed_edit": ("bleed", True),
    "logbook:bleed_resolve": ("bleed", True),
    "logbook:bleed_delete": ("bleed", True),
    "logbook:infusion_list": (None, False),
    "logbook:infusion_create": (None, True),
    "logbook:infusion_edit": ("infusion", True),
    "logbook:infusion_delete": ("infusion", True),
    "logbook:regimen_list": (None, False),
    "logbook:regimen_create": (None, True),
    "logbook:regimen_edit": ("regimen", True),
    "logbook:regimen_delete": ("regimen", True),
    "logbook:changes": (None, False),
    "logbook:dose_skip": (None, True),  # with ?day= a scheduled day (tests/logbook/test_skips.py); else 404
    "logbook:undo": (None, True),  # with a token of the user's own change (tests/logbook/test_undo.py)
    "inventory:stock": (None, False),
    "inventory:lot_receive": (None, True),
    "inventory:lot_detail": ("lot", False),
    "inventory:lot_adjust": ("lot", True),
    "inventory:product_create": (None, True),
    "insights:dashboard": (None, False),
    "exports:import_upload": (None, True),  # CSV import: a write
    "exports:import_preview": (None, True),  # GET the preview, POST confirms
    # Sharing is managed by owners only.
    "sharing:manage": (None, "owner"),
    "sharing:revoke": ("access", "owner"),
    "sharing:invitation_cancel": ("invitation", "owner"),
    # Exports: every role that sees the patient may export; the personal archive is the owner's.
    "exports:export": (None, False),
    "exports:bleeds_csv": (None, False),
    "exports:infusions_csv": (None, False),
    "exports:stock_csv": (None, False),
    "exports:csv_zip": (None, False),
    "exports:pdf": (None, False),
    "exports:fhir": (None, False),
    "exports:archive_export": (None, "owner"),
}


def all_url_names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_is_in_the_matrix():
    listed = PUBLIC | ACCOUNT | POST_ONLY | set(PATIENT_URLS) | SELF_SERVICE | INVITATION_URLS
    listed |= LOG_OUT | OWN_AUTHENTICATOR | OWN_JOB | SECRET_LINKS | POST_ONLY_ACCOUNT
    missing = sorted(set(all_url_names()) - listed)
    assert not missing, f"URLs without an access expectation: {missing}"


@pytest.fixture
def objects(log):
    """One object of each kind belonging to our patient."""
    return {
        None: None,
        "weight": log.weights.first(),
        "bleed": log.bleeds.first(),
        "infusion": log.infusions.first(),
        "regimen": log.regimens.first(),
        "lot": log.stock_lots.first(),
        "access": log.access.get(role="CLINICIAN"),
        "invitation": factories.make_invitation(log).invitation,
    }


def url_for(name, patient, obj):
    kwargs = {"patient_id": patient.pk}
    if obj is not None:
        kwargs["pk"] = obj.pk
    url = reverse(name, kwargs=kwargs)
    if name == "logbook:dose_skip":  # a dose the regimen scheduled: the last one
        url += f"?day={last_scheduled_day(patient).isoformat()}"
    return url


def last_scheduled_day(patient):
    import datetime as dt

    from django.utils import timezone

    from hemolog.clinical.adherence import scheduled_doses
    from hemolog.logbook.schedules import schedule_record

    today = timezone.localdate()
    schedules = [schedule_record(r) for r in patient.regimens.all()]
    days = scheduled_doses(schedules, today - dt.timedelta(days=7), today, timezone.get_current_timezone())
    return days[-1].day


@pytest.mark.parametrize("name", sorted(PATIENT_URLS))
def test_stranger_gets_404_for_get_and_post(name, client_for, stranger, log, objects):
    url = url_for(name, log, objects[PATIENT_URLS[name][0]])
    client = client_for(stranger)
    assert client.get(url).status_code == (405 if name in POST_ONLY else 404)
    # Read-only pages refuse POST by method (405) before looking anything up.
    assert client.post(url, {}).status_code == (404 if PATIENT_URLS[name][1] else 405)


@pytest.mark.parametrize("name", sorted(n for n, (_, write) in PATIENT_URLS.items() if n not in POST_ONLY))
def test_clinician_reads_but_never_writes(name, client_for, clinician, log, objects):
    kind, write = PATIENT_URLS[name]
    url = url_for(name, log, objects[kind])
    client = client_for(clinician)
    if write:
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    else:
        assert client.get(url).status_code == 200
        assert client.post(url, {}).status_code == 405


@pytest.mark.parametrize("name", sorted(n for n in PATIENT_URLS if n in POST_ONLY))
def test_clinician_gets_403_on_post_only_views(name, client_for, clinician, log, objects):
    url = url_for(name, log, objects[PATIENT_URLS[name][0]])
    assert client_for(clinician).post(url, {}).status_code == 403


@pytest.mark.parametrize("role", ["owner", "caregiver"])
@pytest.mark.parametrize("name", sorted(n for n in PATIENT_URLS if n not in POST_ONLY))
def test_family_can_open_every_page(name, role, request, client_for, log, objects):
    kind, write = PATIENT_URLS[name]
    url = url_for(name, log, objects[kind])
    expected = 403 if (write == "owner" and role == "caregiver") else 200
    assert client_for(request.getfixturevalue(role)).get(url).status_code == expected


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_get_on_post_only_view_is_405(name, client_for, owner, log, objects):
    url = url_for(name, log, objects[PATIENT_URLS[name][0]]) if name in PATIENT_URLS else reverse(name)
    assert client_for(owner).get(url).status_code == 405


@pytest.mark.parametrize("name", sorted(PATIENT_URLS))
def test_anonymous_is_sent_to_log_in(name, client, log, objects):
    url = url_for(name, log, objects[PATIENT_URLS[name][0]])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(ACCOUNT))
def test_account_pages_need_a_login(name, client, owner):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(OWN_AUTHENTICATOR))
def test_a_passkey_of_another_account_is_404(name, client_for, owner, stranger):
    from allauth.mfa.models import Authenticator

    key = Authenticator.objects.create(user=owner, type=Authenticator.Type.WEBAUTHN, data={"name": "Phone"})
    client = client_for(stranger)
    url = reverse(name, kwargs={"pk": key.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Mine now"}).status_code == 404
    assert Authenticator.objects.filter(pk=key.pk, user=owner, data__name="Phone").exists()
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(n for n, (kind, _) in PATIENT_URLS.items() if kind))
def test_object_of_another_patient_is_404_through_own_patient(name, client_for, stranger, log, objects):
    """The stranger may not reach our objects by putting their own patient's id in the URL."""
    kind = PATIENT_URLS[name][0]
    own_patient = stranger.patient_access.get().patient
    url = reverse(name, kwargs={"patient_id": own_patient.pk, "pk": objects[kind].pk})
    client = client_for(stranger)
    assert client.get(url).status_code == (405 if name in POST_ONLY else 404)
    # Read-only pages refuse POST by method (405) before looking anything up.
    assert client.post(url, {}).status_code == (404 if PATIENT_URLS[name][1] else 405)


def report_job(user, patient):
    from hemolog.background.models import Job

    return Job.objects.create(
        user=user,
        kind="pdf_report",
        status=Job.Status.DONE,
        params={"title": "Making the clinic report", "patient_id": patient.pk},
        result={"title": "The clinic report is ready.", "ok": True},
        output=b"%PDF-1.4 ...",
        output_name="leo_report.pdf",
        output_type="application/pdf",
    )


@pytest.mark.parametrize("name", sorted(OWN_JOB))
def test_a_job_of_another_account_is_404(name, client_for, owner, stranger, patient):
    url = reverse(name, kwargs={"token": report_job(owner, patient).token})
    assert client_for(owner).get(url).status_code == 200
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(owner).post(url, {}).status_code == 405  # a page to read, nothing to post
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(OWN_JOB))
def test_a_report_job_is_gone_once_the_access_to_its_patient_ended(name, client_for, clinician, log):
    url = reverse(name, kwargs={"token": report_job(clinician, log).token})
    assert client_for(clinician).get(url).status_code == 200
    clinician.patient_access.filter(patient=log).delete()
    assert client_for(clinician).get(url).status_code == 404


@pytest.mark.parametrize("patient_id", [0, 999999, 2**63 + 10, 10**30])
def test_unknown_and_out_of_range_ids_are_404(client_for, owner, patient, patient_id):
    assert client_for(owner).get(f"/patients/{patient_id}/bleeds/").status_code == 404


def test_revoked_access_is_gone_at_once(client_for, clinician, log):
    client = client_for(clinician)
    url = reverse("logbook:bleed_list", kwargs={"patient_id": log.pk})
    assert client.get(url).status_code == 200
    clinician.patient_access.filter(patient=log).delete()
    assert client.get(url).status_code == 404


def test_home_of_a_clinician_offers_no_write_buttons(client_for, clinician, log):
    html = client_for(clinician).get("/").content.decode()
    assert "Leo" in html
    assert reverse("logbook:bleed_create", kwargs={"patient_id": log.pk}) not in html


def test_stranger_home_does_not_mention_our_patient(client_for, stranger, log):
    html = client_for(stranger).get("/").content.decode()
    assert "Leo" not in html
    assert "Stranger" in html


@pytest.mark.parametrize("name", sorted(SELF_SERVICE))
def test_self_service_pages_open_for_every_role_and_404_for_a_stranger(name, request, client_for, log):
    url = reverse(name, kwargs={"patient_id": log.pk})
    for role in ("owner", "caregiver", "clinician"):
        assert client_for(request.getfixturevalue(role)).get(url).status_code == 200
    stranger = client_for(request.getfixturevalue("stranger"))
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {}).status_code == 404
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_invitation_link_opens_without_login_but_accepting_needs_one(client, log):
    token = factories.make_invitation(log).token
    landing = reverse("sharing:invitation", kwargs={"token": token})
    accept = reverse("sharing:invitation_accept", kwargs={"token": token})
    assert client.get(landing).status_code == 200
    assert client.post(landing).status_code == 405
    for response in (client.get(accept), client.post(accept)):
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("sharing:invitation", kwargs={"token": "not-a-token"})).status_code == 404
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize("role", ["owner", "caregiver", "clinician", "stranger"])
def test_only_the_invited_address_can_accept(role, request, client_for, log):
    token = factories.make_invitation(log, email="invited@example.org").token
    accept = reverse("sharing:invitation_accept", kwargs={"token": token})
    assert client_for(request.getfixturevalue(role)).post(accept).status_code == 403
    assert Invitation.objects.get().accepted_at is None
