"""No bylines in stored text (docs/principles.md, principle 1): real pages and a table of real shapes."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bantin.app.stats import CounterStats
from bantin.extract.article import extract_article
from bantin.extract.byline import author_names, strip_bylines
from tests.conftest import SHARED_DATA, requires_shared

BODY = "Tỉnh Nghệ An khởi công dự án đường ven biển dài 40 km."

# (last line(s) of a Vietnamese article, what must remain of them); "" = the whole line goes
SHAPES = [
    ("Võ Hải", ""),  # VnExpress signature
    ("Bảo Ngọc", ""),
    ("Lê Phương", ""),
    ("Nguyễn Thị Minh Khai", ""),
    ("Võ Hải - Lê Phương", ""),  # co-signed
    ("Hoàng Phương, Minh Anh", ""),
    ("Văn Dũng - TTXVN", "TTXVN"),  # the agency stays as the credit
    ("Văn Dũng (TTXVN)", "(TTXVN)"),
    ("Thanh Hà/TTXVN", "TTXVN"),
    ("Như Tâm (theo AFP)", "Theo AFP"),  # the publisher credit stays
    ("Nhóm PV", ""),
    ("Nhóm PV Thời Sự", ""),
    ("THU HÀ", ""),  # Tuổi Trẻ / Thanh Niên sign in capitals
    ("NGUYỄN VĂN A - TTXVN", "TTXVN"),
    ("Minh H.", ""),  # an initial, not a sentence's period
    ("PV ghi nhận", "PV ghi nhận"),  # prose after the role word
    ("HẾT", "HẾT"),  # one word: not a name
    ("VIDEO 2025", "VIDEO 2025"),
    # content that looks like names, seen at the end of VNTC articles (a league table, a chapter mark)
    ("Đức\nHà Lan\nBồ Đào Nha", "Đức\nHà Lan\nBồ Đào Nha"),  # no finished sentence before them
    ("Phần I", "Phần I"),
    ("Chào Đạt,", "Chào Đạt,"),  # a letter's greeting
    ("BAN TỔ CHỨC", "BAN TỔ CHỨC"),  # an organisation signs
    ("Man. United", "Man. United"),
    ("Nhà máy mới khánh thành ở TP. Hải Phòng", "Nhà máy mới khánh thành ở TP. Hải Phòng"),
    ("Võ Hải\nLê Phương", ""),  # two signature lines after the last sentence
    ("Nhóm phóng viên", ""),
    ("PV - CTV", ""),
    ("Bài, ảnh: Nguyễn Văn A", ""),
    ("Bài và ảnh: Trần Bình", ""),
    ("Ảnh: Võ Hải", ""),
    ("Thực hiện: Minh Hoà - Đức Anh", ""),
    ("Võ Hải\nTheo Báo Nghệ An", "Theo Báo Nghệ An"),  # signature above the credit
    ("Theo Báo Nghệ An", "Theo Báo Nghệ An"),  # kept: a publisher, not a person
    ("Nguồn: TTXVN", "Nguồn: TTXVN"),
    ("(Theo VnExpress)", "(Theo VnExpress)"),
    ("(Còn nữa)", "(Còn nữa)"),  # not a name
    ("Hết", "Hết"),
    ("Tin liên quan", "Tin liên quan"),  # lowercase words: not a name
    ("Nghệ An đứng đầu cả nước.", "Nghệ An đứng đầu cả nước."),  # a sentence ends with a period
    ("Hà Nội.", "Hà Nội."),
    ("Ảnh: Bệnh viện cung cấp", "Ảnh: Bệnh viện cung cấp"),  # an organisation's picture, no person
    ("Năm 2025 Có 12 Dự Án", "Năm 2025 Có 12 Dự Án"),  # digits: not a name
    ("Dự án xong năm 2026. Trần Văn Bình", "Dự án xong năm 2026."),  # signature run into the last paragraph
    ("Dự án xong năm 2026. Còn nữa", "Dự án xong năm 2026. Còn nữa"),
]


@pytest.mark.parametrize(("tail", "kept"), SHAPES, ids=[s[0] for s in SHAPES])
def test_byline_shapes_are_stripped_and_credits_kept(tail: str, kept: str) -> None:
    stats = CounterStats()
    out = strip_bylines(f"{BODY}\n{tail}", vietnamese=True, stats=stats)
    assert out == (f"{BODY}\n{kept}" if kept else BODY)
    assert (stats.get_value("extract/byline_stripped") is None) == (kept == tail)


def test_author_metadata_lines_go_anywhere_in_any_language() -> None:
    text = "Đoàn Loan\nBy Đoàn Loan\nThe ministry said on Monday.\nĐoàn Loan - TTXVN\nMore text follows."
    out = strip_bylines(text, author_names("VnExpress; Đoàn Loan"), vietnamese=False)
    assert out == "The ministry said on Monday.\nTTXVN\nMore text follows."


def test_one_word_author_metadata_is_the_publisher_and_is_kept() -> None:
    assert author_names("VnExpress") == [] and author_names(None) == []
    assert author_names("Staff Reports; Ban Thời sự; Trần Bình") == ["Trần Bình"]  # organisations' credits
    assert strip_bylines(f"{BODY}\nVnExpress", author_names("VnExpress"), vietnamese=True) == f"{BODY}\nVnExpress"


def test_english_title_case_last_line_is_not_taken_for_a_name() -> None:
    assert strip_bylines("The council met.\nRead More", vietnamese=False) == "The council met.\nRead More"


def test_picture_credit_after_a_caption_is_cut_and_the_caption_kept() -> None:
    text = f"Bệnh nhân được bác sĩ thăm khám. Ảnh: Lê Phương\n{BODY}"
    assert strip_bylines(text, vietnamese=True) == f"Bệnh nhân được bác sĩ thăm khám.\n{BODY}"


def test_a_name_inside_the_text_is_not_a_signature() -> None:
    text = f"Võ Hải\n{BODY}\nÔng Võ Hải cho biết dự án sẽ xong trong năm nay."
    assert strip_bylines(text, vietnamese=True) == text  # first line: name-shaped but not trailing


def test_extracted_text_and_description_carry_no_byline() -> None:
    page = ("<html lang='vi'><head><title>Khởi công đường ven biển</title>"
            "<meta name='author' content='Báo; Trần Văn Bình'>"
            "<meta name='description' content='Dự án đường ven biển khởi công.\nTrần Văn Bình'></head><body>"
            "<article><h1>Khởi công đường ven biển</h1>"
            + "".join(f"<p>{BODY} Đoạn {n} nói về tiến độ và vốn đầu tư của dự án.</p>" for n in range(6))
            + "<p>Trần Văn Bình</p><p>Văn Dũng - TTXVN</p></article></body></html>").encode()
    stats = CounterStats()
    art = extract_article(page, "https://baonghean.vn/khoi-cong.html", stats=stats)
    assert art.language == "vi" and art.text.endswith("vốn đầu tư của dự án.\nTTXVN")
    assert "Trần Văn Bình" not in art.text and "Văn Dũng" not in art.text
    assert art.description == "Dự án đường ven biển khởi công."
    assert stats.get_value("extract/byline_stripped") >= 2


def _vietnamese_pages() -> list[tuple[str, str, str]]:
    url_map = SHARED_DATA / "crawl" / "url-map.tsv"
    if not url_map.is_file():
        return []
    rows = [line.split("\t") for line in url_map.read_text(encoding="utf-8").splitlines()[1:]]
    return [(r[0], r[1], r[2]) for r in rows if r[1].startswith("pages/vi/") and "/listing-pages/" not in r[1]]


@requires_shared
@pytest.mark.parametrize(("url", "rel", "coding"), _vietnamese_pages(), ids=lambda v: str(v).rsplit("/", 1)[-1])
def test_real_vietnamese_pages_keep_no_author_line_and_no_trailing_name(url: str, rel: str, coding: str) -> None:
    from trafilatura import bare_extraction

    raw = (SHARED_DATA / "crawl" / rel).read_bytes()
    raw = gzip.decompress(raw) if coding == "gzip" else raw
    art = extract_article(raw, url)
    assert art.language == "vi" and len(art.text) > 500
    lines = [line.strip() for line in art.text.split("\n")]
    meta = bare_extraction(raw.decode("utf-8", "replace"), url=url, with_metadata=True)
    for author in author_names(getattr(meta, "author", None)):
        assert author not in lines, author
    assert strip_bylines(art.text, vietnamese=True) == art.text  # nothing name-shaped left at the end
    last = lines[-1]
    assert last.endswith((".", "!", "?", "…", '"', "”", ")")), last  # the body's last sentence, not a name


@requires_shared
def test_the_shipped_pages_lose_their_known_signatures() -> None:
    """The names seen at the end of the shipped VnExpress pages before bylines were stripped."""
    pages = {p[1]: p for p in _vietnamese_pages()}
    for rel, name in [("pages/vi/articles-no-gt/vnexpress_thoi-su_3882669.html", "Võ Hải"),
                      ("pages/vi/articles-no-gt/vnexpress_doi-song_3878849.html", "Bảo Ngọc"),
                      ("pages/vi/fundus-vnexpress-2025/VnExpress_2025_10_22.html.gz", "Lê Phương")]:
        url, _, coding = pages[rel]
        raw = (SHARED_DATA / "crawl" / rel).read_bytes()
        art = extract_article(gzip.decompress(raw) if coding == "gzip" else raw, url)
        assert name not in art.text.split("\n")[-3:] and not art.text.endswith(name)


def test_shared_pages_are_listed(shared_data: Path) -> None:
    assert len(_vietnamese_pages()) == 5  # 3 older VnExpress layouts, fundus 2025, htmldate 2023
