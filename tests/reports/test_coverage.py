"""Coverage per Vietnamese calendar day (by topic, outlet, language) and domestic against foreign."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bantin.reports import MAX_RANGE_DAYS, RangeError, coverage, domestic_foreign
from tests.reports.seed import article, source


def test_an_article_after_17h_utc_counts_on_the_next_vietnamese_day(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        article(s, 1, datetime(2026, 3, 1, 16, 59, 59, tzinfo=UTC))  # 23:59:59 on 1 March in Vietnam
        article(s, 2, datetime(2026, 3, 1, 17, 0, 0, tzinfo=UTC))  # 00:00 on 2 March in Vietnam
        article(s, 3, datetime(2026, 3, 1, 20, 0, 0, tzinfo=UTC))
        s.commit()
        rows = coverage(s, date(2026, 3, 1), date(2026, 3, 2), by="topic")
    assert rows == [{"day": date(2026, 3, 1), "key": "tourism", "count": 1},
                    {"day": date(2026, 3, 2), "key": "tourism", "count": 2}]


def test_range_bounds_are_vietnamese_midnights(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        article(s, 1, datetime(2026, 2, 28, 16, 59, tzinfo=UTC))  # 28 Feb in Vietnam: outside
        article(s, 2, datetime(2026, 2, 28, 17, 0, tzinfo=UTC))  # 1 March 00:00 in Vietnam: inside
        article(s, 3, datetime(2026, 3, 1, 16, 59, tzinfo=UTC))  # 1 March 23:59: inside
        article(s, 4, datetime(2026, 3, 1, 17, 0, tzinfo=UTC))  # 2 March: outside
        s.commit()
        rows = coverage(s, date(2026, 3, 1), date(2026, 3, 1), by="language")
    assert rows == [{"day": date(2026, 3, 1), "key": "vi", "count": 2}]


def test_only_province_relevant_articles_count_by_default(sessions) -> None:  # type: ignore[no-untyped-def]
    t = datetime(2026, 5, 10, 3, 0, tzinfo=UTC)
    with sessions() as s:
        vne = source(s, "VnExpress", "VN", "vi")
        article(s, 1, t, source_id=vne, relevance="primary", topic="investment")
        article(s, 2, t, source_id=vne, relevance="mention", topic="investment")
        article(s, 3, t, source_id=vne, relevance="none", topic="investment")
        article(s, 4, t, source_id=vne, relevance=None)  # not classified yet
        s.commit()
        province = coverage(s, date(2026, 5, 10), date(2026, 5, 10), by="outlet")
        primary = coverage(s, date(2026, 5, 10), date(2026, 5, 10), by="outlet", relevance="primary")
        everything = coverage(s, date(2026, 5, 10), date(2026, 5, 10), by="topic", relevance="all")
    assert province == [{"day": date(2026, 5, 10), "key": "VnExpress", "count": 2}]
    assert primary == [{"day": date(2026, 5, 10), "key": "VnExpress", "count": 1}]
    assert everything == [{"day": date(2026, 5, 10), "key": "investment", "count": 3},
                          {"day": date(2026, 5, 10), "key": None, "count": 1}]


def test_coverage_by_outlet_and_language_groups_per_day(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        a = source(s, "Báo Nghệ An", "VN", "vi")
        b = source(s, "Reuters", "GB", "en")
        article(s, 1, datetime(2026, 6, 1, 1, tzinfo=UTC), source_id=a)
        article(s, 2, datetime(2026, 6, 1, 2, tzinfo=UTC), source_id=a)
        article(s, 3, datetime(2026, 6, 1, 3, tzinfo=UTC), source_id=b, language="en")
        article(s, 4, datetime(2026, 6, 2, 3, tzinfo=UTC), source_id=b, language="en")
        s.commit()
        outlets = coverage(s, date(2026, 6, 1), date(2026, 6, 2), by="outlet")
        langs = coverage(s, date(2026, 6, 1), date(2026, 6, 2), by="language")
    assert outlets == [{"day": date(2026, 6, 1), "key": "Báo Nghệ An", "count": 2},
                       {"day": date(2026, 6, 1), "key": "Reuters", "count": 1},
                       {"day": date(2026, 6, 2), "key": "Reuters", "count": 1}]
    assert langs == [{"day": date(2026, 6, 1), "key": "en", "count": 1},
                     {"day": date(2026, 6, 1), "key": "vi", "count": 2},
                     {"day": date(2026, 6, 2), "key": "en", "count": 1}]


def test_domestic_and_foreign_follow_country_then_language(sessions) -> None:  # type: ignore[no-untyped-def]
    t = datetime(2026, 7, 1, 16, 30, tzinfo=UTC)  # 23:30 in Vietnam
    with sessions() as s:
        vn = source(s, "Tuổi Trẻ", "VN", "vi")
        vn_en = source(s, "VnExpress International", "VN", "en")
        no_country_vi = source(s, "Cổng thông tin xã", None, "vi")
        bbc_vi = source(s, "BBC Tiếng Việt", "GB", "vi")
        no_country_en = source(s, "Some blog", None, "en")
        for n, src in enumerate([vn, vn_en, no_country_vi, bbc_vi, no_country_en]):
            article(s, n, t, source_id=src)
        article(s, 9, t, source_id=None, language="vi")  # no outlet: the article's language decides
        article(s, 10, datetime(2026, 7, 1, 17, 30, tzinfo=UTC), source_id=bbc_vi)  # 2 July in Vietnam
        s.commit()
        rows = domestic_foreign(s, date(2026, 7, 1), date(2026, 7, 2))
    assert rows == [{"day": date(2026, 7, 1), "domestic": 4, "foreign": 1, "unknown": 1},
                    {"day": date(2026, 7, 2), "domestic": 0, "foreign": 1, "unknown": 0}]


def test_ranges_are_bounded_and_ordered(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        with pytest.raises(RangeError, match="366"):
            coverage(s, date(2025, 1, 1), date(2025, 1, 1).replace(year=2026, month=1, day=2))
        with pytest.raises(RangeError, match="before from"):
            coverage(s, date(2026, 1, 2), date(2026, 1, 1))
        assert coverage(s, date(2024, 1, 1), date(2024, 12, 31)) == []  # a leap year: 366 days is allowed
    assert MAX_RANGE_DAYS == 366
