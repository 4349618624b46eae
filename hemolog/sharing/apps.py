from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "hemolog.sharing"
    label = "sharing"

    def ready(self) -> None:
        from hemolog.background.periodic import register_expiry

        from .models import expire_invitations

        register_expiry(expire_invitations)
