"""The Spanish, German, French and Arabic catalogues are complete: every
string of the code, the templates and the scripts is translated, none is
fuzzy, and each translation keeps its placeholders (tests/i18n/catalogues.py)."""

import shutil

import polib
import pytest
from django.conf import settings

from .catalogues import copy_project, extract, problems

TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """A copy of the project with its catalogues merged with the strings extracted afresh."""
    project = copy_project(tmp_path_factory.mktemp("catalogues"))
    extract(project)
    return project


def test_there_is_a_catalogue_for_every_language_offered(extracted):
    for code in TRANSLATED:
        for domain in ("django", "djangojs"):
            assert (extracted / "locale" / code / "LC_MESSAGES" / f"{domain}.po").exists(), (code, domain)


def test_every_catalogue_is_complete(extracted):
    assert problems(extracted / "locale") == []


def test_the_check_finds_an_emptied_entry_a_fuzzy_one_and_a_lost_placeholder(extracted, tmp_path):
    locale = tmp_path / "locale"
    shutil.copytree(extracted / "locale", locale)
    catalogue = polib.pofile(str(locale / "es" / "LC_MESSAGES" / "django.po"))
    entries = [entry for entry in catalogue if entry.translated() and not entry.msgid_plural]
    with_placeholder = next(entry for entry in entries if "%(" in entry.msgid)
    emptied, fuzzy = [entry for entry in entries if entry is not with_placeholder][:2]
    emptied.msgstr = ""
    fuzzy.flags.append("fuzzy")
    with_placeholder.msgstr = with_placeholder.msgstr.split("%(")[0] + "…"
    catalogue.save()
    where = "es/LC_MESSAGES/django.po"
    assert set(problems(locale)) == {
        f"{where}: not translated: {emptied.msgid!r}",
        f"{where}: fuzzy: {fuzzy.msgid!r}",
        f"{where}: placeholders differ: {with_placeholder.msgid!r} -> {with_placeholder.msgstr!r}",
    }
