"""The exports' background jobs (hemolog/background/jobs.py): an archive
restore and a long clinic report run on the worker, the person watching
their page."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hemolog.background.jobs import Outcome, Progress, Refused, attach_file, handler
from hemolog.background.models import Job
from hemolog.core.dates import DateRange
from hemolog.patients.access import patient_for

from . import archive, pdf_report

ARCHIVE_RESTORE = "archive_restore"
PDF_REPORT = "pdf_report"


@handler(ARCHIVE_RESTORE)
def restore_archive(job: Job, progress: Progress) -> Outcome:
    try:
        restored = archive.restore_archive(job.input(), job.user, progress=progress)
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
    names = ", ".join(patient.display_name for patient in restored)
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


@handler(PDF_REPORT)
def clinic_report(job: Job, progress: Progress) -> Outcome:
    """The PDF report of ``params["patient_id"]`` for the days from ``start`` to ``end``."""
    params = job.params
    patient = patient_for(job.user, params["patient_id"])
    if patient is None:  # the access ended meanwhile
        raise Refused(Outcome(_("This patient is no longer shared with you: no report was made.")))
    period = DateRange(dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"]))
    progress(10, _("Drawing the charts and writing the report"))
    body = pdf_report.clinic_report(
        patient, period, timezone.get_current_timezone(), prepared_for=params["prepared_for"]
    )
    url = attach_file(job, params["filename"], "application/pdf", body)
    progress(100, _("Done"))
    return Outcome(_("The clinic report is ready."), url=url, link=_("Download the report (PDF)"))
