"""Hemolog settings, read from the environment (see README "Configuration")."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development).")
    SECRET_KEY = "django-insecure-development-only-key-not-for-production-use-0123456789"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "simple_history",
    # Apps in their layers, bottom to top (docs/architecture.md).
    "hemolog.core",
    "hemolog.accounts",
    "hemolog.background",
    "hemolog.patients",
    "hemolog.inventory",
    "hemolog.logbook",
    "hemolog.insights",
    "hemolog.sharing",
    "hemolog.exports",
    "hemolog.reminders",
    "hemolog.home",
    "hemolog.demo",
]

MIDDLEWARE = [
    "hemolog.core.middleware.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the language: the cookie, else Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hemolog.core.middleware.PrivatePagesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "hemolog.accounts.middleware.UserTimeZoneMiddleware",
    "hemolog.accounts.middleware.UserLanguageMiddleware",  # the language saved on the account wins
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # who made a change: the request's user
    "hemolog.accounts.middleware.IdleTimeoutMiddleware",
    "hemolog.accounts.middleware.ClearSiteDataOnLogoutMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hemolog.patients.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Content-Security-Policy (django-csp): scripts only from this site's own
# static files, no inline script and no handler attribute (data for a script
# goes in a json_script tag); nothing from another origin; no framing.
# Styles allow inline ones: the charts are SVG drawn by matplotlib, whose
# elements carry style attributes (a script cannot run from a style).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The largest body a form takes: a personal archive of 20 MB (exports/forms.py)
# and the form around it. Larger ones are refused unread (core/middleware.py).
MAX_REQUEST_BYTES = 21 * 1024 * 1024

ROOT_URLCONF = "hemolog.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.tz",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "hemolog.wsgi.application"

# SQLite needs no server; PostgreSQL (psycopg 3) is production and CI.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock at the start of each transaction and wait for it,
    # so concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
elif os.environ.get("DATABASE_SERVER_SIDE_BINDING", "1") == "1":
    # Parameters bound by the server let psycopg prepare a query that a
    # connection runs again and again (from its sixth run, psycopg's own
    # threshold; Django leaves preparing off). With the planner's statistics,
    # PostgreSQL chose to plan the infusion list's five-table query afresh on
    # every run, 2-3 ms of planning for 0.1 ms of work; a generic plan is made
    # once per connection, and every query here looks rows up by indexed ids
    # (docs/speed.md). DATABASE_PLAN_CACHE_MODE=auto gives PostgreSQL the choice
    # back. Behind a pooler that cannot keep prepared statements (PgBouncer in
    # transaction mode without max_prepared_statements, or one that refuses
    # the "options" start-up parameter), set DATABASE_SERVER_SIDE_BINDING=0.
    plan_cache_mode = os.environ.get("DATABASE_PLAN_CACHE_MODE", "force_generic_plan")
    if plan_cache_mode not in ("auto", "force_generic_plan", "force_custom_plan"):
        raise ImproperlyConfigured("DATABASE_PLAN_CACHE_MODE is auto, force_generic_plan or force_custom_plan.")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5, options=f"-c plan_cache_mode={plan_cache_mode}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # At least 12 characters: OWASP ASVS 4.0.3, V2.1.1.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# Accounts: django-allauth (docs/architecture.md#accounts). Log in by e-mail,
# verified before the first log-in; the same answer whether an address has an
# account or not (the owner is e-mailed instead); throttles kept in the shared
# cache, so every worker and server counts the same tries.
# allauth's backend only: no other way to log in around its verification,
# throttles and second factor (there is no Django admin).
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
ACCOUNT_FORMS = {"login": "hemolog.accounts.forms.LoginForm", "signup": "hemolog.accounts.forms.SignUpForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Hemolog: "
ACCOUNT_SESSION_REMEMBER = None  # the person chooses: "Keep me signed in on this phone"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
# Re-authentication before sharing, deleting a patient or exporting an archive.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
# By the password or the second factor; not by a code e-mailed (the mailbox
# is what an attacker who took over the e-mail has).
ACCOUNT_REAUTHENTICATION_METHODS = ["password", "mfa"]
# Rates are "count/period/per". The 6th wrong password for one address in 15
# minutes is refused, even a right one, until the 15 minutes have passed (or
# a password reset); 20 a minute from one client address (OWASP ASVS 4.0.3
# V2.2.1). Sign-ups, reset e-mails and verification e-mails are limited too.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,5/15m/key",
    "login": "30/m/ip",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Invitation e-mails a user can send (hemolog.sharing): per hour and per day.
INVITATION_EMAIL_RATE = os.environ.get("HEMOLOG_INVITATION_EMAIL_RATE", "10/h/user,30/d/user")

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Hemolog"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # passkeys on http://127.0.0.1 in development only
# A clinician sees no patient data before adding a second factor; a closed
# network may turn this off (hemolog/patients/second_factor.py).
HEMOLOG_CLINICIANS_NEED_SECOND_FACTOR = env_bool("HEMOLOG_CLINICIANS_NEED_SECOND_FACTOR", True)

# The languages with a complete catalogue (locale/, checked by
# tests/test_catalogues.py). British English is the source language; a
# browser asking for en-US gets it too. Each is named in its own language in
# the picker.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [
    ("en-gb", "English"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Two caches (hemolog/core/caching.py). "default" is shared by every worker
# and server: the throttles live there (a table made by `migrate`, or Redis
# when REDIS_URL is set). "values" holds what is worked out from a log, keyed
# by its version: this process's memory.
CACHES = ONE_SERVER_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "hemolog_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
    "values": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
        "KEY_FUNCTION": "hemolog.core.caching.key_in_language",  # its pages and charts hold words
    },
    # The background jobs' progress and the CSV checks' results: written by
    # the worker, read by the page (files: one machine runs both).
    "jobs": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("HEMOLOG_JOBS_CACHE_DIR", str(BASE_DIR / "var" / "jobs")),
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}
if os.environ.get("REDIS_URL"):
    # Several servers: both caches and the sessions' cache in Redis, shared by
    # all (every key here has an expiry and may be evicted: docs/operations.md).
    # Keys carry ids and log versions that start again after a database is
    # restored from a backup: change HEMOLOG_CACHE_PREFIX then (and give each
    # deployment sharing a Redis its own), so no kept page outlives its data.
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    prefix = os.environ.get("HEMOLOG_CACHE_PREFIX", "hemolog")
    CACHES = {
        "default": {**redis, "KEY_PREFIX": prefix},
        "values": {**redis, "KEY_PREFIX": f"{prefix}-values", "KEY_FUNCTION": "hemolog.core.caching.key_in_language"},
        "jobs": {**redis, "KEY_PREFIX": f"{prefix}-jobs"},
    }

# Background work (hemolog/background/): Django's tasks API through its
# backport. The queue is a table of this database by default (`manage.py
# worker` runs django-tasks-db's worker), and Redis with RQ when REDIS_URL is
# set. The queue's keys must never be evicted: one Redis for both with
# `maxmemory-policy volatile-lru`, or its own (QUEUE_REDIS_URL) that does not evict.
# HEMOLOG_TASK_BACKEND=immediate runs each task when it is enqueued (no worker).
QUEUE_REDIS_URL = os.environ.get("QUEUE_REDIS_URL") or os.environ.get("REDIS_URL", "")
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASK_BACKEND = os.environ.get("HEMOLOG_TASK_BACKEND") or ("rq" if QUEUE_REDIS_URL else "database")
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"HEMOLOG_TASK_BACKEND is one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}
RQ_QUEUES = {"default": {"URL": QUEUE_REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 30 * 60}}
# A failed job is tried again after each of these delays (seconds), then shown as failed.
HEMOLOG_JOB_RETRY_DELAYS = [int(n) for n in env_list("HEMOLOG_JOB_RETRY_DELAYS", "30,300")]
HEMOLOG_EMAIL_RETRY_DELAYS = [int(n) for n in env_list("HEMOLOG_EMAIL_RETRY_DELAYS", "60,600,3600")]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: the console by default; SMTP when EMAIL_HOST is set. Either way
# through the task queue (hemolog/background/mail.py): a request never waits
# for the mail server.
EMAIL_BACKEND = "hemolog.background.mail.QueuedEmailBackend"
if os.environ.get("EMAIL_HOST"):
    HEMOLOG_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    HEMOLOG_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A mail server that hangs must not hold a worker: give up after this long.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Hemolog <noreply@hemolog.local>")

# The site's address, for links in what is sent outside a request (reminder e-mails).
SITE_URL = os.environ.get("HEMOLOG_SITE_URL", "http://127.0.0.1:8000")

# Web Push (hemolog/reminders/push.py): the VAPID key pair that signs each push (RFC 8292).
# Several servers share one: set HEMOLOG_VAPID_PRIVATE_KEY (PEM). Else a key made on first
# use is kept in HEMOLOG_VAPID_KEY_FILE. The contact is sent to the push services.
VAPID_PRIVATE_KEY = os.environ.get("HEMOLOG_VAPID_PRIVATE_KEY", "")
VAPID_KEY_FILE = os.environ.get("HEMOLOG_VAPID_KEY_FILE", str(BASE_DIR / "var" / "vapid-private.pem"))
VAPID_CONTACT = os.environ.get("HEMOLOG_VAPID_CONTACT", "mailto:" + DEFAULT_FROM_EMAIL.split("<")[-1].rstrip(">"))

# How long an invitation link to share a patient works (hemolog.sharing).
INVITATION_EXPIRY_DAYS = int(os.environ.get("HEMOLOG_INVITATION_EXPIRY_DAYS", "7"))

# Production hardening: on unless running in DEBUG; each can be turned off
# from the environment (e.g. behind a proxy that already redirects to HTTPS).
# X-Forwarded-Proto says "https" only when a proxy in front sets it (and drops
# a client's own): trusted only when the deployment says so.
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The throttles count per client address: the proxy's X-Forwarded-For.
    ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "1"))
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The longest a session lasts: 14 days, for "Keep me signed in on this phone".
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Without it (and always for a clinician), a session ends after this long
# without a request (OWASP ASVS 4.0.3 V3.3.2; accounts/middleware.py).
SESSION_IDLE_SECONDS = int(os.environ.get("DJANGO_SESSION_IDLE_MINUTES", "30")) * 60
# Sessions in the database; read through the shared cache when there is Redis.
SESSION_ENGINE = "hemolog.accounts.sessions_cached" if os.environ.get("REDIS_URL") else "hemolog.accounts.sessions"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
