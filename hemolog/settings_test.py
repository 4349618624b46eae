"""Settings for the test suite: the real settings, made fast and HTTP-friendly."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-used-only-by-the-test-suite-0123456789abcdef")
# One progress folder per run, shared with the servers and workers it starts.
os.environ.setdefault("HEMOLOG_JOBS_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"hemolog-jobs-{os.getpid()}"))
os.environ.setdefault("HEMOLOG_VAPID_KEY_FILE", str(Path(tempfile.gettempdir()) / f"hemolog-vapid-{os.getpid()}.pem"))

from hemolog.settings import *  # noqa: E402,F403
from hemolog.settings import DATABASES, ONE_SERVER_CACHES  # noqa: E402

# The suite empties its caches between tests; an exported REDIS_URL must never
# be flushed by it. Tests that need Redis start servers with a Redis database
# of their own, and say so (tests/servers.py, tests/test_two_servers.py).
if not os.environ.get("HEMOLOG_TEST_SERVER_REDIS"):
    CACHES = ONE_SERVER_CACHES
    SESSION_ENGINE = "hemolog.accounts.sessions"

# Tasks run when enqueued, in the test's own transaction, unless a test starts
# servers and a worker with a real queue (HEMOLOG_TASK_BACKEND, tests/background/).
if not os.environ.get("HEMOLOG_TASK_BACKEND"):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not shared-cache memory, so that threads in the stock race test
    # wait on SQLite's lock instead of failing at once.
    # One file per run, so that two test runs on one machine don't share it.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"hemolog-test-{os.getpid()}.sqlite3")}

# Serve static files from the app folders without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The test server is http://localhost: passkeys (WebAuthn) from that origin.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
