"""The demo household and scale data (`manage.py seed_demo`) and the page
benchmark (`manage.py bench`). Top layer: it builds through every app."""
