"""The digest's chart: the day's province coverage by topic against the 30-day average, as a PNG (the
email shows it inline through ``cid:``; the PDF and DOCX embed the same bytes), Vietnamese labels."""

from __future__ import annotations

from bantin import charts
from bantin.digest.model import Digest

# Topic rows one email-width image keeps readable (two bars each); the rest are summed as "khác".
CHART_TOPICS = 7
# Inches at 100 px each: the email's 632 px column, so the chart's 11 pt text shows at its size; a row
# of two bars needs ~0.45 in, and the axis and legend ~1.2 in.
WIDTH_IN = 6.4
ROW_IN = 0.45
MIN_HEIGHT_IN = 2.4
OTHER = "các chủ đề khác"


def chart_labels(digest: Digest) -> tuple[str, str]:
    return f"Ngày {digest.day:%d/%m}", f"Trung bình {digest.baseline_days} ngày trước"


def chart_alt(digest: Digest) -> str:
    """The image's alternative text (what a reader without images, or a screen reader, gets)."""
    parts = [f"{r.name}: {r.today} bài (trung bình {charts.vi_number(r.average)})" for r in digest.coverage[:CHART_TOPICS]]
    head = f"Biểu đồ số bài viết về tỉnh {digest.province} theo chủ đề, ngày {digest.day:%d/%m/%Y}"
    return head + (": " + "; ".join(parts) if parts else ": không có bài nào") + "."


def chart_png(digest: Digest) -> bytes:
    rows = list(digest.coverage[:CHART_TOPICS])
    rest = digest.coverage[CHART_TOPICS:]
    categories = [r.name for r in rows]
    today = [float(r.today) for r in rows]
    average = [r.average for r in rows]
    if rest:
        categories.append(OTHER)
        today.append(float(sum(r.today for r in rest)))
        average.append(round(sum(r.average for r in rest), 2))
    day_label, avg_label = chart_labels(digest)
    return charts.hbars(categories, [(day_label, today), (avg_label, average)],
                        title=f"Số bài viết về tỉnh {digest.province} theo chủ đề", desc=chart_alt(digest),
                        xlabel="số bài", heading=False, fmt="png", empty_text="Không có bài viết nào trong ngày",
                        figsize=(WIDTH_IN, max(MIN_HEIGHT_IN, 1.2 + ROW_IN * len(categories))))
