"""Every page and file a logged-in person gets is marked not to be kept
(``Cache-Control: no-store``), and every response switches off the browser
features the app never uses (hemolog/core/middleware.py)."""

import re

import pytest
from django.urls import reverse

from hemolog.core.middleware import PERMISSIONS_POLICY

from .test_access_matrix import ACCOUNT, PATIENT_URLS, POST_ONLY, objects, url_for  # noqa: F401 (a fixture)

NEEDS_A_FACTOR = {"mfa_deactivate_totp", "mfa_download_recovery_codes", "mfa_view_recovery_codes"}
NEEDS_A_FACTOR |= {"mfa_reauthenticate", "mfa_reauthenticate_webauthn"}
NEEDS_A_FACTOR |= {"account_set_password"}  # the account has a password: change it instead
# Re-authentication by an e-mailed code is switched off (settings.ACCOUNT_REAUTHENTICATION_METHODS).
NOT_OFFERED = {"account_request_reauthentication_code", "account_confirm_reauthentication_code"}
READ_URLS = sorted(name for name in PATIENT_URLS if name not in POST_ONLY)


def script_sources(response) -> list[str]:
    """The script-src of the page's Content-Security-Policy."""
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return directives["script-src"].split()


def assert_no_inline_script(response) -> None:
    """What the policy would block: a script in the page itself, or a handler attribute."""
    if not response["Content-Type"].startswith("text/html"):
        return
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", html), "an event handler attribute"
    assert "javascript:" not in html


@pytest.mark.parametrize("name", READ_URLS)
def test_every_page_of_a_patient_is_not_kept_and_runs_no_inline_script(name, client_for, owner, log, objects):  # noqa: F811
    response = client_for(owner).get(url_for(name, log, objects[PATIENT_URLS[name][0]]))
    assert response.status_code in (200, 302), name
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert script_sources(response) == ["'self'"]
    assert_no_inline_script(response)


@pytest.mark.parametrize("name", ["home", "account_login", "account_signup", "mfa_activate_totp", "sharing:roster"])
def test_the_other_pages_run_no_inline_script_either(name, client_for, owner, clinician, log):
    client = client_for(clinician if name == "sharing:roster" else owner)
    if name in ("account_login", "account_signup"):
        client.logout()
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert script_sources(response) == ["'self'"]
    assert_no_inline_script(response)


@pytest.mark.parametrize("name", sorted(ACCOUNT))
def test_every_account_page_and_file_is_not_kept(name, client_for, owner, log, lot):
    query = {"lot": lot.lot_number} if name == "exports:recall_csv" else {}
    response = client_for(owner).get(reverse(name), query)
    # Pages about a factor not set up send elsewhere or are not found.
    expected = (302, 404) if name in NEEDS_A_FACTOR else (403,) if name in NOT_OFFERED else (200,)
    assert response.status_code in expected, name
    assert "no-store" in response["Cache-Control"]


def test_the_health_check_may_be_kept_and_no_response_asks_for_the_camera(client, db):
    response = client.get(reverse("health"))
    assert "no-store" not in response.get("Cache-Control", "")
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY and "geolocation=()" in PERMISSIONS_POLICY
