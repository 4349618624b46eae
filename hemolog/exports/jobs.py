"""The exports' background jobs (hemolog/background/jobs.py): an archive
restore runs on the worker, the person watching its page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hemolog.background.jobs import Outcome, Progress, Refused, handler
from hemolog.background.models import Job

from . import archive

ARCHIVE_RESTORE = "archive_restore"


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
