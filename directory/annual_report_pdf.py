"""The annual programme report as a printable PDF: the same figures (suppressed) and narrative as the page."""

from django.conf import settings
from fpdf import FPDF

from .certificates import NHS_BLUE, PDF_ENCODING, pdf_safe

TEXT = (33, 43, 50)
BAR_WIDTH_MM = 60


def report_pdf(report, *, url):
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = PDF_ENCODING
    pdf.set_title(pdf_safe(f"Annual programme report {report.year}"))
    pdf.set_author(pdf_safe(settings.PROGRAMME_NAME))
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()

    def text(value, *, size=10, style="", colour=TEXT, height=None):
        pdf.set_font("Helvetica", style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, height or size * 0.5, pdf_safe(value), new_x="LMARGIN", new_y="NEXT")

    text(settings.PROGRAMME_NAME, size=10, colour=NHS_BLUE)
    text(f"Annual programme report {report.year}", size=22, style="B", colour=NHS_BLUE, height=11)
    pdf.ln(3)
    if report.narrative:
        text(report.narrative, size=10, height=5)
        pdf.ln(3)
    for label, value in report.totals:
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(110, 6, pdf_safe(label))
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, pdf_safe(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    text("Counts below 5 are shown as 'fewer than 5', so that small groups cannot be identified.", size=8)

    for chart in report.charts:
        pdf.ln(4)
        text(chart.title, size=13, style="B", colour=NHS_BLUE, height=7)
        text(chart.headline, size=9, height=4.5)
        pdf.ln(1)
        pdf.set_font("Helvetica", "B", 8)
        pdf.cell(80, 5, pdf_safe(chart.label_heading))
        for heading in chart.headings:
            pdf.cell(BAR_WIDTH_MM / 2 + 4, 5, pdf_safe(heading)[:24])
        pdf.ln(5)
        for bar, (label, values) in zip(chart.bars, chart.table, strict=True):
            pdf.set_font("Helvetica", "", 8)
            pdf.set_text_color(*TEXT)
            pdf.cell(80, 5, pdf_safe(label if len(label) <= 52 else label[:51] + "..."))
            for value in values:
                pdf.cell(BAR_WIDTH_MM / 2 + 4, 5, pdf_safe(value))
            if bar["width"]:
                pdf.set_fill_color(*NHS_BLUE)
                width = BAR_WIDTH_MM * bar["width"] / 440
                pdf.rect(pdf.w - pdf.r_margin - BAR_WIDTH_MM, pdf.get_y() + 1, width, 3, style="F")
            pdf.ln(5)
    pdf.ln(4)
    pdf.set_text_color(*NHS_BLUE)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, pdf_safe(f"Online, with each chart's figures as CSV: {url}"), link=url)
    return bytes(pdf.output())
