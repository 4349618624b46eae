from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "hemolog.exports"
    label = "exports"

    def ready(self) -> None:
        from hemolog.background.periodic import register_expiry

        from . import import_jobs, jobs  # noqa: F401  (register the exports' job handlers)
        from .models import expire_pending_imports

        register_expiry(expire_pending_imports)
