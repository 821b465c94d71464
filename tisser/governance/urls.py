"""The governance app's URLs."""

app_name = "governance"
urlpatterns: list = []
