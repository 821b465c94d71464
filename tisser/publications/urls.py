"""The publications app's URLs: public pages, subscriber links, staff pages."""

from django.urls import path

from . import views_public, views_staff, views_staff_lists, views_staff_service, views_subscribers

app_name = "publications"
urlpatterns = [
    # Public: articles, resources, the newsletter archive.
    path("actualites/", views_public.articles, name="articles"),
    path("actualites/flux.rss", views_public.ArticlesRss(), name="articles_rss"),
    path("actualites/flux.atom", views_public.ArticlesAtom(), name="articles_atom"),
    path("actualites/<slug:slug>/", views_public.article, name="article"),
    path("ressources/", views_public.resources, name="resources"),
    path("ressources/<slug:slug>/", views_public.resource, name="resource"),
    path("infolettre/", views_public.archive, name="archive"),
    path("infolettre/<slug:slug>/", views_public.newsletter_web, name="newsletter_web"),
    # Subscribers.
    path("infolettre-inscription/", views_subscribers.signup, name="signup"),
    path("infolettre-confirmer/<str:token>/", views_subscribers.confirm, name="confirm"),
    path("desabonnement/<str:token>/", views_subscribers.unsubscribe, name="unsubscribe"),
    path("preferences/", views_subscribers.preferences_request, name="preferences_request"),
    path("preferences/<str:token>/", views_subscribers.preferences, name="preferences"),
    path(
        "newsletter/bounces/anymail/<str:esp>/",
        views_public.anymail_tracking,
        name="anymail_tracking",
    ),
    # Staff.
    path("gestion/publications/", views_staff.home, name="staff_home"),
    path(
        "gestion/publications/abonnes/", views_staff_lists.subscriber_list, name="staff_subscribers"
    ),
    path(
        "gestion/publications/abonnes/export.<str:fmt>",
        views_staff_lists.subscriber_export,
        name="staff_subscribers_export",
    ),
    path("gestion/publications/envois/", views_staff_lists.delivery_list, name="staff_deliveries"),
    path(
        "gestion/publications/envois/export.<str:fmt>",
        views_staff_lists.delivery_export,
        name="staff_deliveries_export",
    ),
    path(
        "gestion/publications/infolettres/nouvelle/",
        views_staff.newsletter_create,
        name="newsletter_create",
    ),
    path("gestion/publications/infolettres/<int:pk>/", views_staff.composer, name="composer"),
    path(
        "gestion/publications/infolettres/<int:pk>/blocs/ajouter/",
        views_staff.block_add,
        name="block_add",
    ),
    path("gestion/publications/blocs/<int:pk>/", views_staff.block_edit, name="block_edit"),
    path(
        "gestion/publications/blocs/<int:pk>/deplacer/", views_staff.block_move, name="block_move"
    ),
    path(
        "gestion/publications/blocs/<int:pk>/supprimer/",
        views_staff.block_delete,
        name="block_delete",
    ),
    path("gestion/publications/infolettres/<int:pk>/apercu/", views_staff.preview, name="preview"),
    path(
        "gestion/publications/infolettres/<int:pk>/apercu/contenu/",
        views_staff.preview_frame,
        name="preview_frame",
    ),
    path(
        "gestion/publications/infolettres/<int:pk>/test/", views_staff.test_send, name="test_send"
    ),
    path(
        "gestion/publications/infolettres/<int:pk>/envoyer/",
        views_staff.campaign_start,
        name="campaign_start",
    ),
    path("gestion/publications/campagnes/<int:pk>/", views_staff.campaign, name="campaign"),
    path(
        "gestion/publications/campagnes/<int:pk>/progression/",
        views_staff.campaign_progress,
        name="campaign_progress",
    ),
    path(
        "gestion/publications/campagnes/<int:pk>/action/",
        views_staff.campaign_action,
        name="campaign_action",
    ),
    path("gestion/publications/articles/nouveau/", views_staff.article_edit, name="article_create"),
    path("gestion/publications/articles/<int:pk>/", views_staff.article_edit, name="article_edit"),
    path(
        "gestion/publications/ressources/nouvelle/",
        views_staff.resource_edit,
        name="resource_create",
    ),
    path(
        "gestion/publications/ressources/<int:pk>/", views_staff.resource_edit, name="resource_edit"
    ),
    path("gestion/publications/exclusions/", views_staff.suppressions, name="suppressions"),
    path(
        "gestion/publications/messages-de-service/",
        views_staff_service.service_message_list,
        name="service_messages",
    ),
    path(
        "gestion/publications/messages-de-service/nouveau/",
        views_staff_service.service_message_new,
        name="service_message_new",
    ),
    path(
        "gestion/publications/messages-de-service/<int:pk>/",
        views_staff_service.service_message,
        name="service_message",
    ),
    path(
        "gestion/publications/abonnes/import/",
        views_staff.subscriber_import,
        name="subscriber_import",
    ),
]
