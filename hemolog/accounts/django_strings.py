"""Django's own strings that a language's catalogue in Django 5.2 lacks: here
so that makemessages puts them in Hemolog's catalogues, which Django reads
before its own (LOCALE_PATHS). Nothing calls these.

- Django's Arabic catalogue has the password validator's old msgid
  (``%(min_length)d``), not 5.2's ``%d``: an Arabic sign-up said "This
  password is too short" in English.
"""

from django.utils.translation import ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "count",
)
