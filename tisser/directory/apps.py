from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _link_account(sender, user, **kwargs):
    from tisser.directory.contacts.services_people import link_verified_account

    link_verified_account(user)


class DirectoryConfig(AppConfig):
    name = "tisser.directory"
    verbose_name = _("Directory")

    def ready(self):
        from tisser.accounts import personal_data

        from . import imports, staff_home, webhooks  # noqa: F401  (imports: registers the importers)
        from .imports import gogocarto  # noqa: F401

        staff_home.register()
        webhooks.register()

        from tisser.directory.contacts.engagement import DirectoryContributor

        from . import engagement

        engagement.register(DirectoryContributor())
        from tisser.directory.contacts import segment_conditions

        segment_conditions.register()

        from tisser.directory.contacts.services_privacy import own_data

        personal_data.register("contacts", own_data)

        from tisser.core.uploads import allow_uploads

        from .permissions import may_upload_images

        allow_uploads(may_upload_images)

        from tisser.accounts.signals import email_verified

        email_verified.connect(_link_account, dispatch_uid="directory_link_account")

        from tisser.core.console import register_startup_note

        from .demo.users import login_lines

        register_startup_note(login_lines)

        from django.db.models.signals import post_migrate

        from tisser.directory.map.search import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="directory_search_index")

        from tisser.directory.map import totals as map_totals

        post_migrate.connect(
            map_totals.on_post_migrate, sender=self, dispatch_uid="directory_map_totals"
        )

        from django.db.models.signals import m2m_changed, post_delete, post_save

        from tisser.directory.map.queries import map_data_changed

        from .indexing import categories_changed, category_changed
        from .models import Category, Organisation

        for signal, sender in (
            (post_save, Organisation),
            (post_delete, Organisation),
            (m2m_changed, Organisation.categories.through),
            (post_save, Category),  # names and colours: map_queries_list.category_styles
            (post_delete, Category),
        ):
            signal.connect(map_data_changed, sender=sender, dispatch_uid="directory_map_cache")
        for signal in (post_save, post_delete):
            signal.connect(category_changed, sender=Category, dispatch_uid="directory_map_colour")
        m2m_changed.connect(
            categories_changed,
            sender=Organisation.categories.through,
            dispatch_uid="directory_filter_tags",
        )
