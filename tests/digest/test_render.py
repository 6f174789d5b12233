"""The digest's renderings carry what it says: HTML and text, the MIME message (both alternative parts, an
inline PNG referenced by the HTML), DOCX read back with python-docx, PDF read back with pypdf and pdftotext
with its diacritics. The files land in test-artifacts/digest/ (the PDF also as PNG pages) for a look."""

from __future__ import annotations

import email
import io
import shutil
import struct
import subprocess
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from bantin.digest import (
    build_digest,
    chart_png,
    digest_email,
    render_docx,
    render_html,
    render_pdf,
    render_text,
)
from bantin.digest.model import Digest
from tests.digest.conftest import BRIDGE_TITLE, DAY, FLOOD_TITLE, NOW, Newsday

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "digest"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
UNSUBSCRIBE = {"List-Unsubscribe": "<https://bantin.example.gov.vn/unsubscribe/tok123>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
               "Message-ID": "<digest-2026-11-20-7@bantin.example.gov.vn>"}


@pytest.fixture
def digest(newsday: Newsday) -> Digest:
    with newsday.app.sessions() as s:
        return build_digest(s, DAY, None, newsday.settings, NOW)


def _artifact(name: str, data: bytes) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(data)
    return path


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (after checking the signature and the chunk's name)."""
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_html_and_text_carry_the_stories_leads_foreign_outlets_and_queue(digest: Digest) -> None:
    html = render_html(digest, "cid:chart@x")
    text = render_text(digest)
    from bantin.digest.pdf import data_uri

    _artifact("digest.html", render_html(digest, data_uri(chart_png(digest))).encode())
    _artifact("digest.txt", text.encode())
    bridge = digest.stories[0]
    for out in (html, text):
        assert BRIDGE_TITLE in out and FLOOD_TITLE in out
        assert out.index(BRIDGE_TITLE) < out.index(FLOOD_TITLE)  # most outlets first
        assert bridge.lead[0] in " ".join(out.split()) and bridge.url in out  # the text wraps its lines
        assert "Foreign Daily" in out and "Báo Thử" in out
        assert "Điểm báo ngày 20/11/2026" in out or "ĐIỂM BÁO NGÀY 20/11/2026" in out
    assert 'src="cid:chart@x"' in html and "<table" in html and "<script" not in html
    assert "Đang mở: 1" in text and "Quá hạn: 1" in text and "Đã phản hồi ngày 20/11: 1" in text
    assert "tin đang mở" in html and "tin quá hạn" in html


def test_html_escapes_what_outlets_wrote(digest: Digest) -> None:
    from dataclasses import replace

    odd = replace(digest, stories=(replace(digest.stories[0], title="<b>Cầu</b> & đường"),))
    html = render_html(odd, "cid:c")
    assert "&lt;b&gt;Cầu&lt;/b&gt; &amp; đường" in html and "<b>Cầu</b>" not in html


def test_mime_message_parses_back_with_both_parts_and_an_inline_png(digest: Digest) -> None:
    msg = digest_email(digest, to="Lãnh đạo Sở <lanhdao@example.gov.vn>", from_="bantin <bantin@example.gov.vn>",
                       subject=None, headers=UNSUBSCRIBE)
    raw = msg.as_bytes()
    _artifact("digest.eml", raw)
    assert max(len(line) for line in raw.splitlines()) <= 998  # RFC 5322 line length
    raw.decode("ascii")  # 7-bit on the wire: encoded-words and quoted-printable
    back = email.message_from_bytes(raw, policy=default)
    assert isinstance(back, EmailMessage)
    assert back["Subject"] == "Điểm báo ngày 20/11/2026 — tỉnh Nghệ An"
    assert back["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert back["List-Unsubscribe"] == UNSUBSCRIBE["List-Unsubscribe"]
    assert back["Message-ID"] == UNSUBSCRIBE["Message-ID"]
    assert back.get_content_type() == "multipart/alternative"
    plain, related = back.get_payload()  # type: ignore[misc]
    assert plain.get_content_type() == "text/plain" and plain.get_content_charset() == "utf-8"
    assert related.get_content_type() == "multipart/related"
    html_part, image = related.get_payload()
    assert html_part.get_content_type() == "text/html" and html_part.get_content_charset() == "utf-8"
    assert BRIDGE_TITLE in plain.get_content() and BRIDGE_TITLE in html_part.get_content()
    assert image.get_content_type() == "image/png" and image.get_content_disposition() == "inline"
    png = image.get_content()
    assert png_size(png)[0] > 600
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html_part.get_content()
    # the same digest gives the same message (a resend after a crash is no new message)
    again = digest_email(digest, to="Lãnh đạo Sở <lanhdao@example.gov.vn>",
                         from_="bantin <bantin@example.gov.vn>", headers=UNSUBSCRIBE)
    assert again.as_bytes() == raw


def test_chart_is_a_png_that_matplotlib_reads(digest: Digest) -> None:
    from matplotlib import image as mpimg

    png = chart_png(digest)
    _artifact("chart.png", png)
    pixels = mpimg.imread(io.BytesIO(png), format="png")
    assert pixels.shape[1] == png_size(png)[0] and pixels.shape[0] == png_size(png)[1]
    assert chart_png(digest) == png  # deterministic


def test_docx_opens_and_has_the_titles_headings_links_and_chart(digest: Digest) -> None:
    data = render_docx(digest)
    _artifact("digest.docx", data)
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    body = "\n".join(paragraphs)
    assert paragraphs[0] == "Điểm báo ngày 20/11/2026"
    assert BRIDGE_TITLE in body and FLOOD_TITLE in body and digest.stories[0].lead[0] in body
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading 1")]
    assert headings == ["Báo chí viết về tỉnh theo chủ đề", "Tin nổi bật", "Báo chí nước ngoài và tiếng nước ngoài",
                        "Hàng đợi rà soát"]
    links = {r.target_ref for r in doc.part.rels.values() if r.reltype.endswith("/hyperlink")}
    assert digest.stories[0].url in links and digest.stories[1].url in links
    images = [r for r in doc.part.rels.values() if r.reltype.endswith("/image")]
    assert len(images) == 1 and images[0].target_part.blob[:8] == PNG_SIGNATURE
    queue = doc.tables[-1]
    assert [c.text for c in queue.rows[1].cells] == ["1", "1", "1"]
    assert doc.sections[0].header.paragraphs[0].text  # the template's header is kept


def test_docx_uses_the_office_template(digest: Digest, tmp_path: Path) -> None:
    from bantin.digest.word import TemplateError
    from bantin.digest.word_template import build_template

    own = build_template(tmp_path / "mau.docx")
    doc = Document(str(own))
    doc.sections[0].header.paragraphs[0].text = "UBND TỈNH NGHỆ AN — SỞ TT&TT"
    doc.add_paragraph("Kính gửi: Lãnh đạo Sở")
    doc.save(str(own))
    out = Document(io.BytesIO(render_docx(digest, template=own)))
    assert out.sections[0].header.paragraphs[0].text == "UBND TỈNH NGHỆ AN — SỞ TT&TT"
    assert out.paragraphs[0].text == "Kính gửi: Lãnh đạo Sở"  # the office's letterhead stays first
    (tmp_path / "hong.docx").write_bytes(b"not a docx")
    with pytest.raises(TemplateError, match="mẫu DOCX"):
        render_docx(digest, template=tmp_path / "hong.docx")


def test_pdf_opens_and_has_the_titles_with_diacritics(digest: Digest) -> None:
    data = render_pdf(digest)
    path = _artifact("digest.pdf", data)
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert BRIDGE_TITLE in text and FLOOD_TITLE in text and "Foreign Daily" in text
    fonts = [f.get_object() for page in reader.pages for f in page["/Resources"]["/Font"].values()]  # type: ignore[index]
    # every font is the digest's @font-face (local Noto Sans or DejaVu Sans), embedded in the file
    assert {str(f["/BaseFont"]).split("+")[-1] for f in fonts} == {"DigestSans", "DigestSans-Bold"}
    for f in fonts:
        descriptor = (f["/DescendantFonts"][0].get_object() if "/DescendantFonts" in f else f)["/FontDescriptor"]
        assert {"/FontFile2", "/FontFile3"} & set(descriptor.get_object()), f
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
        flat = " ".join(out.stdout.split())
        assert "Điểm báo ngày 20/11/2026" in flat and "Lũ quét cuốn trôi nhà ở xã Mường Típ" in flat
    if shutil.which("pdftoppm"):  # the pages as PNG, to look at
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(path), str(ARTIFACTS / "digest-pdf")], check=True)
