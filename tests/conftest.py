"""The cast: an owner (a parent), a caregiver (the other parent), a clinician
with read-only access, and a stranger from another family with a patient of
their own. ``patient`` is the owner's child, with a realistic small log."""

import datetime as dt
import os
import shutil
import time

import pytest
import time_machine

from hemolog.patients.models import PatientAccess

from . import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's sync API

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def english_until_asked():
    """Each test starts in the default language: a request in German leaves
    German active in the test's thread afterwards (LocaleMiddleware activates
    a language per request and nothing deactivates it)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache of values worked out from logs
    (dashboards are cached by patient id). The shared cache (throttles) is a
    database table: a test's transaction rolls it back, and
    ``transactional_db`` below empties it."""
    from django.core.cache import caches

    from hemolog.core.caching import values_cache

    values_cache.clear()
    caches["jobs"].clear()  # the background jobs' progress and results (files)


@pytest.fixture
def transactional_db(transactional_db):
    """Django flushes only the models' tables between these tests: empty the
    shared cache's table too, so no test inherits another's throttles."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def frozen_now(request):
    """The clock stopped at one instant for the whole test, so that "today", "N
    days ago" and "now" mean the same in the data the test makes and in the page
    it reads. Parametrise indirectly with an ISO 8601 instant to choose it (request
    it before the fixtures that make data); by default a Wednesday in June 2026."""
    moment = dt.datetime.fromisoformat(getattr(request, "param", "2026-06-10T10:00:00+00:00"))
    with time_machine.travel(moment, tick=False):
        yield moment


@pytest.fixture
def owner(db):
    return factories.make_user("owner@example.org", first_name="Olivia")


@pytest.fixture
def caregiver(db):
    return factories.make_user("caregiver@example.org", first_name="Carl")


@pytest.fixture
def clinician(db):
    """A clinician, with the authenticator app every clinician must set up."""
    user = factories.make_user("clinician@example.org", first_name="Dr Chen")
    user.authenticator_secret = factories.add_authenticator_app(user)  # for tests that log in by password
    return user


@pytest.fixture
def stranger(db):
    user = factories.make_user("stranger@example.org", first_name="Sam")
    factories.make_patient(owner=user, display_name="Stranger's child")
    return user


@pytest.fixture
def patient(owner, caregiver, clinician):
    child = factories.make_patient(owner=owner, display_name="Leo", weight_kg="32.0")
    factories.grant(caregiver, child, PatientAccess.Role.CAREGIVER)
    factories.grant(clinician, child, PatientAccess.Role.CLINICIAN)
    return child


@pytest.fixture
def lot(patient):
    return factories.make_lot(patient, vials=10, lot_number="A1234")


@pytest.fixture
def log(patient, lot):
    """A few weeks of entries: a regimen, prophylaxis from stock, two bleeds, one treated."""
    factories.make_regimen(patient)
    bleed = factories.make_bleed(patient, days_ago=3, site="KNEE", side="L", pain=6)
    factories.make_bleed(patient, days_ago=10, site="ELBOW", side="R")
    factories.make_infusion(patient, days_ago=3, lot=lot, reason="BLEED", bleed=bleed)
    for day in (2, 4, 6):
        factories.make_infusion(patient, days_ago=day, lot=lot)
    return patient


def log_in(client, user):
    """Log ``client`` in as ``user``, who has just typed the password again:
    the session holds django-allauth's record of a re-authentication, so
    sensitive actions (sharing, deleting a patient, the archive) go ahead for
    five minutes. Tests of the re-authentication itself use ``force_login``."""
    client.force_login(user)
    session = client.session
    record = {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    session["account_authentication_methods"] = [record]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def log_in_by_password(user, remember: bool = False):
    """A new client logged in through the log-in page, as a person does (then,
    for an account with an authenticator app, its code), with "Keep me signed
    in on this phone" ticked when ``remember``."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    data = {"login": user.email, "password": factories.PASSWORD}
    if remember:
        data["remember"] = "on"
    response = client.post(reverse("account_login"), data)
    assert response.status_code == 302
    if response["Location"] == reverse("mfa_authenticate"):  # the second step: the app's code
        response = client.post(response["Location"], {"code": factories.totp_code(user.authenticator_secret)})
        assert response.status_code == 302
    return client


@pytest.fixture
def client_for(client):
    """Log the test client in as the given user."""
    return lambda user: log_in(client, user)


# Browser tests: Debian's Chromium, never a downloaded one -----------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `apt-get install chromium` (make test does).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A phone-sized screen with touch, as most entries are made. No service worker
    unless a test asks for one (``@pytest.mark.browser_context_args(service_workers="allow")``):
    the requests a service worker makes pass by the routes, and axe-core's check
    (tests/accessibility.py) would not see the pages it serves."""
    return {
        **browser_context_args,
        "service_workers": "block",
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "timezone_id": "Europe/London",
    }


@pytest.fixture
def new_context(new_context):
    """Every browser context of a test is watched by axe-core: once the test is
    over, each page it visited is checked, and a serious or critical violation
    fails the test (tests/accessibility.py)."""
    from .accessibility import AXE, Recorder

    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci` (make test does).")
    watched = []

    def watched_context(**kwargs):
        context = new_context(**kwargs)
        recorder = Recorder()
        recorder.watch(context)
        context._hemolog_axe = recorder  # a test may pause it (offline, where no route may answer)
        watched.append((context, recorder))
        return context

    yield watched_context
    found = [line for context, recorder in watched for line in recorder.violations(context)]
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
