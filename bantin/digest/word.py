"""The digest as DOCX (python-docx) from the office's editable template (``word_template``): headings, the
chart image, the coverage and queue tables, the stories as paragraphs with links to their pages."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from bantin.charts import vi_number
from bantin.digest.chart import chart_png
from bantin.digest.model import Digest
from bantin.digest.render import subject_of
from bantin.digest.word_template import LINK, TEMPLATE_PATH
from bantin.reports.days import VN_TZ

# The chart's width on an A4 page within the template's margins (16.5 cm of text width).
CHART_WIDTH_CM = 16.0


class TemplateError(ValueError):
    """The DOCX template cannot be read (missing, or not a Word document)."""


def _style(doc: Any, name: str) -> str | None:
    return name if name in [s.name for s in doc.styles] else None


def add_link(paragraph: Any, url: str, text: str) -> None:
    """A hyperlink run (python-docx has no API for one): the relationship, then ``w:hyperlink``."""
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = paragraph.add_run(text)
    if _style(paragraph.part.document, "Hyperlink"):
        run.style = "Hyperlink"
    else:
        run.font.underline, run.font.color.rgb = True, LINK
    link.append(run._r)  # moved from the paragraph into the link
    paragraph._p.append(link)


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    if _style(doc, "Table Grid"):
        table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _open(template: Path | None) -> Any:
    path = template or TEMPLATE_PATH
    try:
        return Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx raises several kinds for a bad file
        raise TemplateError(f"không đọc được mẫu DOCX (cannot read the DOCX template) {path}: {exc}") from None


def render_docx(digest: Digest, chart: bytes | None = None, template: Path | None = None) -> bytes:
    doc = _open(template)
    doc.core_properties.title = subject_of(digest)
    doc.add_paragraph(f"Điểm báo ngày {digest.day:%d/%m/%Y}", style=_style(doc, "Title"))
    sub = f"Tỉnh {digest.province} · số liệu hàng đợi tính đến " + digest.generated_at.astimezone(VN_TZ).strftime(
        "%H:%M ngày %d/%m/%Y") + (f" · chủ đề: {', '.join(digest.topics)}" if digest.topics else "")
    doc.add_paragraph(sub, style=_style(doc, "Subtitle"))

    doc.add_heading("Báo chí viết về tỉnh theo chủ đề", level=1)
    doc.add_paragraph(f"{vi_number(digest.total_today)} bài viết về tỉnh {digest.province} trong ngày; trung bình "
                      f"{digest.baseline_days} ngày trước: {vi_number(digest.total_average)} bài/ngày.")
    doc.add_picture(io.BytesIO(chart if chart is not None else chart_png(digest)), width=Cm(CHART_WIDTH_CM))
    if digest.coverage:
        _table(doc, ["Chủ đề", "Trong ngày", f"TB {digest.baseline_days} ngày"],
               [[r.name, vi_number(r.today), vi_number(r.average)] for r in digest.coverage])

    doc.add_heading("Tin nổi bật", level=1)
    if not digest.stories:
        doc.add_paragraph("Không có tin nào của hàng đợi được đăng trong ngày.")
    for i, s in enumerate(digest.stories, 1):
        title = doc.add_heading(f"{i}. ", level=2)
        add_link(title, s.url, s.title)
        meta = f"Nguồn gốc: {s.origin_outlet or 'không rõ'} · {s.outlets} báo đăng"
        if s.foreign_outlets:
            meta += f" · báo nước ngoài: {', '.join(s.foreign_outlets)}"
        meta += (f" · {s.topic}" if s.topic else "") + f" · {s.state}"
        doc.add_paragraph(meta, style=_style(doc, "Caption"))
        if s.lead:
            doc.add_paragraph(" ".join(s.lead))
        add_link(doc.add_paragraph("Xem tin trên bantin: "), s.url, s.url)

    doc.add_heading("Báo chí nước ngoài và tiếng nước ngoài", level=1)
    if not digest.foreign:
        doc.add_paragraph("Không có bài nào của báo nước ngoài hay bằng tiếng nước ngoài viết về tỉnh trong ngày.")
    for f in digest.foreign:
        p = doc.add_paragraph(style=_style(doc, "List Bullet"))
        add_link(p, f.url, f.title)
        where = (f.outlet or "không rõ báo") + (f" ({f.country})" if f.country else "")
        p.add_run(f" — {where}" + (f", {f.language}" if f.language else ""))

    doc.add_heading("Hàng đợi rà soát", level=1)
    q = digest.queue
    _table(doc, ["Đang mở", "Quá hạn", f"Đã phản hồi ngày {digest.day:%d/%m}"],
           [[vi_number(q.open), vi_number(q.overdue), vi_number(q.responded)]])
    for note in digest.notes:
        doc.add_paragraph(note, style=_style(doc, "Caption"))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
