"""A partner's certificate of signing (PDF) and its badge, with the snippet linking back to its page."""

import datetime
import io

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from directory import services
from directory.certificates import pdf_safe
from pledges.models import Pledge
from tests.factories import PledgeFactory, directory_partner

pytestmark = pytest.mark.django_db


def pdf_text(content):
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages)


def test_the_certificate_is_a_pdf_with_the_name_date_commitments_and_check_link(client, settings):
    pledge = directory_partner("Bristol Mind", signed_on=datetime.date(2025, 3, 7))
    services.build_directory()
    response = client.get(reverse("directory:certificate", kwargs={"slug": "bristol-mind"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = " ".join(pdf_text(response.content).split())
    assert "Bristol Mind" in text
    assert "7 March 2025" in text
    assert "eight Active Commitments" in text
    first_commitment = pledge.version.commitments.get(number=1).text
    assert " ".join(first_commitment.split()[:8]) in text
    assert f"{settings.SITE_URL}/partners/bristol-mind/" in text.replace(" ", "")


def test_the_certificate_prints_typographic_and_foreign_characters(client):
    # Curly quotes and dashes (in Windows-1252) print as typed; Ł and ź become L and z.
    directory_partner("St Mary\u2019s \u201c\u0141\u00f3d\u017a\u201d Caf\u00e9 \u2013 Unity")
    services.build_directory()
    slug = "st-marys-odz-cafe-unity"
    response = client.get(reverse("directory:certificate", kwargs={"slug": slug}))
    assert response.status_code == 200
    assert "St Mary\u2019s \u201cL\u00f3dz\u201d Caf\u00e9 \u2013 Unity" in pdf_text(response.content)


def test_pdf_safe_keeps_what_the_core_fonts_print_and_simplifies_the_rest():
    typographic = "Mary\u2019s \u201ccaf\u00e9\u201d \u2013 ok\u2026"
    assert pdf_safe(typographic) == typographic
    assert pdf_safe("Łódź") == "Lódz"
    assert pdf_safe("☃ 日本") == "? ??"


def test_there_is_no_certificate_or_badge_for_a_partner_not_listed(client):
    pledge = PledgeFactory(submitted=True)
    services.build_directory()
    for name in ["directory:certificate", "directory:badge_svg", "directory:badge_png"]:
        assert client.get(reverse(name, kwargs={"slug": pledge.organisation.slug})).status_code == 404


def test_the_badge_is_an_svg_and_a_png_naming_the_partner(client):
    directory_partner("Weston College", signed_on=datetime.date(2025, 1, 15))
    services.build_directory()
    svg = client.get(reverse("directory:badge_svg", kwargs={"slug": "weston-college"}))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg["Access-Control-Allow-Origin"] == "*"
    assert b'<title id="badge-title">Weston College has signed the Trauma-Informed Pledge' in svg.content
    assert b"Signed January 2025" in svg.content
    png = client.get(reverse("directory:badge_png", kwargs={"slug": "weston-college"}))
    assert png["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == (600, 200)


def test_your_pledge_offers_the_certificate_and_a_badge_snippet_linking_to_the_partner_page(client, settings):
    pledge = directory_partner("Snippet & Partner")
    services.build_directory()
    client.force_login(pledge.created_by)
    html = client.get(reverse("pledges:my_pledges")).content.decode()
    slug = pledge.organisation.slug
    assert reverse("directory:certificate", kwargs={"slug": slug}) in html
    page_url = f"{settings.SITE_URL}/partners/{slug}/"
    badge_url = f"{settings.SITE_URL}/partners/{slug}/badge.svg"
    # The snippet is shown as text to copy: escaped once more inside the textarea.
    assert (
        f"&lt;a href=&quot;{page_url}&quot;&gt;&lt;img src=&quot;{badge_url}&quot; "
        "alt=&quot;Snippet &amp;amp; Partner has signed the Trauma-Informed Pledge for Partners&quot;"
    ) in html


def test_your_pledge_offers_no_badge_before_approval(client):
    pledge = PledgeFactory(submitted=True)
    client.force_login(pledge.created_by)
    html = client.get(reverse("pledges:my_pledges")).content.decode()
    assert "badge" not in html.lower()
    assert pledge.status == Pledge.Status.SUBMITTED
