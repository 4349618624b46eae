"""Reading what an export view sent."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse


def export_url(name: str, patient, **query: str) -> str:
    url = reverse(f"exports:{name}", kwargs={"patient_id": patient.pk})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def body(response: HttpResponse | StreamingHttpResponse) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of an exported CSV, read as the importer reads it (utf-8-sig)."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
