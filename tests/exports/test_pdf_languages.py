"""The clinic report in the reader's language: a Spanish clinician's report
is in Spanish (headings, days, decimal commas), and an Arabic one draws its
Arabic text (joined letters, embedded font)."""

from django.utils import translation

from hemolog.core import display

from .helpers import body, export_url
from .test_pdf import RANGE, pages_text, year  # noqa: F401 (the fixture)


def report_for(client_for, clinician, patient, language: str) -> bytes:
    type(clinician).objects.filter(pk=clinician.pk).update(language=language)  # save() would write stale flags
    response = client_for(clinician).get(export_url("pdf", patient, **RANGE))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return body(response)


def in_spanish(text: str, **values) -> str:
    with translation.override("es"):
        spanish = translation.gettext(text)
    assert spanish != text, f"no Spanish for {text!r}"
    return spanish % values if values else spanish


def test_a_spanish_clinicians_report_is_in_spanish(client_for, clinician, year):  # noqa: F811
    pages = pages_text(report_for(client_for, clinician, year, "es"))
    first = pages[0]
    for heading in ("Date of birth", "Severity", "Inhibitor", "Weight", "Adherence", "Target joints"):
        assert in_spanish(heading) in first
        assert heading not in first
    assert in_spanish("Clinic report: %(name)s", name="Leo") in first
    assert "1 de enero de 2025 – 31 de diciembre de 2025" in first  # Spanish DATE_FORMAT
    assert "2 de enero de 2025" in first  # the weight's day
    for number, text in enumerate(pages, start=1):
        assert in_spanish("Page %(number)s of %(total)s", number=number, total=len(pages)) in text
    assert "Page 1 of" not in first


def test_an_arabic_report_draws_arabic_with_an_embedded_font(client_for, clinician, year):  # noqa: F811
    data = report_for(client_for, clinician, year, "ar")
    first = pages_text(data)[0]
    with translation.override("ar"):
        heading = translation.gettext("Date of birth")
        drawn = display.drawn(heading)  # letters joined, the line in the order it is seen
    assert heading != "Date of birth" and drawn != heading
    assert drawn in first
    assert b"/FontFile2" in data  # TrueType fonts embedded (DejaVu Sans)
    assert b"/BaseFont /Helvetica" not in data
