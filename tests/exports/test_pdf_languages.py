"""The clinic report in the reader's language: a Spanish clinician's report
is in Spanish (headings, days, decimal commas), and an Arabic one draws its
Arabic text (joined letters, embedded font)."""

import arabic_reshaper
from django.utils import translation

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
    pages = [" ".join(page.split()) for page in pages_text(report_for(client_for, clinician, year, "es"))]
    first = pages[0]  # a label may run over two lines in its column
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
    first = " ".join(pages_text(data)[0].split())
    with translation.override("ar"):
        heading = translation.gettext("Bleeding and adherence")
    assert heading != "Bleeding and adherence"
    # Drawn with the letters joined (their presentation forms); pypdf reads each word back in
    # the order written.
    joined = arabic_reshaper.reshape(heading)
    assert joined != heading and all(word in first for word in joined.split())
    assert b"/FontFile2" in data  # TrueType fonts embedded (DejaVu Sans)
