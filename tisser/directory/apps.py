from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "tisser.directory"
    verbose_name = _("Directory")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .search import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="directory_search_index")
