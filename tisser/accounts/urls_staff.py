"""The staff home and the components page, under /gestion/."""

from django.urls import path

from . import views_staff

app_name = "staff"
urlpatterns = [
    path("", views_staff.home, name="home"),
    path("composants/", views_staff.components, name="components"),
]
