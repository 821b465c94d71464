from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_api

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("inscription/", views.signup, name="signup"),
    path("verification/renvoyer/", views.resend_verification, name="resend_verification"),
    path("verification/<str:token>/", views.verify_email, name="verify_email"),
    path("profil/", views.profile, name="profile"),
    path("langue/", views.set_language, name="set_language"),
    path("mes-donnees.json", views.my_data, name="my_data"),
    path("equipe/", views.staff_roles, name="staff_roles"),
    path("jetons-api/", views_api.tokens, name="api_tokens"),
    path("jetons-api/<int:pk>/revoquer/", views_api.token_revoke, name="api_token_revoke"),
    path("webhooks/", views_api.endpoints, name="webhooks"),
    path("webhooks/<int:pk>/", views_api.endpoint, name="webhook"),
    path("webhooks/<int:pk>/activer/", views_api.endpoint_active, name="webhook_active"),
    path("webhooks/envois/<int:pk>/renvoyer/", views_api.delivery_resend, name="webhook_resend"),
    path("mot-de-passe/oublie/", views.password_reset, name="password_reset"),
    path("mot-de-passe/envoye/", views.password_reset_done, name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("mot-de-passe/termine/", views.password_reset_complete, name="password_reset_complete"),
    path("mot-de-passe/changer/", views.password_change, name="password_change"),
]
