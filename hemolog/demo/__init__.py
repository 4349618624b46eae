"""The demo household and scale data (`manage.py seed_demo`) and the page
benchmark (`manage.py bench`). Top layer: it builds through every app.

Who is in the demo: :mod:`.people` (password, names, time zones, centres),
:mod:`.household` (the four logins and their three patients), :mod:`.scale`
(``--patients/--years``: more owners, each with a patient from
:mod:`.random_profiles`). How one patient's log is built from his
:mod:`.profile`: :mod:`.log` runs :mod:`.weights`, :mod:`.prophylaxis`,
:mod:`.bleeds` and :mod:`.stock` over a shared :mod:`.context`; :mod:`.writer`
saves the rows.
"""
