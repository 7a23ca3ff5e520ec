"""Exports of a review: Markdown, self-contained HTML and a PDF handout, all from one layout.

Authored and customer text (root causes, decisions, goal titles, counterparties) is escaped for
the target format: `html.escape` in HTML, reportlab's XML escaping in the PDF, and in Markdown
`app.textsafety.authored_markdown` (HTML, entities and images shown as typed, links as text), so
a Markdown viewer such as a pull request or a wiki renders nothing an author slipped in. Charts are PNGs
(data URIs in the HTML, images in the PDF); Markdown carries the numbers as tables only.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from app.review.layout import Block, Bullets, Chart, Heading, Para, Table, layout, title_of
from app.textsafety import authored_markdown

FORMATS: tuple[str, ...] = ("md", "html", "pdf")
MEDIA_TYPES: dict[str, str] = {"md": "text/markdown", "html": "text/html", "pdf": "application/pdf"}


def _md_cell(text: str) -> str:
    return authored_markdown(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(document: Mapping[str, Any]) -> str:
    lines: list[str] = []
    for block in layout(document):
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + authored_markdown(block.text), ""]
        elif isinstance(block, Para):
            text = authored_markdown(block.text)
            lines += [f"> {text}" if block.tone != "normal" else text, ""]
        elif isinstance(block, Bullets):
            lines += [f"- {authored_markdown(item)}" for item in block.items] + [""]
        elif isinstance(block, Table):
            lines.append("| " + " | ".join(_md_cell(h) for h in block.headers) + " |")
            lines.append("|" + "---|" * len(block.headers))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1b1f24;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:2px solid #1f5f99;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #cfd6dd;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#eef2f6}.note{color:#4a5560}.warning{color:#8e0000;font-weight:600}
figure{margin:1rem 0}figure img{max-width:100%}figcaption{color:#4a5560;font-size:.9rem}
"""


def to_html(document: Mapping[str, Any], images: Mapping[str, bytes]) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title_of(document))}</title><style>{CSS}</style></head><body>",
    ]
    for block in layout(document, charts=list(images)):
        if isinstance(block, Heading):
            parts.append(f"<h{block.level}>{e(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            parts.append(f'<p class="{block.tone}">{e(block.text)}</p>')
        elif isinstance(block, Bullets):
            parts.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{e(h)}</th>" for h in block.headers)
            body = "".join(
                "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in block.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(block, Chart):
            data = base64.b64encode(images[block.name]).decode("ascii")
            parts.append(
                f'<figure><img alt="{e(block.caption, quote=True)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{e(block.caption)}</figcaption></figure>"
            )
    parts.append("</body></html>")
    return "\n".join(parts)


def to_pdf(document: Mapping[str, Any], images: Mapping[str, bytes]) -> bytes:
    """An A4 handout (reportlab platypus): headings, paragraphs, tables with wrapped cells, charts."""
    return blocks_to_pdf(
        layout(document, charts=list(images)), title=title_of(document), images=images
    )


def blocks_to_pdf(
    blocks: Sequence[Block], *, title: str, images: Mapping[str, bytes] | None = None
) -> bytes:
    """Laid-out blocks as an A4 PDF (the review handout, the credit statement). Text is escaped
    for reportlab's markup here; `images` holds the PNG of each `Chart` block."""
    images = images or {}
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import (
        Image,
        ListFlowable,
        ListItem,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )
    from reportlab.platypus import Table as PdfTable

    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9.5, leading=12.5)
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5)
    head_cell = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold")
    tones = {
        "normal": body,
        "note": ParagraphStyle("note", parent=body, textColor=colors.HexColor("#4a5560")),
        "warning": ParagraphStyle(
            "warning", parent=body, textColor=colors.HexColor("#8e0000"), fontName="Helvetica-Bold"
        ),
    }
    headings = {1: styles["Title"], 2: styles["Heading2"], 3: styles["Heading3"]}
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="cxgov",
    )
    width = pdf.width
    story: list[Any] = []
    x = xml_escape
    for block in blocks:
        if isinstance(block, Heading):
            story.append(Paragraph(x(block.text), headings.get(block.level, styles["Heading4"])))
        elif isinstance(block, Para):
            story.append(Paragraph(x(block.text), tones[block.tone]))
        elif isinstance(block, Bullets):
            items = [ListItem(Paragraph(x(i), body), leftIndent=10) for i in block.items]
            story.append(
                ListFlowable(
                    items,  # type: ignore[arg-type]  # the stubs omit ListItem, which ListFlowable takes
                    bulletType="bullet",
                    start="•",
                    leftIndent=10,
                )
            )
        elif isinstance(block, Table):
            rows = [[Paragraph(x(h), head_cell) for h in block.headers]]
            rows += [[Paragraph(x(c), cell) for c in row] for row in block.rows]
            table = PdfTable(rows, colWidths=_col_widths(block, width), repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#cfd6dd")),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
        elif isinstance(block, Chart):
            data = images[block.name]
            w, h = ImageReader(io.BytesIO(data)).getSize()
            shown = min(width, 170 * mm)
            story.append(Image(io.BytesIO(data), width=shown, height=shown * h / w))
        story.append(Spacer(1, 4))
    pdf.build(story)
    return buffer.getvalue()


CHAR_WIDTH = 4.9
"""Average width in points of a character of the 8.5 pt table font (Helvetica)."""
CELL_PADDING = 9.0
BOLD = 1.25
"""Bold header text is about this much wider."""


def _longest_word(texts: Sequence[str]) -> int:
    """Characters of the longest run a line cannot break in (a no-break space joins a run)."""
    return max((len(word) for text in texts for word in re.split(r"[ \t\n]+", text)), default=0)


def _col_widths(table: Table, width: float) -> Sequence[float]:
    """Each column at least as wide as its longest word (numbers and months never break), the rest
    shared by how much more text each column holds; summing to `width`."""
    columns = [
        [table.headers[i], *(row[i] for row in table.rows)] for i in range(len(table.headers))
    ]
    least = [
        max(_longest_word(col[1:]) * CHAR_WIDTH, _longest_word(col[:1]) * CHAR_WIDTH * BOLD)
        + CELL_PADDING
        for col in columns
    ]
    wanted = [max(len(text) for text in col) * CHAR_WIDTH + CELL_PADDING for col in columns]
    if sum(least) >= width:
        return [width * w / sum(least) for w in least]
    desire = [max(0.0, w - m) for w, m in zip(wanted, least)]
    spare = width - sum(least)
    if sum(desire) <= spare:
        return [w + (spare - sum(desire)) / len(columns) for w in wanted]
    return [m + spare * d / sum(desire) for m, d in zip(least, desire)]


def export(document: Mapping[str, Any], fmt: str) -> bytes:
    """The review in `fmt` (md, html or pdf) as bytes; charts are rendered only for html and pdf."""
    if fmt not in FORMATS:
        raise ValueError(f"export format is one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "md":
        return to_markdown(document).encode("utf-8")
    from app.review.charts import chart_images

    images = chart_images(document)
    return to_html(document, images).encode("utf-8") if fmt == "html" else to_pdf(document, images)
