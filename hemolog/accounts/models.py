import zoneinfo

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(gettext("Choose a time zone from the list."))


def display_name_of(first_name: str | None, email: str | None) -> str:
    """How a person is named on pages: the first name, else the e-mail; "" for
    nobody (an entry whose author was deleted, read as values)."""
    return first_name or email or ""


class UserManager(BaseUserManager):
    """Users log in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None
    email = models.EmailField(gettext_lazy("e-mail address"), unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # The language the person chose (hemolog.accounts.language): pages, e-mails
    # and reminders use it; blank until chosen, when the browser's is used.
    language = models.CharField(max_length=16, blank=True, default="")
    # Kept by hemolog.patients (second_factor.refresh) whenever an access or an
    # authenticator of the user changes: whether any access is a clinician's,
    # and whether an authenticator app or a passkey is set up. Every request
    # reads this row anyway, so the second-factor rule costs no query.
    is_clinician = models.BooleanField(default=False, editable=False)
    second_factor_set_up = models.BooleanField(default=False, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return display_name_of(self.first_name, self.email)


def mark_verified(*users: User) -> None:
    """Record each user's address as verified and primary, as django-allauth
    does when the link it sent is followed (demo and bench accounts, tests)."""
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users]
    )


def has_verified_address(user, email: str) -> bool:
    """Whether ``email`` is one of ``user``'s addresses and verified (the
    person followed the link sent to it)."""
    return EmailAddress.objects.filter(user=user, email__iexact=email.strip(), verified=True).exists()


def has_second_factor(user_id: int) -> bool:
    """Whether the user has an authenticator app (TOTP) or a passkey set up
    (recovery codes alone are a way back, not a factor)."""
    return Authenticator.objects.filter(
        user_id=user_id, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def add_authenticator_app(user) -> str:
    """Set up an authenticator app (TOTP) for ``user``, as the two-factor page
    does once a code is typed; returns the secret the app would hold (the
    bench's clinician, tests)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret
