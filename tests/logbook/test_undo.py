"""Undo after a delete or a bleed marked resolved (issue 10, point 5), through
the views: the message's button posts a signed token of the user's own change,
valid for ten minutes; the entry comes back as it was, with its id, its links
and its vials; whatever changed meanwhile wins."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hemolog.inventory.models import StockLot
from hemolog.logbook.models import BleedEpisode, Infusion, Regimen
from hemolog.patients.models import WeightMeasurement
from tests import factories


def undo_form(page: str) -> tuple[str, str]:
    """The action and token of the Undo button on a page."""
    form = re.search(
        r'<form method="post" action="([^"]+)"[^>]*>(?:(?!</form>).)*?name="token" value="([^"]+)"', page, re.S
    )
    assert form, "no Undo button on the page"
    return html.unescape(form.group(1)), html.unescape(form.group(2))


def delete(client, url: str) -> tuple[str, str]:
    response = client.post(url, follow=True)
    assert response.status_code == 200
    return undo_form(response.content.decode())


@pytest.fixture
def owner_client(client_for, owner):
    return client_for(owner)


def test_a_deleted_bleed_comes_back_with_its_treatment_linked(owner_client, log):
    bleed = log.bleeds.get(site="KNEE")
    treated = list(bleed.infusions.values_list("pk", flat=True))
    assert len(treated) == 1
    before = BleedEpisode.objects.filter(pk=bleed.pk).values().get()
    action, token = delete(owner_client, reverse("logbook:bleed_delete", args=[log.pk, bleed.pk]))
    assert not BleedEpisode.objects.filter(pk=bleed.pk).exists()
    assert Infusion.objects.get(pk=treated[0]).bleed_id is None  # the link went with it

    page = owner_client.post(action, {"token": token}, follow=True).content.decode()
    assert "Undone: the entry is back." in page
    after = BleedEpisode.objects.filter(pk=bleed.pk).values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    assert Infusion.objects.get(pk=treated[0]).bleed_id == bleed.pk
    # A second tap changes nothing.
    owner_client.post(action, {"token": token})
    assert BleedEpisode.objects.filter(pk=bleed.pk).count() == 1


def test_a_deleted_dose_comes_back_and_takes_its_vials_again(owner_client, log, lot):
    infusion = log.infusions.filter(lot=lot).first()
    vials = StockLot.objects.get(pk=lot.pk).vials_on_hand
    action, token = delete(owner_client, reverse("logbook:infusion_delete", args=[log.pk, infusion.pk]))
    assert StockLot.objects.get(pk=lot.pk).vials_on_hand == vials + infusion.vials_used
    owner_client.post(action, {"token": token})
    assert Infusion.objects.filter(pk=infusion.pk, dose=infusion.dose, lot=lot).exists()
    assert StockLot.objects.get(pk=lot.pk).vials_on_hand == vials


def test_a_dose_whose_vials_are_gone_meanwhile_is_not_put_back(owner_client, log, lot):
    infusion = log.infusions.filter(lot=lot).first()
    action, token = delete(owner_client, reverse("logbook:infusion_delete", args=[log.pk, infusion.pk]))
    left = StockLot.objects.get(pk=lot.pk).vials_on_hand
    factories.make_infusion(log, days_ago=0.01, lot=lot, vials=left)  # the other parent used the rest
    page = owner_client.post(action, {"token": token}, follow=True).content.decode()
    assert "The dose could not be put back" in page
    assert not Infusion.objects.filter(pk=infusion.pk).exists()
    assert StockLot.objects.get(pk=lot.pk).vials_on_hand == 0


def test_marking_resolved_is_undone(owner_client, patient):
    bleed = factories.make_bleed(patient, days_ago=1)
    response = owner_client.post(reverse("logbook:bleed_resolve", args=[patient.pk, bleed.pk]), follow=True)
    action, token = undo_form(response.content.decode())
    assert BleedEpisode.objects.get(pk=bleed.pk).resolved_at is not None
    page = owner_client.post(action, {"token": token}, follow=True).content.decode()
    assert "Undone: the bleed is ongoing again." in page
    assert BleedEpisode.objects.get(pk=bleed.pk).resolved_at is None


def test_a_deleted_regimen_and_weight_come_back(owner_client, log):
    regimen = log.regimens.get()
    action, token = delete(owner_client, reverse("logbook:regimen_delete", args=[log.pk, regimen.pk]))
    owner_client.post(action, {"token": token})
    assert Regimen.objects.filter(pk=regimen.pk, dose=regimen.dose).exists()
    weight = log.weights.first()
    action, token = delete(owner_client, reverse("patients:weight_delete", args=[log.pk, weight.pk]))
    owner_client.post(action, {"token": token})
    assert WeightMeasurement.objects.filter(pk=weight.pk, weight_kg=weight.weight_kg).exists()


def test_a_weight_logged_for_that_day_since_wins(owner_client, log):
    weight = log.weights.first()
    action, token = delete(owner_client, reverse("patients:weight_delete", args=[log.pk, weight.pk]))
    WeightMeasurement.objects.create(patient=log, measured_on=weight.measured_on, weight_kg="33.0")
    page = owner_client.post(action, {"token": token}, follow=True).content.decode()
    assert "an entry logged since takes its place" in page
    assert log.weights.get(measured_on=weight.measured_on).weight_kg == 33


def test_undo_is_for_ten_minutes_and_for_the_one_who_changed(owner_client, client_for, caregiver, log):
    bleed = log.bleeds.first()
    action, token = delete(owner_client, reverse("logbook:bleed_delete", args=[log.pk, bleed.pk]))
    # The other parent cannot use it (it names the owner)...
    page = client_for(caregiver).post(action, {"token": token}, follow=True).content.decode()
    assert "This can no longer be undone" in page and not BleedEpisode.objects.filter(pk=bleed.pk).exists()
    # ...nor a token altered to name another entry...
    page = owner_client.post(action, {"token": token[:-2] + "xx"}, follow=True).content.decode()
    assert "This can no longer be undone" in page
    # ...and after ten minutes, neither can the owner.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10, seconds=5)):
        page = owner_client.post(action, {"token": token}, follow=True).content.decode()
    assert "This can no longer be undone" in page and not BleedEpisode.objects.filter(pk=bleed.pk).exists()


def test_a_token_for_another_patient_is_refused(owner_client, owner, log):
    other = factories.make_patient(owner=owner, display_name="Mia")
    bleed = log.bleeds.first()
    _, token = delete(owner_client, reverse("logbook:bleed_delete", args=[log.pk, bleed.pk]))
    owner_client.post(reverse("logbook:undo", args=[other.pk]), {"token": token})
    assert not BleedEpisode.objects.filter(pk=bleed.pk).exists()


def test_the_clinician_cannot_undo(client_for, clinician, log):
    response = client_for(clinician).post(reverse("logbook:undo", args=[log.pk]), {"token": "x"})
    assert response.status_code == 403
