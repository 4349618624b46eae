"""The check that every catalogue is complete (issue 11): the strings are
extracted afresh from the code and the templates (Django's makemessages, run
on a copy so the checkout is never touched), merged into a copy of each
catalogue, and every entry must then be translated, not fuzzy, and keep the
placeholders of its English (a missing ``%(count)s`` would raise when the
page is drawn)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
COPIED = ["manage.py", "hemolog", "templates", "static/js", "locale"]
DOMAINS = ["django", "djangojs"]
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
JS_PLACEHOLDER = re.compile(r"%\(\w+\)s|%s")


def copy_project(into: Path) -> Path:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def extract(project: Path) -> None:
    """makemessages over ``project`` for every catalogue already there."""
    languages = sorted(path.name for path in (project / "locale").iterdir() if (path / "LC_MESSAGES").is_dir())
    for domain in DOMAINS:
        command = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--add-location=file", "-d", domain]
        command += [arg for code in languages for arg in ("-l", code)]
        done = subprocess.run(
            command,
            cwd=project,
            capture_output=True,
            text=True,
            env={"DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(project)},
        )
        if done.returncode:
            raise RuntimeError(f"makemessages failed:\n{done.stderr[-3000:]}")


def placeholders(text: str, javascript: bool) -> list[str]:
    return sorted((JS_PLACEHOLDER if javascript else PLACEHOLDER).findall(text))


def problems(locale: Path) -> list[str]:
    """What is wrong in the catalogues under ``locale``: one line each."""
    found = []
    for path in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        where = str(path.relative_to(locale))
        javascript = path.stem == "djangojs"
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                found.append(f"{where}: fuzzy: {entry.msgid!r}")
            elif not entry.translated():
                found.append(f"{where}: not translated: {entry.msgid!r}")
            else:
                translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
                expected = placeholders(entry.msgid_plural or entry.msgid, javascript)
                for text in translations:
                    # A singular may say "one" for its count; a plural form keeps every placeholder.
                    if set(placeholders(text, javascript)) - set(expected) or (
                        not entry.msgid_plural and placeholders(text, javascript) != expected
                    ):
                        found.append(f"{where}: placeholders differ: {entry.msgid!r} -> {text!r}")
    return found


TAGS_AND_PLACEHOLDERS = re.compile(r"<[^>]*>|%\([^)]*\)\w|%\w|{{.*?}}|&\w+;")
LETTERS = re.compile(r"[^\W\d_]+")


def words(text: str) -> set[str]:
    return {word.lower() for word in LETTERS.findall(TAGS_AND_PLACEHOLDERS.sub(" ", text))}


def english_words(locale: Path, language: str) -> set[str]:
    """The words of Hemolog's English strings that its ``language``
    catalogues never use themselves: seen on a page in that language, such a
    word is English left untranslated ("Dashboard" in German is German too)."""
    english, translated = set(), set()
    for path in (locale / language / "LC_MESSAGES").glob("*.po"):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            english |= words(entry.msgid) | words(entry.msgid_plural or "")
            for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
                translated |= words(text)
    return english - translated
