"""The memberships app's URLs."""

app_name = "memberships"
urlpatterns: list = []
