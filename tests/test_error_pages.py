"""A 404 says nothing about what exists; a stranger cannot tell another
family's patient from a patient that was never there."""

import re

from django.urls import reverse


def without_csrf(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def test_404_for_another_familys_patient_matches_a_missing_one(client_for, stranger, patient):
    client = client_for(stranger)
    theirs = client.get(reverse("patients:detail", kwargs={"patient_id": patient.pk}))
    missing = client.get(reverse("patients:detail", kwargs={"patient_id": patient.pk + 1000}))
    assert theirs.status_code == missing.status_code == 404
    assert without_csrf(theirs.content) == without_csrf(missing.content)
    html = theirs.content.decode()
    assert "Page not found" in html
    assert "Leo" not in html and "Traceback" not in html


def test_403_page_for_a_clinician_is_plain(client_for, clinician, patient):
    response = client_for(clinician).get(reverse("logbook:bleed_create", kwargs={"patient_id": patient.pk}))
    assert response.status_code == 403
    assert "read-only" in response.content.decode()
