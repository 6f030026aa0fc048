"""The organisation form's logo upload: PNG or JPEG only, 2 MB at most, checked by content, re-encoded."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from organisations.forms import OrganisationForm
from organisations.models import Area, Organisation

pytestmark = pytest.mark.django_db


def image_bytes(image_format, size=(40, 20), **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 94, 184)).save(buffer, format=image_format, **save_options)
    return buffer.getvalue()


def form_with_logo(name, content, content_type="image/png"):
    data = {
        "name": "Lawrence Weston Community Farm",
        "kind": Organisation.Kind.ORGANISATION,
        "sector": Organisation.Sector.VCSE,
        "areas": [Area.objects.first().pk],
    }
    return OrganisationForm(data, {"logo": SimpleUploadedFile(name, content, content_type=content_type)})


def test_a_valid_jpeg_is_re_encoded_without_its_metadata():
    original = image_bytes("JPEG", exif=b"Exif\x00\x00secret-camera-details")
    form = form_with_logo("Our Logo.JPG", original, "image/jpeg")
    assert form.is_valid(), form.errors
    logo = form.cleaned_data["logo"]
    content = logo.read()
    assert content != original
    assert logo.name == "logo.jpg"
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG"
        assert "exif" not in image.info


def test_a_valid_png_is_accepted_and_stays_a_png():
    form = form_with_logo("logo.png", image_bytes("PNG"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["logo"].name == "logo.png"


def test_a_logo_over_2_mb_is_refused():
    big = image_bytes("PNG") + b"\0" * (3 * 1024 * 1024)
    form = form_with_logo("logo.png", big)
    assert not form.is_valid()
    assert form.errors["logo"] == ["The logo must be 2 MB or smaller"]


def test_a_png_that_is_really_html_is_refused():
    form = form_with_logo("logo.png", b"<html><script>alert('hi')</script></html>")
    assert not form.is_valid()
    assert "must be a PNG or JPEG image" in form.errors["logo"][0]


def test_a_png_that_is_really_text_is_refused():
    form = form_with_logo("logo.png", b"just some text pretending to be a picture")
    assert not form.is_valid()
    assert "must be a PNG or JPEG image" in form.errors["logo"][0]


def test_an_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    form = form_with_logo("logo.svg", svg, "image/svg+xml")
    assert not form.is_valid()
    assert "PNG or JPEG file" in form.errors["logo"][0]


def test_a_gif_named_png_is_refused_by_its_content():
    form = form_with_logo("logo.png", image_bytes("GIF"))
    assert not form.is_valid()
    assert form.errors["logo"] == ["The logo must be a PNG or JPEG image"]


def test_the_saved_logo_gets_a_generated_filename(user, settings, tmp_path):
    from pledges.services.signing import start_pledge_for_new_organisation

    settings.MEDIA_ROOT = tmp_path
    form = form_with_logo("../../My Private Name.png", image_bytes("PNG"))
    assert form.is_valid(), form.errors
    pledge = start_pledge_for_new_organisation(by=user, **form.service_arguments())
    stored = pledge.organisation.logo.name
    assert stored.startswith("logos/")
    assert stored.endswith(".png")
    assert "Private" not in stored
