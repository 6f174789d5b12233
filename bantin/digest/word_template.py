"""The shipped DOCX template of the digest (``templates/digest.docx``), built by python-docx from its own
default document: ``python -m bantin.digest.word_template [PATH]`` rebuilds it.

The office edits the file in Word (styles, the page header with its logo, margins) and points
``BANTIN_DIGEST_DOCX_TEMPLATE`` to its copy. The digest keeps the template's body (a fixed letterhead may
stand there) and appends to it, using these styles: ``Title``, ``Subtitle``, ``Heading 1``, ``Heading 2``,
``Normal``, ``List Bullet``, ``Caption``, the table style ``Table Grid`` and the character style
``Hyperlink`` (a template without one of them gets Word's built-in look for it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TEMPLATE_PATH = Path(__file__).with_name("templates") / "digest.docx"
# Arial is on every office PC and carries every Vietnamese letter; LibreOffice substitutes Liberation Sans.
FONT = "Arial"
NAVY = RGBColor(0x0B, 0x3D, 0x6E)
LINK = RGBColor(0x0B, 0x5C, 0xAD)
GREY = RGBColor(0x5A, 0x63, 0x6E)
HEADER_TEXT = "ĐIỂM BÁO — Sở Thông tin và Truyền thông"  # the office replaces it with its letterhead and logo


def _font(style, size: float, bold: bool = False, colour: RGBColor | None = None) -> None:  # type: ignore[no-untyped-def]
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    if colour is not None:
        style.font.color.rgb = colour
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


def _page_field(paragraph) -> None:  # type: ignore[no-untyped-def]
    paragraph.add_run("Trang ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def build_template(path: Path = TEMPLATE_PATH) -> Path:
    doc = Document()
    styles = doc.styles
    _font(styles["Normal"], 11)
    styles["Normal"].paragraph_format.space_after = Pt(6)
    _font(styles["Title"], 22, True, NAVY)
    _font(styles["Subtitle"], 11, False, GREY)
    _font(styles["Heading 1"], 15, True, NAVY)
    _font(styles["Heading 2"], 12, True, None)
    _font(styles["Caption"], 9, False, GREY)
    _font(styles["List Bullet"], 11)
    if "Hyperlink" not in [s.name for s in styles]:
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.color.rgb = LINK
        link.font.underline = True
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    header = section.header.paragraphs[0]
    header.text = HEADER_TEXT
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.runs[0].font.size, header.runs[0].font.color.rgb = Pt(9), GREY
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer)
    for p in list(doc.paragraphs):  # an empty body: the digest starts at the top
        p._p.getparent().remove(p._p)
    props = doc.core_properties
    props.title, props.author, props.comments = "Điểm báo", "bantin", "Mẫu điểm báo: sửa kiểu chữ, đầu trang, logo"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build_template(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH))
