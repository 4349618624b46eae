"""A request Django cannot read is answered 400 with the app's own page, never
a 500, and saves nothing: a form POST whose Content-Type names a charset other
than UTF-8 made Django's own 400 view read the body again and fail
(hemolog/core/errors.py). Then a fuzz of content types and bodies over the
forms, by role."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.patients.models import Patient

LATIN_1 = "application/x-www-form-urlencoded; charset=latin-1"
VISITOR_FORMS = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
OWNER_FORMS = [
    "/patients/new/",
    "/patients/{p}/bleeds/new/",
    "/patients/{p}/infusions/new/",
    "/patients/{p}/weights/",
    "/patients/{p}/sharing/",
    "/patients/{p}/edit/",
    "/accounts/settings/",
]


def client_as(user=None) -> Client:
    """With CSRF checks on and a CSRF cookie, as a browser posts: Django's test
    client skips the checks, and with them the bug (the check in Django's 400
    view). Post with :func:`post`."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user:
        client.force_login(user)
    client.get("/" if user else "/accounts/login/")  # a page with a form sets the CSRF cookie
    return client


def post(client: Client, url: str, body: bytes, content_type: str):
    """The bytes as they are (``post()`` would re-encode them to the named charset)."""
    token = client.cookies["csrftoken"].value
    return client.generic("POST", url, data=body, content_type=content_type, headers={"X-CSRFToken": token})


def entries() -> tuple[int, int, int]:
    return Patient.objects.count(), BleedEpisode.objects.count(), Infusion.objects.count()


@pytest.mark.parametrize("url", VISITOR_FORMS + OWNER_FORMS)
def test_a_form_posted_in_latin_1_is_a_bad_request_and_saves_nothing(url, owner, patient):
    client = client_as(None if url in VISITOR_FORMS else owner)
    before = entries()
    body = "email=caf%E9%40example.org&site=ANKLE&notes=caf%E9".encode("latin-1")
    response = post(client, url.format(p=patient.pk), body, LATIN_1)
    assert response.status_code == 400
    assert "That request could not be read" in response.content.decode()
    assert entries() == before


CONTENT_TYPES = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        LATIN_1,
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=nonsense",
        "multipart/form-data",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/json",
        "",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=st.sampled_from(VISITOR_FORMS + OWNER_FORMS), content_type=CONTENT_TYPES, body=st.binary(max_size=300))
def test_no_body_and_content_type_gives_a_server_error(url, content_type, body, owner, patient):
    client = client_as(None if url in VISITOR_FORMS else owner)
    response = post(client, url.format(p=patient.pk), body, content_type)
    assert response.status_code < 500, (url, content_type, body)


@pytest.mark.parametrize("url", ["/accounts/login/", "/patients/{p}/import/", "/accounts/archive/import/"])
def test_a_body_declared_larger_than_any_form_takes_is_refused_unread(url, client_for, owner, patient, settings):
    """The test client's payload raises if more is read than it holds: 413 comes before any read."""
    declared = settings.MAX_REQUEST_BYTES + 1
    response = client_for(owner).generic(
        "POST", url.format(p=patient.pk), data=b"x" * 100, content_type="text/plain", CONTENT_LENGTH=str(declared)
    )
    assert response.status_code == 413
    assert "at most 21 MB" in response.content.decode()


def test_a_body_within_the_limit_reaches_the_form(client_for, owner, patient):
    response = client_for(owner).post(f"/patients/{patient.pk}/weights/", {"measured_on": "", "weight_kg": ""})
    assert response.status_code == 200  # the form again, with its errors
