"""The events app's URLs."""

app_name = "events"
urlpatterns: list = []
