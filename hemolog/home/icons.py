"""The app's icons, drawn with Pillow: a white drop on the header's dark red.

``manage.py draw_icons`` writes them to ``static/icons/`` (committed, so a
clone serves them as they are); ``tests/home/test_pwa.py`` checks that the
committed files are what this draws."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

RED = (139, 26, 26)  # the header's colour (static/css/hemolog.css .site-nav)
WHITE = (255, 255, 255)
# name -> (size in px, share of the square the drop fills, rounded corners)
ICONS = {
    "icon-192.png": (192, 0.72, True),
    "icon-512.png": (512, 0.72, True),
    # Maskable: the background to the edges, the drop inside the 80 % safe circle.
    "icon-maskable-512.png": (512, 0.5, False),
    "apple-touch-icon.png": (180, 0.66, False),
    "favicon-32.png": (32, 0.8, True),
}


def draw(size: int, fill: float, rounded: bool) -> Image.Image:
    scale = 4  # drawn large, then reduced: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if rounded:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=RED)
    else:
        pen.rectangle((0, 0, big, big), fill=RED)
    height = big * fill
    radius = height * 0.32
    cx, bottom = big / 2, big / 2 + height / 2
    cy = bottom - radius
    pen.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=WHITE)
    top = bottom - height
    pen.polygon(
        [(cx, top), (cx - radius * 0.94, cy - radius * 0.34), (cx + radius * 0.94, cy - radius * 0.34)], fill=WHITE
    )
    return image.resize((size, size), Image.LANCZOS)


def png(name: str) -> bytes:
    size, fill, rounded = ICONS[name]
    out = io.BytesIO()
    draw(size, fill, rounded).save(out, format="PNG", optimize=True)
    return out.getvalue()


def favicon_ico() -> bytes:
    out = io.BytesIO()
    draw(64, 0.8, True).save(out, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return out.getvalue()
