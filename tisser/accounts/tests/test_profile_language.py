"""The profile page in French says the account has no staff role in our own words."""

from django.urls import reverse


def test_no_staff_role_reads_aucun_not_the_admin_wording(client, make_user):
    client.force_login(make_user("zoe@example.org", language="fr"))
    page = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="fr")
    text = page.content.decode()
    assert "Rôle dans l’équipe" in text
    assert "<dd>Aucun</dd>" in text and "Aucun(e)" not in text
