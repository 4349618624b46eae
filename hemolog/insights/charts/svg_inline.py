"""Matplotlib's SVG file → an ``<svg>`` element to inline in an HTML page.

* No XML declaration, DOCTYPE or RDF metadata; no ``xlink`` namespace (``href``
  instead of ``xlink:href``); whitespace between tags removed; coordinates to two
  decimals.
* Unreferenced ``id`` attributes removed and the referenced ones (clip paths,
  markers) renamed with a prefix derived from the content, so two charts on one
  page never share an id.
* Text stays text, in ``'DejaVu Sans', sans-serif`` (the browser's own sans-serif
  font when DejaVu Sans is not installed), set once in a ``<style>`` rule scoped to
  ``svg.hl-mpl`` rather than on every element: a Content-Security-Policy would need
  ``style-src 'unsafe-inline'``. Nothing is loaded from outside.
* Scales to its container: ``width="100%"`` with the ``viewBox`` kept and no height.
* A marker's shape in ``<defs>`` carries no colour of its own: each ``<use>`` of
  it names its fill and stroke, which the shape inherits. A stylesheet can then
  recolour the markers (dark mode, static/css/hemolog.css): rules never reach
  the copy a ``<use>`` draws, only the ``<use>`` itself.
"""

from __future__ import annotations

import hashlib
import html
import re

_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_DEFAULT_STYLE = re.compile(r"<defs>\s*<style[^>]*>\*\{([^}]*)\}</style>\s*</defs>")
_FONT_FAMILY = "font-family: 'DejaVu Sans', sans-serif; "
_NUMBER = re.compile(r"-?\d+\.\d{3,}")
_DEFS = re.compile(r"<defs>.*?</defs>", re.S)
_COLOUR = re.compile(r"(?:fill|stroke): #[0-9a-f]{6}(?:; )?")
_GEOMETRY = re.compile(r'(\s(?:d|x|y|x1|x2|y1|y2|width|height|cx|cy|r|transform)=")([^"]*)"')


def _two_decimals(match: re.Match[str]) -> str:
    text = f"{float(match.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _without_colours(match: re.Match[str]) -> str:
    style = _COLOUR.sub("", match.group(1)).strip().rstrip(";")
    return f'style="{style}"' if style else ""


def _unwrap_bare_groups(body: str) -> str:
    """Drop ``<g>`` elements without attributes (left once their ids are gone), keeping their children."""
    out: list[str] = []
    bare: list[bool] = []
    position = 0
    for match in re.finditer(r"<g>|<g\s[^>]*>|</g>", body):
        out.append(body[position : match.start()])
        position = match.end()
        tag = match.group(0)
        if tag == "</g>":
            if not bare.pop():
                out.append(tag)
        elif tag.endswith("/>"):
            out.append(tag)
        else:
            bare.append(tag == "<g>")
            if tag != "<g>":
                out.append(tag)
    out.append(body[position:])
    return "".join(out)


def inline(raw: str, *, title: str, css_class: str) -> str:
    """Matplotlib's SVG file → an ``<svg>`` element to inline in HTML."""
    start = raw.index("<svg")
    svg = raw[start:].strip()
    opening = _SVG_OPEN.match(svg)
    assert opening is not None
    view_box = re.search(r'viewBox="([^"]*)"', opening.group(0))
    assert view_box is not None
    body = svg[opening.end() :].strip()

    # The default style matplotlib relies on (round joins), scoped to these charts, plus
    # the font every text element would otherwise repeat.
    match = _DEFAULT_STYLE.search(body)
    default_style = match.group(1).replace(" ", "") if match else "stroke-linejoin:round;stroke-linecap:butt"
    body = _DEFAULT_STYLE.sub("", body, count=1)
    body = body.replace(_FONT_FAMILY, "")
    style = f"<style>svg.hl-mpl *{{{default_style}}}svg.hl-mpl text{{font-family:'DejaVu Sans',sans-serif}}</style>"

    body = _DEFS.sub(lambda m: re.sub(r'style="([^"]*)"', _without_colours, m.group(0)), body)
    body = body.replace("xlink:href=", "href=")
    body = re.sub(r">\s+<", "><", body)
    body = re.sub(r' transform="rotate\(-?0 [^"]*\)"', "", body)
    # Three decimals of a point are far below a pixel at any size the page shows.
    body = _GEOMETRY.sub(lambda m: m.group(1) + _NUMBER.sub(_two_decimals, " ".join(m.group(2).split())) + '"', body)

    # Keep only the ids something refers to, renamed after the content so that charts
    # sharing a page never share an id.
    referenced = set(re.findall(r"url\(#([^)\"']+)\)", body)) | set(re.findall(r'href="#([^"]+)"', body))
    body = re.sub(r'\s+id="([^"]*)"', lambda m: m.group(0) if m.group(1) in referenced else "", body)
    body = _unwrap_bare_groups(body)
    prefix = "hl" + hashlib.sha256(body.encode()).hexdigest()[:8] + "-"
    order = [m.group(1) for m in re.finditer(r'\bid="([^"]*)"', body)]
    renames = {old: f"{prefix}{i}" for i, old in enumerate(dict.fromkeys(order))}
    if renames:
        pattern = re.compile(r'(id="|url\(#|href="#)(' + "|".join(map(re.escape, renames)) + r')(?=["\)])')
        body = pattern.sub(lambda m: m.group(1) + renames[m.group(2)], body)

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box.group(1)}" width="100%" '
        f'role="img" class="{css_class}"><title>{html.escape(title)}</title>{style}{body}'
    )
