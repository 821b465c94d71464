import pytest


@pytest.mark.parametrize(
    ("role", "sees_link"),
    [
        ("anonymous", False),
        ("public", False),
        ("member", False),
        ("representative", True),
        ("editor", False),
    ],
)
def test_my_organisation_link_only_for_representatives(client, role_users, role, sees_link):
    user = role_users[role]
    if user is not None:
        client.force_login(user)
    page = client.get("/").content.decode()
    assert ('href="/mon-organisation/"' in page) is sees_link
