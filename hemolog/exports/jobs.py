"""The exports' background jobs (hemolog/background/jobs.py): an archive
restore and a long clinic report run on the worker, the person watching
their page."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hemolog.background.jobs import Outcome, Progress, Refused, attach_file, finish, handler
from hemolog.background.models import Job
from hemolog.core import display
from hemolog.core.dates import DateRange
from hemolog.patients.access import patient_for

from . import archive, pdf_report

ARCHIVE_RESTORE = "archive_restore"
PDF_REPORT = "pdf_report"


@handler(ARCHIVE_RESTORE, atomic=False)
def restore_archive(job: Job, progress: Progress) -> Outcome:
    """The restore's own transaction holds its writes and the job's outcome
    (the file is read and its format checked before it starts)."""

    def done(restored: list) -> None:
        finish(job, _restored(restored))

    try:
        restored = archive.restore_archive(job.input(), job.user, progress=progress, before_commit=done)
    except archive.ArchiveError as error:
        raise Refused(
            Outcome(
                title=_("Nothing was imported."),
                lines=error.problems,
                url=reverse("exports:archive_import"),
                link=_("Import another file"),
            )
        ) from None
    progress(100, _("Done"))
    return _restored(restored)


def _restored(restored: list) -> Outcome:
    names = display.listed(patient.display_name for patient in restored)
    return Outcome(
        title=ngettext(
            "Archive imported: %(count)s patient (%(names)s).",
            "Archive imported: %(count)s patients (%(names)s).",
            len(restored),
        )
        % {"count": len(restored), "names": names},
        url=reverse("home"),
        link=_("See the patients"),
    )


def _may_read(job: Job) -> bool:
    return patient_for(job.user, job.params["patient_id"]) is not None


@handler(PDF_REPORT, atomic=False, may_see=_may_read)
def clinic_report(job: Job, progress: Progress) -> Outcome:
    """The PDF report of ``params["patient_id"]`` for the days from ``start`` to
    ``end``: drawn outside any transaction, kept with the job's outcome."""
    params = job.params
    patient = patient_for(job.user, params["patient_id"])
    if patient is None:  # the access ended meanwhile
        raise Refused(Outcome(_("This patient is no longer shared with you: no report was made.")))
    period = DateRange(dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"]))
    progress(10, _("Drawing the charts and writing the report"))
    body = pdf_report.clinic_report(
        patient, period, timezone.get_current_timezone(), prepared_for=params["prepared_for"]
    )
    with transaction.atomic():
        url = attach_file(job, params["filename"], "application/pdf", body)
        outcome = Outcome(_("The clinic report is ready."), url=url, link=_("Download the report (PDF)"))
        finish(job, outcome)
    progress(100, _("Done"))
    return outcome
