"""The one counting helper: counts into any collector, and is a no-op without one."""

from __future__ import annotations

from bantin.app.stats import CounterStats, inc
from bantin.text.charset import decode_html


def test_counts_add_up_and_a_zero_count_leaves_no_counter() -> None:
    stats = CounterStats()
    inc(stats, "feed/parsed")
    inc(stats, "feed/parsed", 2)
    inc(stats, "feed/date_from_updated", False)  # parsers pass "did it happen" as the count
    assert stats.get_stats() == {"feed/parsed": 3}


def test_a_stage_run_without_a_collector_still_works_and_with_one_names_its_decision() -> None:
    body = "<html><head><meta charset='utf-8'></head><body>Nghệ An</body></html>".encode()
    assert decode_html(body, "text/html", None)[0].endswith("Nghệ An</body></html>")
    stats = CounterStats()
    decode_html(body, "text/html", stats)
    assert any(k.startswith("extract/charset_") for k in stats.get_stats())
