"""Driving the CSV import as a person would (upload, preview, confirm), and
building its files. The patient fixture (Leo) weighs 32 kg, so a factor dose
above 300 × 32 = 9,600 IU needs confirming."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hemolog.exports.models import PendingImport

LONDON = zoneinfo.ZoneInfo("Europe/London")


def ago(days: float, tz: dt.tzinfo = dt.UTC) -> str:
    """A time ``days`` ago, as the export writes it: ISO 8601 with its offset, to the minute."""
    moment = (timezone.now() - dt.timedelta(days=days)).replace(second=0, microsecond=0)
    return moment.astimezone(tz).isoformat()


def csv_file(columns, rows: list[dict], *, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue().encode(encoding)


def bleed(days: float = 5, **values) -> dict:
    return {"started_at": ago(days), "site": "KNEE", "side": "L", "cause": "SPONTANEOUS", "severity": "MILD"} | values


def infusion(days: float = 5, **values) -> dict:
    return {
        "given_at": ago(days),
        "product": "Advate",
        "product_kind": "FVIII",
        "dose_iu": "1000",
        "reason": "PROPHYLAXIS",
        "given_by": "CAREGIVER",
    } | values


class Importer:
    """Drives the three steps as a person would: upload, look at the preview, confirm."""

    def __init__(self, client, patient):
        self.client = client
        self.patient = patient
        self.upload_url = reverse("exports:import_upload", kwargs={"patient_id": patient.pk})
        self.preview_url = reverse("exports:import_preview", kwargs={"patient_id": patient.pk})

    def upload(self, content: bytes, kind: str = "", name: str = "log.csv"):
        return self.client.post(self.upload_url, {"file": SimpleUploadedFile(name, content), "kind": kind})

    def preview(self, show: str = "all"):
        """The preview page, once the worker checked the file (in the suite a
        task runs when it is enqueued: the check's page sends it back at once)."""
        response = self.client.get(self.preview_url, {"show": show}, follow=True)
        assert response.status_code == 200
        return response

    def plan(self, content: bytes, kind: str = ""):
        response = self.upload(content, kind)
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        assert response["Location"] == self.preview_url
        return self.preview().context["plan"]

    def confirm(self, include_flagged: bool = False, **extra):
        page = self.preview()
        data = {"token": page.context["pending"].token, "fingerprint": page.context["plan"].fingerprint()}
        if include_flagged:
            data["include_flagged"] = "on"
        return self.client.post(self.preview_url, data | extra, follow=True)

    def refused(self, content: bytes, kind: str = "") -> str:
        """Upload a bad file: the form comes back with one message at the file field."""
        response = self.upload(content, kind)
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert list(errors) == ["file"], errors
        assert not PendingImport.objects.exists()
        return " ".join(errors["file"])


def statuses(plan) -> dict[int, str]:
    return {row.line: row.status for row in plan.rows}


def errors_of(plan, line: int) -> str:
    return " ".join(next(row for row in plan.rows if row.line == line).errors)
