"""A partner's certificate of signing (PDF) and its badge (PNG; the SVG is a template)."""

import io
import unicodedata

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import apnumber
from django.urls import reverse
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

PLEDGE_NAME = "Trauma-Informed Pledge for Partners"
# fpdf2's core fonts (no font files needed) cover Windows-1252: curly quotes and
# dashes print as typed; anything else is simplified (see pdf_safe).
PDF_ENCODING = "windows-1252"
# Letters NFKD does not split into a base letter and an accent.
PLAIN_LETTERS = str.maketrans("ŁłĐđĦħıĿŀ", "LlDdHhiLl")
NHS_BLUE = (0, 94, 184)
BADGE_NAME_LENGTH = 42


def partner_url(entry):
    return settings.SITE_URL + reverse("directory:partner", kwargs={"slug": entry.slug})


def badge_text(entry):
    """The words on the badge, shared by the SVG and the PNG."""
    name = entry.name if len(entry.name) <= BADGE_NAME_LENGTH else entry.name[: BADGE_NAME_LENGTH - 1] + "…"
    return {
        "badge_title": f"{entry.name} has signed the {PLEDGE_NAME}",
        "badge_name": name,
        "badge_signed": f"Signed {entry.signed_on:%B %Y}",
    }


def badge_png(entry):
    text = badge_text(entry)
    image = Image.new("RGB", (600, 200), NHS_BLUE)
    draw = ImageDraw.Draw(image)
    draw.text((30, 24), "We have signed the", fill="white", font=ImageFont.load_default(size=24))
    draw.text((30, 56), PLEDGE_NAME, fill="white", font=ImageFont.load_default(size=30))
    draw.text((30, 110), text["badge_name"], fill="white", font=ImageFont.load_default(size=24))
    draw.text((30, 148), text["badge_signed"], fill="white", font=ImageFont.load_default(size=20))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_safe(text):
    """Text the PDF's core fonts can print: accents are dropped only where Windows-1252 lacks the letter."""
    characters = []
    for character in text:
        try:
            character.encode(PDF_ENCODING)
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFKD", character.translate(PLAIN_LETTERS))
            base = "".join(c for c in decomposed if not unicodedata.combining(c))
            try:
                base.encode(PDF_ENCODING)
            except UnicodeEncodeError:
                base = "?"
            character = base
        characters.append(character)
    return "".join(characters)


def certificate_pdf(entry, *, commitments):
    """An A4 certificate: who signed, when, the commitments they agreed to, and where to check it."""
    url = partner_url(entry)
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = PDF_ENCODING
    pdf.set_title(pdf_safe(f"Certificate of signing: {entry.name}"))
    pdf.set_author(pdf_safe(settings.PROGRAMME_NAME))
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_draw_color(*NHS_BLUE)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)

    def line(text, *, size, style="", height=None, colour=(33, 43, 50)):
        pdf.set_font("Helvetica", style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, height or size * 0.5, pdf_safe(text), align="C", new_x="LMARGIN", new_y="NEXT")

    line(settings.PROGRAMME_NAME, size=11, colour=NHS_BLUE)
    pdf.ln(6)
    line("Certificate of signing", size=26, style="B", colour=NHS_BLUE)
    pdf.ln(6)
    line("This certifies that", size=12)
    pdf.ln(2)
    line(entry.name, size=22, style="B")
    pdf.ln(2)
    line(f"signed the {PLEDGE_NAME} on {entry.signed_on.day} {entry.signed_on:%B %Y}", size=12)
    line(
        f"and agreed to its {apnumber(len(commitments))} Active Commitments "
        f"(version {entry.page['version']} of the pledge):",
        size=12,
    )
    pdf.ln(4)

    pdf.set_text_color(33, 43, 50)
    for commitment in commitments:
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(8, 4.2, f"{commitment.number}.")
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(0, 4.2, pdf_safe(commitment.text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    pdf.ln(4)
    pdf.set_font("Helvetica", "", 10)
    pdf.set_text_color(*NHS_BLUE)
    pdf.multi_cell(0, 5, pdf_safe(f"Check this certificate: {url}"), align="C", link=url)
    return bytes(pdf.output())
