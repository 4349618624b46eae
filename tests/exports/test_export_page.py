"""The export page: the default range, bad dates, the format choice, and who
may download what."""

import datetime as dt

import pytest
from django.utils import timezone

from hemolog.core.dates import DateRange
from hemolog.patients.models import AccessEvent

from .helpers import body, export_url

DOWNLOADS = ["bleeds_csv", "infusions_csv", "stock_csv", "csv_zip", "pdf", "fhir"]


def test_the_page_offers_every_format_and_the_last_12_months(client_for, owner, log):
    response = client_for(owner).get(export_url("export", log))
    assert response.status_code == 200
    html = response.content.decode()
    today = timezone.localdate()
    assert f'type="date" name="start" value="{DateRange.last_months(12, today).start.isoformat()}"' in html
    assert f'type="date" name="end" value="{today.isoformat()}"' in html
    for label in ("Bleeds (CSV)", "Infusions (CSV)", "Stock movements (CSV)", "All three CSV files (ZIP)"):
        assert label in html
    assert "Clinic report (PDF)" in html and "HL7 FHIR R4 Bundle (JSON)" in html
    assert export_url("archive_export", log) in html  # the owner is offered the personal archive


@pytest.mark.parametrize("role", ["caregiver", "clinician"])
def test_only_the_owner_is_offered_the_archive(client_for, request, log, role):
    html = client_for(request.getfixturevalue(role)).get(export_url("export", log)).content.decode()
    assert "Clinic report (PDF)" in html
    assert export_url("archive_export", log) not in html


def test_default_range_is_12_months_ending_today():
    assert DateRange.last_months(12, dt.date(2026, 3, 31)).start == dt.date(2025, 4, 1)
    assert DateRange.last_months(12, dt.date(2024, 2, 29)).start == dt.date(2023, 3, 1)


def test_a_valid_choice_goes_on_to_its_download(client_for, owner, log):
    response = client_for(owner).get(export_url("export", log, start="2025-02-01", end="2025-03-31", format="pdf"))
    assert response.status_code == 302
    assert response["Location"] == export_url("pdf", log, start="2025-02-01", end="2025-03-31")


def test_empty_dates_mean_the_last_12_months(client_for, owner, log):
    response = client_for(owner).get(export_url("export", log, start="", end="", format="fhir"))
    default = DateRange.last_months(12, timezone.localdate())
    assert response["Location"] == export_url("fhir", log, start=default.start.isoformat(), end=default.end.isoformat())


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2025-13-40", "end": "2025-12-31"}, "start", "Enter a valid date."),
        ({"start": "2025-06-01", "end": "2025-05-01"}, "end", "The last day must be on or after the first."),
        ({"start": "0001-01-01", "end": "2025-05-01"}, "start", "Enter a date in 1900 or later."),
        ({"start": "2025-01-01", "end": "99999-01-01"}, "end", "Enter a valid date."),
        ({"start": "2999-01-01", "end": ""}, "start", "Enter a date before 2100."),
        ({"start": "\x00", "end": "2025-05-01"}, "start", "Enter a valid date."),
    ],
)
def test_bad_dates_show_a_message_and_nothing_is_exported(client_for, owner, log, query, field, message):
    client = client_for(owner)
    for name in ("export", *DOWNLOADS):
        params = {**query, "format": "pdf"} if name == "export" else query
        response = client.get(export_url(name, log), params)
        assert response.status_code == 422, name
        assert "Content-Disposition" not in response
        assert message in response.context["form"].errors[field]
        assert message in response.content.decode()
    assert not AccessEvent.objects.filter(action="EXPORT").exists()


def test_a_range_starting_in_the_future_is_refused(client_for, owner, log):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(owner).get(export_url("pdf", log), {"start": tomorrow.isoformat()})
    assert response.status_code == 422
    assert response.context["form"].errors["start"] == ["The range can't start in the future."]
    assert "The range can&#x27;t start in the future." in response.content.decode()


def test_no_format_chosen_is_a_message(client_for, owner, log):
    response = client_for(owner).get(
        export_url("export", log), {"start": "2025-01-01", "end": "2025-02-01", "format": ""}
    )
    assert response.status_code == 422
    assert "Choose what to download." in response.content.decode()
    response = client_for(owner).get(export_url("export", log), {"format": "exe"})
    assert response.status_code == 422


@pytest.mark.parametrize("name", ["export", *DOWNLOADS, "archive_export"])
def test_a_stranger_gets_404_for_every_export(client_for, stranger, log, name):
    assert client_for(stranger).get(export_url(name, log)).status_code == 404
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("name", DOWNLOADS)
def test_a_clinician_downloads_every_format_and_each_is_recorded(client_for, clinician, log, name):
    response = client_for(clinician).get(export_url(name, log))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="leo_')
    assert "no-store" in response["Cache-Control"]
    assert body(response)
    event = AccessEvent.objects.get(patient=log)
    assert (event.user, event.action) == (clinician, "EXPORT")
    default = DateRange.last_months(12, timezone.localdate())
    assert event.what.endswith(f"{default.start.isoformat()} – {default.end.isoformat()}")


@pytest.mark.parametrize("role", ["caregiver", "clinician"])
def test_the_archive_is_the_owners_alone(client_for, request, log, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(export_url("archive_export", log)).status_code == 403
    assert client.post(export_url("archive_export", log)).status_code == 403
    assert not AccessEvent.objects.exists()
