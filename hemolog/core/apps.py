from django.apps import AppConfig, apps
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(sender, using: str = "default", **kwargs) -> None:
    """`migrate` also makes the shared cache's table (Django's
    `createcachetable`, which does nothing when it exists), so no deployment
    step can forget it."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "hemolog.core"
    label = "hemolog_core"

    def ready(self) -> None:
        # Sent once per app with models; this app has none, so after Django's auth.
        auth = apps.get_app_config("auth")
        post_migrate.connect(create_cache_table, sender=auth, dispatch_uid="create_cache_table")
