"""``manage.py seed_demo``: a demo household to log in as, and optionally many more patients.

manage.py seed_demo                          # the household, two years of log
manage.py seed_demo --once                   # the same, or only the logins if it exists (make run)
manage.py seed_demo --patients 200 --years 10   # plus 200 patients with ten years each
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hemolog.accounts.models import User
from hemolog.demo.household import HOUSEHOLD_EMAILS, create_household, household_exists, household_logins
from hemolog.demo.log import DEFAULT_SEED, catalogue
from hemolog.demo.people import DEMO_PASSWORD
from hemolog.demo.scale import create_extra_patients, extra_email, extra_owner_count, next_extra_number


class Command(BaseCommand):
    help = (
        "Create a demo household (two children, their parents, an adult patient and a clinician) with two years "
        "of realistic log, and optionally many more patients for load. Prints the demo logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="If the demo household exists already, only print the logins (for `make run`).",
        )
        parser.add_argument(
            "--patients",
            type=int,
            default=0,
            metavar="N",
            help="Also create N more patients, each with his own owner account (owner0001@demo.hemolog, …).",
        )
        parser.add_argument(
            "--years", type=int, default=2, metavar="Y", help="Years of log for each of the N patients (default 2)."
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Seed of the random generator (default %(default)s)."
        )
        parser.add_argument(
            "--without-debug",
            action="store_true",
            help="Seed although DEBUG is off: the demo accounts share a published password.",
        )

    def handle(self, *args, once: bool, patients: int, years: int, seed: int, without_debug: bool, **options) -> None:
        if not settings.DEBUG and not without_debug:
            raise CommandError(
                "DEBUG is off: this looks like a server, and every demo account has the published password "
                "of docs/using.md. Seed with DJANGO_DEBUG=1, or pass --without-debug on a server only you can reach."
            )
        if not 0 <= patients <= 100_000:
            raise CommandError("--patients must be between 0 and 100000.")
        if not 1 <= years <= 50:
            raise CommandError("--years must be between 1 and 50.")
        if not catalogue():
            raise CommandError("The product catalogue is empty: run `manage.py migrate` first.")

        if household_exists():
            if once:
                self.print_logins()
                return
            self.stdout.write("The demo household exists already: not creating it again.")
        else:
            taken = User.objects.filter(email__in=HOUSEHOLD_EMAILS).values_list("email", flat=True)
            if taken:
                raise CommandError(
                    f"Some demo e-mail addresses are taken by other accounts ({', '.join(sorted(taken))}): "
                    "delete those accounts, or use a fresh database."
                )
            began = time.perf_counter()
            saved = create_household(seed=seed)
            self.stdout.write(
                self.style.SUCCESS(f"Created the demo household in {time.perf_counter() - began:.1f} s: ")
                + self.describe(saved)
            )

        if patients:
            began = time.perf_counter()
            saved, numbers = create_extra_patients(patients, years, seed=seed)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {patients} more patients with {years} years of log each "
                    f"in {time.perf_counter() - began:.1f} s: "
                )
                + self.describe(saved)
            )
        self.print_logins()

    @staticmethod
    def describe(saved) -> str:
        labels = [
            ("patients", "patients"),
            ("infusions", "infusions"),
            ("bleeds", "bleeds"),
            ("regimens", "regimens"),
            ("weights", "weights"),
            ("lots", "stock lots"),
            ("movements", "stock movements"),
        ]
        return ", ".join(f"{saved[key]} {label}" for key, label in labels) + "."

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        width = max(len(email) for email, _ in household_logins())
        for email, who in household_logins():
            self.stdout.write(f"  {email:<{width}}  {who}")
        extra = extra_owner_count()
        if extra:
            last = next_extra_number() - 1
            self.stdout.write(f"  {extra_email(1)} … {extra_email(last)}  {extra} more owners, one patient each")
