"""An entry sent twice (a queue sent again, a double tap) is saved once and
answered as the first time; a malformed client_id is ignored."""

import uuid

from django.urls import reverse
from django.utils import timezone

from hemolog.logbook.models import BleedEpisode, Infusion


def bleed_data(client_id: str) -> dict:
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return {
        "started_at": now,
        "site": "KNEE",
        "side": "L",
        "cause": "SPONTANEOUS",
        "severity": "MILD",
        "client_id": client_id,
    }


def test_a_bleed_sent_twice_is_saved_once(client_for, owner, patient):
    client, sent = client_for(owner), str(uuid.uuid4())
    url = reverse("logbook:bleed_create", args=[patient.pk])
    first = client.post(url, bleed_data(sent))
    second = client.post(url, bleed_data(sent), follow=True)
    assert first.status_code == 302 and second.redirect_chain[-1][0] == reverse("logbook:bleed_list", args=[patient.pk])
    assert "This entry was saved already" in second.content.decode()
    assert BleedEpisode.objects.filter(patient=patient).count() == 1
    assert str(BleedEpisode.objects.get(patient=patient).client_id) == sent
    client.post(url, bleed_data(str(uuid.uuid4())))  # another entry: another bleed
    assert BleedEpisode.objects.filter(patient=patient).count() == 2


def test_a_dose_sent_twice_takes_its_vials_once(client_for, owner, patient, lot):
    client, sent = client_for(owner), str(uuid.uuid4())
    url = reverse("logbook:infusion_create", args=[patient.pk])
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    data = {
        "given_at": now,
        "lot": lot.pk,
        "dose": "1000",
        "reason": "PROPHYLAXIS",
        "given_by": "SELF",
        "client_id": sent,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # answered as the first, not "a dose was already logged"
    assert Infusion.objects.filter(patient=patient).count() == 1
    lot.refresh_from_db()
    assert lot.vials_on_hand == 9


def test_a_malformed_client_id_is_ignored(client_for, owner, patient):
    url = reverse("logbook:bleed_create", args=[patient.pk])
    for value in ("not-a-uuid", "x" * 5000, "\x00"):
        assert client_for(owner).post(url, bleed_data(value)).status_code == 302
    assert list(BleedEpisode.objects.filter(patient=patient).values_list("client_id", flat=True)) == [None] * 3
