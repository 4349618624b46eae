"""The full personal archive: everything an account owns, as one JSON file,
and its restore into a fresh account.

What is in it: every patient the account is the OWNER of, with the profile,
weights, regimens, bleeds, infusions (with their lot and the bleed they
treated), the family's own products, and each stock lot with its whole
ledger. Not in it: who else has access (a restore must not grant a clinician
anything), the access record, and other people's accounts: an entry logged by
this account says ``"logged_by": "account"``, one logged by someone else
carries their e-mail address for the reader but is restored as "unknown".

Format (``"format": "hemolog-archive"``, ``"version": 1``): times are ISO 8601
in UTC, dates ISO 8601, decimals strings. Objects refer to each other by keys
that are positions in the archive (``"bleed-3"``), not database ids, so
exporting a restored account gives the same file again.

The format is one versioned model, :class:`.schema.Archive`: the export
(:mod:`.export`) fills and dumps it, the restore (:mod:`.restore`) validates
an upload against it, then checks each entry with the form that checks one
typed in the app. A bad file is refused with a message naming the first
problems (wrong format or version, a missing or unknown field, a value of the
wrong type, a value a form refuses, a reference to nothing, a ledger that does
not add up to its count …) and nothing is saved: everything is written in one
transaction. Each lot's ``vials_on_hand`` is the sum of its restored ledger,
which the archive must agree with.
"""

from .export import archive_json, build_archive, owned_patients
from .restore import OWNS_PATIENTS_ALREADY, ArchiveError, read_archive, restore_archive
from .schema import FORMAT, VERSION, Archive
from .size import MAX_PATIENTS, MAX_REGIMENS, MAX_ROWS, count_rows

__all__ = [
    "FORMAT",
    "MAX_PATIENTS",
    "MAX_REGIMENS",
    "MAX_ROWS",
    "OWNS_PATIENTS_ALREADY",
    "VERSION",
    "Archive",
    "ArchiveError",
    "archive_json",
    "build_archive",
    "count_rows",
    "owned_patients",
    "read_archive",
    "restore_archive",
]
