"""Strings in the Python code are marked so that makemessages finds them:
never a call to gettext inside an f-string (xgettext does not look inside
one: "Clear" and "Filter" never reached a catalogue), never an f-string
inside gettext (its text changes with every value: no catalogue has it)."""

import re
from pathlib import Path

from django.conf import settings

CODE = Path(settings.BASE_DIR) / "hemolog"
GETTEXT = r"(?<![\w.])(?:_|gettext|gettext_lazy|ngettext|ngettext_lazy|pgettext|pgettext_lazy)\("
CALL_IN_F_STRING = re.compile(r"""\bf(["'])[^"'\n]*\{[^}\n]*""" + GETTEXT)
F_STRING_IN_CALL = re.compile(GETTEXT + r"\s*f[\"']")


def misuses(source: str) -> list[str]:
    return [
        line.strip() for line in source.splitlines() if CALL_IN_F_STRING.search(line) or F_STRING_IN_CALL.search(line)
    ]


def test_the_check_finds_both_misuses():
    code = """a = f'<b>{escape(_("Clear"))}</b>'\nb = gettext(f"{n} bleeds")\nc = _("%(n)s bleeds") % {"n": n}\n"""
    assert misuses(code) == [line for line in code.splitlines()[:2]]


def test_no_gettext_call_is_hidden_from_makemessages():
    found = {
        str(path.relative_to(CODE)): misuses(path.read_text())
        for path in CODE.rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {path: lines for path, lines in found.items() if lines} == {}
