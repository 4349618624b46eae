"""``manage.py draw_icons``: (re)draw the app's icons into static/icons/."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from hemolog.home import icons


class Command(BaseCommand):
    help = "Draw the app's icons (manifest, Apple touch icon, favicon) into static/icons/."

    def handle(self, *args, **options) -> None:
        folder = Path(settings.BASE_DIR) / "static" / "icons"
        folder.mkdir(parents=True, exist_ok=True)
        for name in icons.ICONS:
            (folder / name).write_bytes(icons.png(name))
        (folder / "favicon.ico").write_bytes(icons.favicon_ico())
        self.stdout.write(f"Drew {len(icons.ICONS) + 1} icons in {folder}.")
