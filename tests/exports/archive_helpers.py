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


def comparable(data: dict) -> dict:
    data = copy.deepcopy(data)
    del data["exported_at"], data["account"]
    return data
