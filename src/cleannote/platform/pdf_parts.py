"""The clinic's printed documents look alike: one set of paragraph styles, a paragraph that
keeps line breaks and escapes its text, the clinic's letterhead, the patient line, and a
gridded table with a shaded header row (the note PDF, the plan of care PDF). Letter size,
margins of 0.7 inch."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Protocol
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)


class Clinic(Protocol):
    """What a letterhead shows of the organisation (its model, known here by shape only)."""

    name: str
    address_line1: str
    city: str
    state: str
    zip: str
    npi: str


def styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=16, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=12, spaceBefore=8),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=9.5, leading=12),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontSize=8, leading=10),
    }


def paragraph(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def letterhead(clinic: Clinic, style: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The top of every clinic document: its name, then its address and NPI, then a gap."""
    where = f"{clinic.address_line1}, {clinic.city}, {clinic.state} {clinic.zip}"
    return [
        paragraph(clinic.name, style["title"]),
        paragraph(f"{where} · NPI {clinic.npi}", style["small"]),
        Spacer(1, 6),
    ]


class Person(Protocol):
    """Who a document is about, as its patient line shows them (known here by shape only)."""

    first_name: str
    last_name: str
    birth_date: dt.date
    chart_number: str


def patient_line(patient: Person, style: ParagraphStyle) -> Paragraph:
    """The line that says whose document this is: name, date of birth and chart number."""
    return paragraph(
        f"Patient: {patient.last_name}, {patient.first_name} · born "
        f"{patient.birth_date:%Y-%m-%d} · chart {patient.chart_number}",
        style,
    )


def table(rows: list[list[object]], widths: list[float], style: ParagraphStyle) -> Table:
    cells = [[paragraph(c, style) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef2")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa9b4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def letter_pdf(story: list[Flowable], *, title: str, author: str) -> bytes:
    """The story as a Letter-size PDF with the documents' margins."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.7 * inch,
        rightMargin=0.7 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
        title=title,
        author=author,
    )
    document.build(story)
    return buffer.getvalue()


def join_pdfs(documents: Sequence[bytes], *, title: str, author: str) -> bytes:
    """Several PDFs as one, in order, titled: a packet of a letter and its enclosures."""
    writer = PdfWriter()
    for document in documents:
        writer.append(PdfReader(io.BytesIO(document)))
    writer.add_metadata({"/Title": title, "/Author": author})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
