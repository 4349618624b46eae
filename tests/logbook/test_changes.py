"""Who changed what (issue 10, point 5): every change to a bleed, dose,
regimen, weight or lot is kept with its author and time (django-simple-history)
and shown on the entry, so two parents see who changed a dose."""

import pytest
from django.urls import reverse

from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.patients.models import WeightMeasurement
from tests import factories


def edit_dose(client, patient, infusion, dose: str) -> None:
    given = infusion.given_at.astimezone().strftime("%Y-%m-%dT%H:%M")
    data = {"given_at": given, "product": infusion.product_id, "dose": dose, "reason": "PROPHYLAXIS"}
    data |= {"given_by": "SELF", "lot": "", "vials_used": ""}
    response = client.post(reverse("logbook:infusion_edit", args=[patient.pk, infusion.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_dose_changed_by_the_other_parent_shows_who_and_what(client_for, owner, caregiver, patient):
    infusion = factories.make_infusion(patient, days_ago=1, by=owner)  # no lot: no vials to move
    edit_dose(client_for(caregiver), patient, infusion, "2000")
    page = (
        client_for(owner)
        .get(reverse("logbook:changes", args=[patient.pk]) + f"?entry=infusion-{infusion.pk}")
        .content.decode()
    )
    assert f"Changed by {caregiver.display_name}" in page
    assert "Dose: 1000 → 2000" in page
    assert page.index("Changed by") < page.index("Logged by")  # newest first
    assert f"Logged by {owner.display_name}" in page
    # The same on the patient's page of changes, and on the edit page a link to it.
    assert "Dose: 1000 → 2000" in client_for(owner).get(reverse("logbook:changes", args=[patient.pk])).content.decode()
    edit_page = client_for(owner).get(reverse("logbook:infusion_edit", args=[patient.pk, infusion.pk])).content.decode()
    assert f"?entry=infusion-{infusion.pk}" in edit_page


def test_a_deleted_entry_shows_who_deleted_it(client_for, owner, caregiver, log):
    bleed = log.bleeds.first()
    client_for(caregiver).post(reverse("logbook:bleed_delete", args=[log.pk, bleed.pk]))
    page = client_for(owner).get(reverse("logbook:changes", args=[log.pk])).content.decode()
    assert f"Deleted by {caregiver.display_name}" in page
    record = BleedEpisode.history.filter(id=bleed.pk).latest("history_date")
    assert (record.history_type, record.history_user) == ("-", caregiver)


def test_the_clinician_reads_the_changes_and_a_stranger_gets_404(client_for, clinician, stranger, log):
    url = reverse("logbook:changes", args=[log.pk])
    assert client_for(clinician).get(url).status_code == 200
    assert client_for(stranger).get(url).status_code == 404


@pytest.mark.parametrize("entry", ["bleed", "bleed-", "pizza-1", "bleed-999999", "bleed-1x", "b" * 5000])
def test_a_malformed_or_unknown_entry_is_404(client_for, owner, log, entry):
    response = client_for(owner).get(reverse("logbook:changes", args=[log.pk]), {"entry": entry})
    assert response.status_code == 404


def test_the_page_reads_a_fixed_number_of_queries(client_for, owner, patient, django_assert_max_num_queries):
    client = client_for(owner)
    for n in range(30):
        infusion = factories.make_infusion(patient, days_ago=n + 1, by=owner)
        edit_dose(client, patient, infusion, str(1000 + n))
    with django_assert_max_num_queries(20):
        page = client.get(reverse("logbook:changes", args=[patient.pk])).content.decode()
    assert page.count("Changed by") == 29  # the 30th dose is unchanged (1000)


def test_deleting_the_patient_deletes_its_history(client_for, owner, patient, log, stranger):
    others = factories.make_patient(owner=stranger, display_name="Other")
    factories.make_bleed(others)
    WeightMeasurement.objects.filter(patient=patient).first().delete()
    assert BleedEpisode.history.filter(patient_id=patient.pk).exists()
    patient.delete()
    for model in (BleedEpisode, Infusion, WeightMeasurement):
        assert not model.history.filter(patient_id=patient.pk).exists(), model
    assert BleedEpisode.history.filter(patient_id=others.pk).count() == 1
