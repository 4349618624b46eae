"""Every text a person reads in a template is inside a translation tag.

What is left of a template once its tags, variables, comments and
translation blocks are taken out must hold no word, in the page's text nor
in the attributes a person reads or hears (aria-label, title, placeholder,
alt, a button's value): a word there is English that no catalogue can
translate."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Names and abbreviations that stay as they are in every language.
KEPT = {"Hemolog", "ABR", "AJBR", "IU", "IU/dL", "IU/kg", "mg/kg", "kg", "CSV", "PDF", "FHIR", "HL7", "ISO"}
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "aria-description"}

BLOCK = re.compile(r"{%\s*(?P<tag>comment|blocktranslate|blocktrans)\b.*?%}.*?{%\s*end(?P=tag)\s*%}", re.DOTALL)
# A block that fills in an attribute of the layout (``{% block main_class %}``).
ATTRIBUTE_BLOCK = re.compile(r"{%\s*block\s+\w+_class\s*%}.*?{%\s*endblock\b.*?%}", re.DOTALL)
TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)
WORD = re.compile(r"[^\W\d_][\w/'’.-]*")


class ReadText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_code = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.in_code += 1
        values = dict(attrs)
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.found.append(value)
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.found.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.in_code -= 1

    def handle_data(self, data):
        if not self.in_code:
            self.found.append(data)


def untranslated_words(source: str) -> list[str]:
    """The words of ``source`` (a template) outside translation tags."""
    text = TAG_OR_VARIABLE.sub("", BLOCK.sub("", ATTRIBUTE_BLOCK.sub("", source)))
    parser = ReadText()
    parser.feed(text)
    parser.close()
    return [word for chunk in parser.found for word in WORD.findall(chunk) if word.strip(".") not in KEPT]


def test_the_check_finds_english_outside_the_tags():
    page = """{% load i18n %}<h1>{% translate "Bleeds" %}</h1><p>Log a bleed</p>
    <button aria-label="Close">×</button>{% blocktranslate %}Fine {{ x }}{% endblocktranslate %}
    {# a comment #}<input type="submit" value="Save"> {{ patient.name }} IU/dL
    {% block main_class %}container narrow{% endblock %}"""
    assert untranslated_words(page) == ["Log", "a", "bleed", "Close", "Save"]


@pytest.mark.parametrize(
    "template", sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")), ids=str
)
def test_a_template_has_no_text_outside_translation_tags(template):
    assert untranslated_words((TEMPLATES / template).read_text()) == []
