"""The demo's people: the accounts' shared password and e-mail domain, and the
names, time zones and treatment centres the scale data draws from."""

from __future__ import annotations

import datetime as dt

from hemolog.accounts.models import User

DEMO_PASSWORD = "hemolog-demo"
DEMO_DOMAIN = "demo.hemolog"


def words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = words(
    "Adam Ahmed Aiden Alex Ali Ben Carlos Chen Daniel David Elias Ethan Felix Finn Gabriel Hamza Hugo Isaac Ivan Jack "
    "James Jonas Kai Kenji Leon Liam Lucas Luka Mateo Max Milan Noah Oliver Omar Oscar Pablo Rafael Ravi Ryan Sami "
    "Santiago Theo Tobias Tom Victor William Yusuf Zoe Mia Sara"
)
PARENT_NAMES = words("Alice Amira Carmen Claire Eva Fatima Hannah Ines Julia Laura Lena Maria Nadia Priya Rosa Sofia")
SURNAMES = words(
    "Andersen Bauer Costa Dubois Evans Fischer Garcia Hansen Ivanova Jansen Kowalski Larsen Martin Moreau Müller "
    "Nowak Okafor Petrov Quinn Rossi Schmidt Silva Smith Tanaka Urban Varga Weber Wilson Yilmaz Zhang"
)
TIME_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Warsaw",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
)
CENTRES = (
    "Northfield Haemophilia Centre",
    "St Brendan's Comprehensive Care Centre",
    "Lakeside Children's Hospital, Haematology",
    "University Hospital Thrombosis & Haemostasis Unit",
    "Harbour City Hemophilia Treatment Center",
)


def demo_user(email: str, first: str, last: str, password: str, tz: str, joined: dt.datetime) -> User:
    """An unsaved account; ``password`` is the hash, made once for all of them."""
    return User(email=email, first_name=first, last_name=last, password=password, time_zone=tz, date_joined=joined)
