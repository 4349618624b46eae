"""Downloading, uploading and comparing personal archives in tests."""

import copy
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hemolog.inventory.models import Product, StockLot, StockMovement
from hemolog.logbook.models import BleedEpisode, Infusion, Regimen
from hemolog.patients.models import Patient, PatientAccess, WeightMeasurement

from .helpers import export_url

IMPORT_URL = reverse("exports:archive_import")
MODELS = (Patient, PatientAccess, WeightMeasurement, Product, Regimen, BleedEpisode, StockLot, StockMovement, Infusion)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def download_archive(client, patient) -> dict:
    response = client.post(export_url("archive_export", patient))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="hemolog-archive_')
    return json.loads(response.content)


def upload(client, content: bytes, name: str = "archive.json"):
    return client.post(IMPORT_URL, {"archive": SimpleUploadedFile(name, content, "application/json")})


def restore(client, content: bytes, name: str = "archive.json"):
    """Upload an archive and open the page of its restore (run by then: in
    the suite a task runs when it is enqueued); that page's response."""
    response = upload(client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith("/jobs/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page


def comparable(data: dict) -> dict:
    data = copy.deepcopy(data)
    del data["exported_at"], data["account"]
    return data


def differences(before, after, path=()) -> list[tuple]:
    """Where two archives' JSON differ: (path, before, after), for a failure message."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [d for key in {*before, *after} for d in differences(before.get(key), after.get(key), (*path, key))]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [d for n, pair in enumerate(zip(before, after, strict=True)) for d in differences(*pair, (*path, n))]
    return [] if before == after else [(path, before, after)]
