"""The publications app's URLs."""

app_name = "publications"
urlpatterns: list = []
