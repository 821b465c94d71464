"""The observatory app's URLs."""

app_name = "observatory"
urlpatterns: list = []
