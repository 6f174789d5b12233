"""What the digest of a day says: the top stories by outlets with their origin's first sentences, the
foreign coverage, the queue's numbers as the database has them, the coverage against the month before."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import distinct, func, select

from bantin.digest import build_digest
from bantin.queue.listing import overdue_clause
from bantin.reports.days import day_range
from bantin.store.office import OPEN_STATES, Story, StoryEvent
from bantin.store.schema import Article
from tests.digest.conftest import BRIDGE_TITLE, DAY, FLOOD_TITLE, NOW, PUBLIC_URL, Newsday
from tests.queue.newsroom import BRIDGE, FLOOD


def _digest(newsday: Newsday, topics: set[str] | None = None, day=DAY):  # type: ignore[no-untyped-def]
    with newsday.app.sessions() as s:
        return build_digest(s, day, topics, newsday.settings, NOW)


def test_top_stories_are_ordered_by_outlets_with_origin_and_foreign_outlets(newsday: Newsday) -> None:
    d = _digest(newsday)
    assert [(s.title, s.outlets) for s in d.stories] == [(BRIDGE_TITLE, 3), (FLOOD_TITLE, 2)]
    bridge, flood = d.stories
    assert (bridge.origin_outlet, bridge.foreign_outlets) == ("Báo Thử", ("Foreign Daily",))
    assert (flood.origin_outlet, flood.foreign_outlets) == ("Báo Khác", ())
    assert bridge.url == f"{PUBLIC_URL}/stories/{newsday.bridge}"  # no double slash from the configured "/"
    assert (bridge.topic, flood.state) == ("hạ tầng – giao thông", "đã phản hồi")


def test_lead_is_the_first_sentences_of_the_origin(newsday: Newsday) -> None:
    bridge, flood = _digest(newsday).stories
    first = [s.strip() + "." for s in BRIDGE.split(". ")]
    assert list(bridge.lead) == first[:3]  # two short sentences: the third joins them
    assert list(flood.lead) == [s.strip() + "." for s in FLOOD.split(". ")][:3]
    assert BRIDGE_TITLE not in bridge.lead  # the page's heading repeated in the stored text is no sentence


def test_foreign_section_names_the_foreign_outlet(newsday: Newsday) -> None:
    d = _digest(newsday)
    assert [(f.title, f.outlet, f.country, f.story_id) for f in d.foreign] == [
        ("Cầu mới ở miền Trung", "Foreign Daily", "US", newsday.bridge)]
    assert d.foreign[0].url == f"{PUBLIC_URL}/stories/{newsday.bridge}"


def test_queue_numbers_match_the_database(newsday: Newsday) -> None:
    q = _digest(newsday).queue
    start, end = day_range(DAY, DAY)
    with newsday.app.sessions() as s:
        open_ = s.scalar(select(func.count()).select_from(Story).where(Story.state.in_(OPEN_STATES)))
        overdue = s.scalar(select(func.count()).select_from(Story).where(overdue_clause(NOW)))
        responded = s.scalar(select(func.count(distinct(StoryEvent.story_id))).where(
            StoryEvent.to_state == "responded", StoryEvent.at >= start, StoryEvent.at < end))
    assert (q.open, q.overdue, q.responded) == (open_, overdue, responded) == (1, 1, 1)
    assert _digest(newsday, day=DAY + timedelta(days=1)).queue.responded == 0  # answered on the 20th only


def test_coverage_is_the_day_against_the_30_days_before(newsday: Newsday) -> None:
    d = _digest(newsday)
    rows = {r.key: r for r in d.coverage}
    # 3 infrastructure articles 5 days before, 6 environment ones 12 days before, 1 more 31 days before (out),
    # 1 sports article 20 days before
    assert (rows["infrastructure"].average, rows["environment"].average) == (0.1, 0.2)
    assert rows["infrastructure"].name == "hạ tầng – giao thông"
    start, end = day_range(DAY, DAY)
    with newsday.app.sessions() as s:
        published = s.scalar(select(func.count()).select_from(Article).where(
            Article.published_at >= start, Article.published_at < end))
    assert 0 < d.total_today == sum(r.today for r in d.coverage) <= published  # province-relevant ones only
    assert d.total_average == 0.33  # every topic, also the one too small to list
    assert "sports" not in rows
    assert [r.today for r in d.coverage] == sorted((r.today for r in d.coverage), reverse=True)


def test_topics_limit_stories_coverage_and_foreign_coverage(newsday: Newsday) -> None:
    d = _digest(newsday, {"environment"})
    assert [s.title for s in d.stories] == [FLOOD_TITLE]
    assert {r.key for r in d.coverage} == {"environment"} and d.foreign == ()
    assert d.topics == ("môi trường – thiên tai",)
    assert d.queue == _digest(newsday).queue  # the office's queue, whatever the reader's topics


def test_a_day_without_news_is_an_empty_digest(newsday: Newsday) -> None:
    d = _digest(newsday, day=DAY - timedelta(days=100))
    assert (d.stories, d.foreign, d.total_today) == ((), (), 0)


def test_an_article_in_a_foreign_language_from_a_domestic_outlet_is_foreign_coverage(newsday: Newsday) -> None:
    from datetime import UTC, datetime

    from bantin.store.schema import Source
    from tests.reports.seed import article

    with newsday.app.sessions() as s:
        domestic = s.scalar(select(Source.id).where(Source.name == "Báo Khác"))
        article(s, 950, datetime(2026, 11, 20, 9, 0, tzinfo=UTC), source_id=domestic, language="en",
                topic="tourism", title="Nghe An opens a new bridge over the Lam river")
        article(s, 951, datetime(2026, 11, 20, 9, 0, tzinfo=UTC), source_id=domestic, language="en",
                relevance="none", title="Hanoi traffic")  # not about the province
        s.commit()
    foreign = {f.title: f for f in _digest(newsday).foreign}
    assert set(foreign) == {"Cầu mới ở miền Trung", "Nghe An opens a new bridge over the Lam river"}
    english = foreign["Nghe An opens a new bridge over the Lam river"]
    assert (english.outlet, english.country, english.language, english.story_id) == ("Báo Khác", "VN", "tiếng Anh", None)
    assert english.url == "https://news.example.test/bai-950.html"  # not in the queue: the article itself
