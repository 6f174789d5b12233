"""bantin.charts: valid SVG with text kept as text (Vietnamese labels readable by a parser), an accessible
name, the same bytes for the same data, bounds refused with a message, and a readable chart of no data."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bantin import charts
from bantin.charts.style import GREY, PALETTE

NS = "{http://www.w3.org/2000/svg}"
DAYS = [f"{d:02d}/11" for d in range(1, 31)]
SERIES = [("kinh tế – đầu tư", [d % 5 for d in range(30)]), ("văn hoá – di sản", [d % 3 for d in range(30)]),
          ("khác", [1] * 30)]


def _texts(svg: bytes) -> str:
    return " ".join(t.strip() for t in ET.fromstring(svg).itertext() if t.strip())


def _contrast(hex_colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(hex_colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_day_bars_are_svg_with_vietnamese_labels_as_text() -> None:
    svg = charts.day_bars(DAYS, SERIES, title="Số bài mỗi ngày theo chủ đề", desc="Biểu đồ cột", ylabel="Số bài",
                          grey=["khác"])
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == "Số bài mỗi ngày theo chủ đề"  # type: ignore[union-attr]
    assert root.find(f"{NS}desc").text == "Biểu đồ cột"  # type: ignore[union-attr]
    text = _texts(svg)
    for label in ("kinh tế – đầu tư", "văn hoá – di sản", "khác", "Số bài", "01/11"):
        assert label in text
    assert "font-family: 'DejaVu Sans', 'Noto Sans'" in svg.decode()
    assert GREY.lower() in svg.decode().lower()  # "khác" is drawn grey


def test_same_data_gives_the_same_bytes() -> None:
    a = charts.day_bars(DAYS, SERIES, title="Tin", desc="d")
    b = charts.day_bars(DAYS, SERIES, title="Tin", desc="d")
    assert a == b
    assert b"<dc:date>" not in a
    h1 = charts.hbars(["khẩn – đến khi phân loại"], [("Trung vị", [1.5]), ("P90", [None])], title="Giờ", desc="d")
    h2 = charts.hbars(["khẩn – đến khi phân loại"], [("Trung vị", [1.5]), ("P90", [None])], title="Giờ", desc="d")
    assert h1 == h2


def test_hbars_write_values_in_the_given_number_format() -> None:
    svg = charts.hbars(["khẩn – đến khi phản hồi", "cao – đến khi phản hồi"], [("Trung vị", [1.5, 1234.0]),
                       ("Phân vị 90", [2.25, None])], title="Thời gian xử lý (giờ)", desc="d", xlabel="giờ")
    text = _texts(svg)
    assert "khẩn – đến khi phản hồi" in text and "Phân vị 90" in text
    assert "1,5" in text and "1.234" in text  # Vietnamese decimal comma and thousands dot
    en = charts.hbars(["urgent"], [("Median", [1.5])], title="Hours", desc="d", number=lambda v: f"{v:.1f} h")
    assert "1.5 h" in _texts(en)


def test_no_data_draws_a_readable_chart() -> None:
    for svg in (charts.day_bars([], [], title="Số bài", desc="d"),
                charts.day_bars(DAYS[:2], [("a", [0, 0])], title="Số bài", desc="d"),
                charts.hbars(["khẩn"], [("Trung vị", [None])], title="Giờ", desc="d", empty_text="No data")):
        ET.fromstring(svg)
        assert "Không có dữ liệu" in _texts(svg) or "No data" in _texts(svg)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: charts.day_bars(["x"] * (charts.MAX_POINTS + 1), [], title="t", desc="d"), "too many days"),
    (lambda: charts.day_bars(["x"], [(str(i), [1]) for i in range(charts.MAX_SERIES + 1)], title="t", desc="d"),
     "too many series"),
    (lambda: charts.hbars(["x"] * (charts.MAX_CATEGORIES + 1), [], title="t", desc="d"), "too many categories"),
    (lambda: charts.day_bars(["a", "b"], [("s", [1])], title="t", desc="d"), "has 1 values for 2 days"),
    (lambda: charts.day_bars(["a"], [("s", [float("nan")])], title="t", desc="d"), "not a finite"),
    (lambda: charts.day_bars(["a"], [("s", [-1])], title="t", desc="d"), "not a finite"),
])
def test_bounds_are_refused_with_a_clear_message(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(charts.ChartInputError, match=message):
        call()


def test_fold_top_keeps_the_largest_and_sums_the_rest_as_other() -> None:
    series = [("a", [1, 1]), ("b", [5, 0]), ("c", [0, 3]), ("d", [2, 2])]
    assert charts.fold_top(series, 2, "khác") == [("b", [5.0, 0.0]), ("d", [2.0, 2.0]), ("khác", [1.0, 4.0])]
    assert charts.fold_top(series[:2], 2, "khác") == [("b", [5.0, 0.0]), ("a", [1.0, 1.0])]  # no rest: no "khác"


def test_long_labels_are_cut_in_the_legend() -> None:
    long = "Cổng thông tin điện tử của một cơ quan có tên rất dài ở tỉnh Nghệ An"
    text = _texts(charts.day_bars(["01/11"], [(long, [3]), ("b", [1])], title="t", desc="d"))
    assert long not in text and long[: charts.MAX_LABEL_CHARS - 1] + "…" in text


def test_palette_has_contrast_on_white() -> None:
    assert all(_contrast(c) >= 3 for c in (*PALETTE, GREY))
    assert len(set(PALETTE)) == len(PALETTE) >= charts.MAX_SERIES - 1


def test_more_coloured_series_than_colours_are_refused() -> None:
    series = [(str(i), [1]) for i in range(charts.MAX_SERIES)]
    with pytest.raises(charts.ChartInputError, match="too many coloured series"):
        charts.day_bars(["a"], series, title="t", desc="d")
    ET.fromstring(charts.day_bars(["a"], series, title="t", desc="d", grey=["7"]))


def test_a_chart_without_heading_keeps_its_accessible_title() -> None:
    svg = charts.day_bars(DAYS, SERIES, title="Số bài theo chủ đề", desc="d", heading=False)
    root = ET.fromstring(svg)
    assert root.find(f"{NS}title").text == "Số bài theo chủ đề"  # type: ignore[union-attr]
    assert _texts(svg).count("Số bài theo chủ đề") == 1  # only in <title>, not drawn


def test_png_output_is_a_deterministic_png_of_the_asked_size() -> None:
    import struct

    a = charts.hbars(["kinh tế – đầu tư", "du lịch"], [("Ngày 20/11", [3, 1]), ("Trung bình", [1.5, 0.2])],
                     title="Số bài", desc="d", fmt="png", figsize=(6.4, 2.4))
    assert a[:8] == b"\x89PNG\r\n\x1a\n" and a[12:16] == b"IHDR"
    assert struct.unpack(">II", a[16:24]) == (960, 360)  # 6.4 x 2.4 in at 150 dpi
    assert a == charts.hbars(["kinh tế – đầu tư", "du lịch"], [("Ngày 20/11", [3, 1]), ("Trung bình", [1.5, 0.2])],
                             title="Số bài", desc="d", fmt="png", figsize=(6.4, 2.4))
    assert charts.day_bars(DAYS, SERIES, title="Tin", desc="d", fmt="png")[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="unknown chart format"):
        charts.day_bars(DAYS, SERIES, title="Tin", desc="d", fmt="gif")
