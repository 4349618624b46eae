"""The CSV import's two background jobs (hemolog/background/jobs.py).

Checking thousands of rows takes seconds, so neither happens in a request:

- **the check** (``csv_check``) reads the waiting file and checks every row
  against the log; its plan is kept in the ``jobs`` cache under the file's
  token, the log's data version and the time zone and language it is shown
  in (any change to the log moves the version on), where the preview's pages
  read it;
- **the import** (``csv_import``) checks again under the log's lock and saves
  only if the outcome is the one its preview showed (else the person is sent
  back to a new preview), in the job's one transaction.

Both check again that the person may still write in the patient's log.
"""

from __future__ import annotations

import logging

from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hemolog.background.jobs import Outcome, Progress, Refused, finish, handler
from hemolog.background.models import Job
from hemolog.core import display
from hemolog.patients.access import patient_for
from hemolog.patients.models import Patient

from .csv_import import ImportPlan, Status, build_plan, lock_log, save_plan
from .csv_upload import BLEEDS, FileProblem, read_table
from .models import PendingImport

logger = logging.getLogger(__name__)

CSV_CHECK = "csv_check"
CSV_IMPORT = "csv_import"
PLAN_SECONDS = 30 * 60


def plan_key(patient: Patient, pending: PendingImport) -> str:
    zone = timezone.get_current_timezone_name()  # the preview shows times in it
    language = translation.get_language()  # and its headings, notes and errors in the language
    return f"hemolog:csv-import:{pending.token}:{patient.data_version}:{zone}:{language}"


def checked_plan(patient: Patient, pending: PendingImport) -> ImportPlan | None:
    """The plan of the last check of this file against the log as it is now, if any."""
    return caches["jobs"].get(plan_key(patient, pending))


def upload_url(patient_id: int) -> str:
    return reverse("exports:import_upload", kwargs={"patient_id": patient_id})


def preview_url(patient_id: int) -> str:
    return reverse("exports:import_preview", kwargs={"patient_id": patient_id})


NO_LONGER_WAITING = gettext_lazy(
    "That preview is no longer waiting: it was imported, cancelled or replaced by another file. "
    "Nothing was saved from it; upload the file again if needed."
)


def _may_write(job: Job) -> bool:
    return patient_for(job.user, job.params["patient_id"], write=True) is not None


def _waiting(job: Job) -> tuple[Patient, PendingImport]:
    """The job's file and patient, if the person may still write in that log."""
    patient_id = job.params["patient_id"]
    patient = patient_for(job.user, patient_id, write=True)
    pending = PendingImport.objects.waiting().filter(user=job.user, patient_id=patient_id, token=job.params["token"])
    pending = pending.first() if patient else None
    if pending is None:
        raise Refused(Outcome(str(NO_LONGER_WAITING), url=upload_url(patient_id), go_on=True))
    return patient, pending


def _drop(pending: PendingImport) -> None:
    """This file only: a new upload keeps the row and changes its token."""
    PendingImport.objects.filter(pk=pending.pk, token=pending.token).delete()


def _rows(pending: PendingImport, patient_id: int):
    try:
        return read_table(pending.data(), pending.kind)
    except FileProblem as problem:  # the limits changed since the upload: the file can't wait any more
        outcome = Outcome(str(problem), url=upload_url(patient_id), go_on=True)
        raise Refused(outcome, afterwards=lambda: _drop(pending)) from None


def _reporting(progress: Progress, text: str):
    def report(done: int, total: int) -> None:
        progress(5 + 90 * done // max(total, 1), text % {"done": done, "total": total})

    return report


@handler(CSV_CHECK, atomic=False, may_see=_may_write)
def check_file(job: Job, progress: Progress) -> Outcome:
    """Reads only (no transaction: on SQLite it would keep every writer waiting)."""
    patient, pending = _waiting(job)
    table = _rows(pending, patient.pk)
    plan = build_plan(table, patient, _reporting(progress, _("Checking row %(done)s of %(total)s"))).for_display()
    caches["jobs"].set(plan_key(patient, pending), plan, PLAN_SECONDS)
    return Outcome(_("The file is checked."), url=preview_url(patient.pk), link=_("See the preview"), go_on=True)


@handler(CSV_IMPORT, atomic=False, may_see=_may_write)
def import_file(job: Job, progress: Progress) -> Outcome:
    """Check every row, then, under the log's lock, save them if nothing
    changed since (else check again there), with the job's outcome, in one
    short transaction."""
    patient, pending = _waiting(job)
    table = _rows(pending, patient.pk)
    checked_at = patient.data_version
    plan = build_plan(table, patient, _reporting(progress, _("Checking row %(done)s of %(total)s again")))
    with transaction.atomic():
        lock_log(patient)
        if not _may_write(job) or not PendingImport.objects.select_for_update().filter(
            pk=pending.pk, token=pending.token
        ):
            raise Refused(Outcome(str(NO_LONGER_WAITING), url=upload_url(patient.pk), go_on=True))
        patient.refresh_from_db(fields=["data_version"])
        if patient.data_version != checked_at:  # an entry logged meanwhile: check again, under the lock
            plan = build_plan(table, patient)
        if plan.fingerprint() != job.params["fingerprint"]:
            # The new preview is this check's plan (the change may be one the version misses: a product added).
            caches["jobs"].set(plan_key(patient, pending), plan.for_display(), PLAN_SECONDS)
            changed = _(
                "The log changed since this preview was shown, so nothing was saved yet. "
                "Check the preview again and confirm."
            )
            raise Refused(Outcome(changed, url=preview_url(patient.pk), go_on=True))
        include_flagged = job.params["include_flagged"]
        progress(96, _("Saving"))
        try:
            saved = save_plan(plan, patient, job.user, include_flagged=include_flagged)
        except IntegrityError:
            # A row the forms let through but the database refuses: a bug to fix, never a 500.
            logger.exception("CSV import refused by the database (patient %s, job %s)", patient.pk, job.pk)
            refused = _("The database refused one of the rows, so nothing was saved. Please report this.")
            raise Refused(Outcome(refused, url=preview_url(patient.pk), go_on=True)) from None
        _drop(pending)
        name = "logbook:bleed_list" if plan.kind == BLEEDS else "logbook:infusion_list"
        outcome = Outcome(
            summary(patient.display_name, plan, saved, include_flagged),
            url=reverse(name, kwargs={"patient_id": patient.pk}),
            go_on=True,
        )
        finish(job, outcome)
    return outcome


def summary(name: str, plan: ImportPlan, saved: int, include_flagged: bool) -> str:
    if plan.kind == BLEEDS:
        text = ngettext("%(name)s: %(count)s bleed imported.", "%(name)s: %(count)s bleeds imported.", saved)
    else:
        text = ngettext("%(name)s: %(count)s infusion imported.", "%(name)s: %(count)s infusions imported.", saved)
    parts = [text % {"name": name, "count": saved}]
    skipped = [
        (plan.count(Status.DUPLICATE), _("%(count)s already in the log")),
        (plan.count(Status.ERROR), _("%(count)s with errors")),
        (0 if include_flagged else plan.count(Status.CONFIRM), _("%(count)s not confirmed")),
    ]
    skipped = [why % {"count": count} for count, why in skipped if count]
    if skipped:
        parts.append(_("Rows skipped: %(rows)s.") % {"rows": display.listed(skipped)})
    return " ".join(parts)


def job_in_progress(user, kind: str, patient: Patient, pending: PendingImport, **params) -> Job | None:
    """A job of ``kind`` on this file, against this version of the log, with these ``params``, under way."""
    running = Job.objects.filter(user=user, kind=kind, params__token=pending.token).exclude(status__in=Job.FINISHED)
    running = running.filter(params__key=plan_key(patient, pending))
    return running.filter(**{f"params__{name}": value for name, value in params.items()}).first()
