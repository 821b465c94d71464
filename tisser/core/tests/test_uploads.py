"""Images uploaded from the editor: who may, what is checked, what is stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tisser.core.models import EditorImage

URL = "core:upload_image"


def _image(kind="JPEG", size=(3000, 2000), mode="RGB", **save):
    data = io.BytesIO()
    Image.new(mode, size, (200, 100, 50) if mode == "RGB" else (200, 100, 50, 10)).save(
        data, kind, **save
    )
    return data.getvalue()


def _post(client, content, name="photo.jpg", alt="Une salle"):
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse(URL), {"image": upload, "alt": alt})


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    "role,allowed",
    [
        ("anonymous", False),
        ("public", False),
        ("member", False),
        ("representative", True),
        ("editor", True),
        ("admin", True),
    ],
)
def test_who_may_upload(client, role_users, media, role, allowed):
    """Staff and verified representatives; never an anonymous proposer or a stranger."""
    if role_users[role]:
        client.force_login(role_users[role])
    response = _post(client, _image(size=(20, 10)))
    assert response.status_code == (201 if allowed else 403)
    assert EditorImage.objects.count() == (1 if allowed else 0)
    if not allowed:
        assert "error" in response.json()


def test_resized_reencoded_and_metadata_dropped(client, role_users, media):
    client.force_login(role_users["editor"])
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"
    exif[0x0112] = 6  # taken rotated: shown upright
    response = _post(client, _image(exif=exif.tobytes()))
    assert response.status_code == 201
    answer = response.json()
    assert (answer["width"], answer["height"]) == (1067, 1600)
    assert answer["url"].startswith("/media/textes/") and answer["url"].endswith(".jpg")
    assert answer["alt"] == "Une salle"
    stored = EditorImage.objects.get()
    with Image.open(stored.file.path) as image:
        assert image.size == (1067, 1600)
        assert not image.getexif()
    assert stored.uploaded_by == role_users["editor"]


def test_transparency_kept_as_png(client, role_users, media):
    client.force_login(role_users["editor"])
    response = _post(client, _image("PNG", (40, 40), "RGBA"), name="logo.png")
    assert response.json()["url"].endswith(".png")


@pytest.mark.parametrize(
    "content,name,message",
    [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "x.svg",
            "pas une image",
        ),
        (b"GIF89a\x00\x00\x00garbage", "x.gif", "pas une image"),
        (b"", "vide.jpg", "Choisissez"),
    ],
)
def test_what_is_not_an_image_is_refused_clearly(client, role_users, media, content, name, message):
    client.force_login(role_users["editor"])
    response = _post(client, content, name=name)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not EditorImage.objects.exists()
    assert not any(media.rglob("*.*"))


def test_other_formats_and_limits(client, role_users, media, settings):
    client.force_login(role_users["editor"])
    tiff = _image("TIFF", (10, 10))
    assert "JPEG, PNG, GIF" in _post(client, tiff, name="x.tif").json()["error"]
    settings.TISSER_EDITOR_IMAGE_MAX_BYTES = 1000
    assert "dépasse 1000" in _post(client, _image()).json()["error"]
    settings.TISSER_EDITOR_IMAGE_MAX_BYTES = 10 * 1024 * 1024
    assert _post(client, _image(size=(10, 10)), alt="a\x00b").status_code == 400
    settings.TISSER_EDITOR_IMAGES_PER_DAY = 1
    assert _post(client, _image(size=(10, 10))).status_code == 201
    refused = _post(client, _image(size=(10, 10)))
    assert refused.status_code == 400 and "24 heures" in refused.json()["error"]


def test_get_is_not_allowed_and_csrf_is_required(client, role_users, media):
    from django.test import Client

    assert client.get(reverse(URL)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(role_users["editor"])
    assert _post(strict, _image(size=(10, 10))).status_code == 403
