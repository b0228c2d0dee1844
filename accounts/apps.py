from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self) -> None:
        from accounts.services import instructor_group_sync

        # Permissions exist only after every app migrated, so the group is synced here.
        post_migrate.connect(lambda **kwargs: instructor_group_sync(), weak=False, dispatch_uid="instructor-group")
