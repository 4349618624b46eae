"""Account URLs: django-allauth's (log-in, sign-up, e-mail verification,
password reset, two-factor under ``2fa/``), with their own names
(``account_login``, ``account_signup``, ``mfa_index``…), and Hemolog's settings."""

from django.urls import include, path

from . import language, views

urlpatterns = [
    path("settings/", views.account_settings, name="account_settings"),
    path("security/", views.account_security, name="account_security"),
    path("language/", language.choose_language, name="choose_language"),
    path("", include("allauth.urls")),
]
