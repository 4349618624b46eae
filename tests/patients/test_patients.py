from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hemolog.patients.models import Patient, PatientAccess, Severity, severity_from_level


def test_severity_from_baseline_level_hand_worked():
    # WFH 2020: severe < 1 %, moderate 1-5 %, mild > 5 and < 40 %.
    assert severity_from_level(Decimal("0.5")) == Severity.SEVERE
    assert severity_from_level(Decimal("0.99")) == Severity.SEVERE
    assert severity_from_level(1) == Severity.MODERATE
    assert severity_from_level(5) == Severity.MODERATE
    assert severity_from_level(Decimal("5.01")) == Severity.MILD
    assert severity_from_level(Decimal("39.9")) == Severity.MILD
    assert severity_from_level(40) is None
    assert severity_from_level(None) is None


def test_create_a_child_profile_makes_the_parent_owner(client_for, owner):
    response = client_for(owner).post(
        reverse("patients:create"),
        {
            "display_name": "Mia",
            "date_of_birth": "2019-04-02",
            "hemophilia_type": "A",
            "baseline_factor_level": "3",
            "severity": "SEVERE",  # overridden by the level
            "inhibitor_status": "NONE",
            "treatment_centre": "Royal Free",
            "weight_kg": "18.5",
        },
    )
    patient = Patient.objects.get(display_name="Mia")
    assert response.status_code == 302
    assert patient.severity == Severity.MODERATE
    assert PatientAccess.objects.get(patient=patient).role == "OWNER"
    assert patient.weights.get().weight_kg == Decimal("18.5")


def test_a_parent_keeps_several_children(client_for, owner, patient):
    client = client_for(owner)
    client.post(
        reverse("patients:create"),
        {"display_name": "Mia", "hemophilia_type": "A", "severity": "UNKNOWN", "inhibitor_status": "NONE"},
    )
    html = client.get("/").content.decode()
    assert "Leo" in html and "Mia" in html


def test_weight_of_the_same_day_is_replaced(client_for, owner, patient):
    client = client_for(owner)
    url = reverse("patients:weight_add", kwargs={"patient_id": patient.pk})
    today = timezone.localdate().isoformat()
    client.post(url, {"measured_on": today, "weight_kg": "33.0"})
    client.post(url, {"measured_on": today, "weight_kg": "33.4"})
    assert patient.weights.filter(measured_on=today).get().weight_kg == Decimal("33.4")
    assert patient.latest_weight.weight_kg == Decimal("33.4")


def test_only_an_owner_deletes_a_profile(client_for, owner, caregiver, patient):
    url = reverse("patients:delete", kwargs={"patient_id": patient.pk})
    assert client_for(caregiver).post(url).status_code == 403
    assert Patient.objects.filter(pk=patient.pk).exists()
    assert client_for(owner).post(url).status_code == 302
    assert not Patient.objects.filter(pk=patient.pk).exists()


def test_deleting_a_profile_does_not_update_it_once_per_deleted_entry(client_for, owner):
    """Each cascaded bleed and dose used to move the patient's data version on
    (one UPDATE each, 119 here) just before the patient itself was deleted,
    and each cascaded stock movement read its lot again."""
    from tests import factories

    def delete_a_patient_with(bleeds: int, doses: int) -> list[str]:
        patient = factories.make_patient(owner=owner, display_name=f"With {bleeds}")
        lot = factories.make_lot(patient, vials=10)
        for day in range(bleeds):
            bleed = factories.make_bleed(patient, days_ago=day + 1)
            if day < doses:
                factories.make_infusion(patient, days_ago=day + 1, lot=lot, reason="BLEED", bleed=bleed)
        client = client_for(owner)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse("patients:delete", kwargs={"patient_id": patient.pk}))
        assert response.status_code == 302 and not Patient.objects.filter(pk=patient.pk).exists()
        return [query["sql"] for query in captured]

    few, many = delete_a_patient_with(10, doses=2), delete_a_patient_with(100, doses=8)
    assert not [sql for sql in many if sql.startswith("UPDATE") and "data_version" in sql]
    assert len(few) == len(many)  # a delete per table, not per row


def test_a_profile_tied_to_another_log_is_kept_and_the_owner_told_why(client_for, owner, patient):
    """Only an archive restored before own products were checked per patient could
    give another patient a lot of this one's own product (on_delete=RESTRICT)."""
    from hemolog.inventory.models import Product
    from tests import factories

    own = Product.objects.create(patient=patient, brand_name="Trial VIII", kind="FVIII", unit="IU")
    sibling = factories.make_patient(owner=owner, display_name="Sam")
    lot = factories.make_lot(sibling, vials=2)
    lot.product = own
    lot.save()
    response = client_for(owner).post(reverse("patients:delete", kwargs={"patient_id": patient.pk}), follow=True)
    assert response.status_code == 200
    assert "can&#x27;t be deleted: another patient&#x27;s log uses a product of Leo&#x27;s" in response.content.decode()
    assert Patient.objects.filter(pk=patient.pk).exists()
    assert Product.objects.filter(pk=own.pk, patient=patient).exists()  # the delete was rolled back whole


def test_the_patient_page_shows_each_change_to_the_log_at_once(
    client_for, owner, caregiver, patient, django_assert_num_queries
):
    """The page's view of the log is cached by the log's version: a new bleed,
    dose, weight or regimen shows on the next request, logged by anyone."""
    from tests import factories

    url = reverse("patients:detail", kwargs={"patient_id": patient.pk})
    client = client_for(owner)
    first = client.get(url).content.decode()
    assert "None logged." in first
    with django_assert_num_queries(4):  # session, user, access row with the patient, who can see the log
        client.get(url)

    factories.make_bleed(patient, days_ago=0.1, site="ELBOW", side="R", by=caregiver)
    assert "Right elbow" in client.get(url).content.decode()

    client_for(caregiver).post(
        reverse("patients:weight_add", kwargs={"patient_id": patient.pk}),
        {"measured_on": timezone.localdate().isoformat(), "weight_kg": "33.4"},
    )
    assert "33.4" in client.get(url).content.decode()

    factories.make_regimen(patient, interval_days=3)
    assert "every 3 days" in client.get(url).content.decode().lower()


def test_a_new_patients_page_offers_the_next_steps_until_one_is_taken(client_for, owner):
    client = client_for(owner)
    response = client.post(
        "/patients/new/",
        {"display_name": "Mia", "hemophilia_type": "A", "severity": "UNKNOWN", "inhibitor_status": "NONE"},
        follow=True,
    )
    html = response.content.decode()
    assert "Next: set up Mia’s log" in html, html[:3000]
    mia = Patient.objects.get(display_name="Mia")
    assert "Set up the prophylaxis regimen" in html
    assert "Add the stock in the fridge" in html
    from tests import factories

    factories.make_lot(mia, vials=5, lot_number="FIRST1")
    assert "Next: set up" not in client.get(f"/patients/{mia.pk}/").content.decode()
