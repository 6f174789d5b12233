"""Alert rules against the database, on SQLite and PostgreSQL, delivered to a real SMTP server on loopback:
a new primary story fires one alert and one email per subscriber of the rule (and nothing on a second run), a
foreign copy fires the foreign rule, topics narrow a rule, a burst of articles fires a volume alert with the
detector's why, a dead feed fires once."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bantin.alerts.evaluate import evaluate_rules
from bantin.alerts.rules import add_rule
from bantin.delivery.sender import deliver_due
from bantin.delivery.subscriptions import add_subscription
from bantin.delivery.webhooks import add_endpoint
from bantin.sources.schedule import DEAD_AFTER_FAILURES, on_failure
from bantin.store.alerting import AlertEvent
from bantin.store.delivery import OutboxMessage
from bantin.store.office import SavedSearch, Story, User
from bantin.store.schema import Article, AuditEvent, Classification, Feed, Source
from tests.delivery.conftest import PUBLIC_URL, ScriptedHandler
from tests.queue.newsroom import BRIDGE, FLOOD, RATES, T0, Newsroom, syndicated

Smtp = tuple[ScriptedHandler, Any]


def rule(ctx: Any, name: str, kind: str, topics: tuple[str, ...] = (), cooldown: int = 180) -> None:
    with ctx.sessions() as s:
        add_rule(s, name, kind, topics=topics, cooldown_minutes=cooldown, created_by="test")
        s.commit()


def follow(ctx: Any, email: str, *rules: str) -> None:
    with ctx.sessions() as s:
        add_subscription(s, email, rules=rules, created_by="test")
        s.commit()


def primary_stories(ctx: Any) -> list[Any]:
    with ctx.sessions() as s:
        return list(s.scalars(select(Story).where(Story.relevance == "primary").order_by(Story.id)))


def outbox(ctx: Any) -> list[Any]:
    with ctx.sessions() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def rule_on_search(s: Any, name: str, kind: str, search: str, *, query: str | None = None,
                   filters: dict[str, Any] | None = None) -> None:
    """An alert rule ``name`` narrowed by an analyst's saved search (in the caller's transaction)."""
    user = User(name="analyst", role="analyst")
    s.add(user)
    s.flush()
    saved = SavedSearch(user_id=user.id, name=search, query=query, filters=json.dumps(filters or {}))
    s.add(saved)
    s.flush()
    add_rule(s, name, kind, saved_search_id=saved.id, created_by="test")


def bridge_and_flood(ctx: Any) -> tuple[Any, Any]:
    """Two primary stories from two outlets: the bridge (Báo Thử), an hour later the flood (Báo Khác)."""
    news = Newsroom(ctx)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.publish("Báo Khác", "lu", "Lũ quét cuốn trôi nhà ở xã Mường Típ", FLOOD, T0 + timedelta(hours=1))
    news.classify()
    stories = primary_stories(ctx)
    return (next(st for st in stories if "cầu" in (st.title or "")),
            next(st for st in stories if "Lũ" in (st.title or "")))


def test_a_new_primary_story_fires_one_alert_and_one_email_per_subscriber_once(ctx: Any, smtp: Smtp) -> None:
    handler, _ = smtp
    rule(ctx, "Tin tỉnh", "new_primary_story")
    follow(ctx, "giam.doc@example.gov.vn", "Tin tỉnh")
    follow(ctx, "van.phong@example.gov.vn", "Tin tỉnh", "Khác")
    follow(ctx, "khong.theo@example.gov.vn", "Khác")
    with ctx.sessions() as s:
        add_endpoint(s, "chat", "http://127.0.0.1:9/hook", "test")
        s.commit()
    news = Newsroom(ctx)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.publish("Báo Thử", "lai-suat", "Điều chỉnh lãi suất điều hành", RATES)
    news.classify()
    [story] = primary_stories(ctx)

    fired = evaluate_rules(ctx)
    assert [(f.rule, f.story_ids, f.emails, f.webhooks) for f in fired] == [("Tin tỉnh", (story.id,), 2, 1)]
    deliver_due(ctx)
    assert len(handler.to("giam.doc@example.gov.vn")) == 1 and len(handler.to("van.phong@example.gov.vn")) == 1
    assert handler.to("khong.theo@example.gov.vn") == []
    msg = handler.to("giam.doc@example.gov.vn")[0].message
    assert str(msg["Subject"]).startswith("Cảnh báo: Tin mới nói chủ yếu về tỉnh")
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    link = f"{PUBLIC_URL}/stories/{story.id}"
    assert "Lý do: Tin mới nói chủ yếu về tỉnh: «Nghệ An khánh thành cầu Hưng Đức»" in text and link in text
    assert f'href="{link}"' in html and "khánh thành cầu Hưng Đức" in html
    [hook] = [r for r in outbox(ctx) if r.kind == "webhook"]
    payload = json.loads(hook.body)
    assert payload["rule"] == "Tin tỉnh" and payload["links"] == [link] and payload["why"] == fired[0].why

    assert evaluate_rules(ctx) == []  # running twice fires nothing new...
    deliver_due(ctx)
    assert len(handler.messages) == 2 and len(outbox(ctx)) == 3  # ...and sends nothing new
    with ctx.sessions() as s:
        [alert] = s.scalars(select(AlertEvent))
        [audited] = s.scalars(select(AuditEvent).where(AuditEvent.action == "alerts.fire"))
    assert audited.target == f"alert:{alert.id}" and json.loads(audited.detail or "{}")["emails"] == 2


def test_a_foreign_copy_fires_the_foreign_rule(ctx: Any, smtp: Smtp) -> None:
    handler, _ = smtp
    rule(ctx, "Báo nước ngoài", "foreign_coverage")
    follow(ctx, "doi.ngoai@example.gov.vn", "Báo nước ngoài")
    news = Newsroom(ctx)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.classify()
    assert evaluate_rules(ctx) == []  # only Vietnamese outlets so far
    news.publish("Foreign Daily", "bridge", "Cầu mới ở miền Trung", syndicated(BRIDGE), T0 + timedelta(hours=3))
    news.classify()
    [story] = primary_stories(ctx)
    [fired] = evaluate_rules(ctx)
    assert fired.story_ids == (story.id,) and "Báo nước ngoài đưa tin (Foreign Daily)" in fired.why
    deliver_due(ctx)
    [got] = handler.to("doi.ngoai@example.gov.vn")
    assert f"{PUBLIC_URL}/stories/{story.id}" in got.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert evaluate_rules(ctx) == []


def test_an_officers_change_to_an_old_foreign_story_fires_nothing(ctx: Any, smtp: Smtp) -> None:
    """The foreign copy arrived two days ago; a new rule's first run (24 h back) does not alert on it, even
    though an officer triaged the story a minute ago."""
    from sqlalchemy import update

    news = Newsroom(ctx)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.publish("Foreign Daily", "bridge", "Cầu mới ở miền Trung", syndicated(BRIDGE), T0 + timedelta(hours=3))
    news.classify()
    with ctx.sessions() as s:
        s.execute(update(Article).values(fetched_at=datetime.now(UTC) - timedelta(days=2)))
        s.execute(update(Story).values(state="triaged", updated_at=datetime.now(UTC)))
        s.commit()
    rule(ctx, "Báo nước ngoài", "foreign_coverage")
    assert evaluate_rules(ctx) == []


def test_topics_narrow_a_rule(ctx: Any, smtp: Smtp) -> None:
    news = Newsroom(ctx)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.publish("Báo Khác", "lu", "Lũ quét cuốn trôi nhà ở xã Mường Típ", FLOOD, T0 + timedelta(hours=1))
    news.classify()
    stories = primary_stories(ctx)
    assert len({st.topic for st in stories}) == 2, [st.topic for st in stories]
    bridge = next(st for st in stories if "cầu" in (st.title or ""))
    rule(ctx, "Chỉ một chủ đề", "new_primary_story", topics=(bridge.topic,))
    rule(ctx, "Mọi chủ đề", "new_primary_story")
    fired = evaluate_rules(ctx)
    assert sorted(f.story_ids for f in fired if f.rule == "Chỉ một chủ đề") == [(bridge.id,)]
    assert sorted(f.story_ids for f in fired if f.rule == "Mọi chủ đề") == sorted((st.id,) for st in stories)



def test_a_saved_search_narrows_a_story_rule(ctx: Any, smtp: Smtp) -> None:
    _, flood = bridge_and_flood(ctx)
    with ctx.sessions() as s:
        other = s.scalars(select(Source.id).where(Source.name == "Báo Khác")).one()
        rule_on_search(s, "Chỉ Báo Khác", "new_primary_story", "Báo Khác", filters={"source_id": other})
        s.commit()
    [fired] = evaluate_rules(ctx)
    assert fired.story_ids == (flood.id,)


def test_a_saved_searchs_words_narrow_a_story_rule(ctx: Any, smtp: Smtp) -> None:
    """Typed without diacritics, "cau hung duc" finds the bridge story only; the flood story is not alerted."""
    bridge, _ = bridge_and_flood(ctx)
    with ctx.sessions() as s:
        rule_on_search(s, "Cầu Hưng Đức", "new_primary_story", "cầu", query='"cau hung duc"')
        s.commit()
    [fired] = evaluate_rules(ctx)
    assert fired.story_ids == (bridge.id,) and "Hưng Đức" in fired.why


NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _articles(ctx: Any, times: list[datetime], tag: str, title: str = "Bài") -> None:
    from bantin.search.index import index_articles

    with ctx.sessions() as s:
        for i, when in enumerate(times):
            a = Article(canonical_url=f"http://spike.example.test/{tag}/{i}", title=f"{title} {tag} {i}", text="x",
                        published_at=when, language="vi", content_hash=hashlib.sha256(f"{tag}-{i}".encode()).hexdigest())
            s.add(a)
            s.flush()
            index_articles(s, [a])
            s.add(Classification(article_id=a.id, topics="{}", top_topic="economy", relevance="primary",
                                 relevance_score=1.0, province="Nghệ An", places="[]", language="vi"))
        s.commit()


def test_a_burst_of_articles_fires_one_volume_alert_with_the_why(ctx: Any, smtp: Smtp) -> None:
    handler, _ = smtp
    rule(ctx, "Đột biến", "volume_spike", cooldown=180)
    follow(ctx, "truc.ban@example.gov.vn", "Đột biến")
    # five weeks of one article every four hours, then 15 in the last 50 minutes
    history = [NOW - timedelta(weeks=5) + timedelta(hours=4 * i, minutes=7) for i in range(5 * 7 * 6)]
    _articles(ctx, [t for t in history if t < NOW - timedelta(hours=2)], "base")
    _articles(ctx, [NOW - timedelta(minutes=50) + timedelta(minutes=3 * i) for i in range(15)], "burst")

    [fired] = evaluate_rules(ctx, NOW)
    assert fired.kind == "volume_spike" and " bài trong " in fired.why and ", thường " in fired.why
    with ctx.sessions() as s:
        [row] = s.scalars(select(AlertEvent))
    assert row.count is not None and row.count >= 8 and row.key.startswith("rule:") and ":spike:" in row.key
    deliver_due(ctx)
    [got] = handler.to("truc.ban@example.gov.vn")
    assert f"Lý do: {fired.why}" in got.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    assert evaluate_rules(ctx, NOW) == []  # the same run again: nothing new
    _articles(ctx, [NOW + timedelta(minutes=i) for i in range(12)], "more")  # the burst goes on
    assert evaluate_rules(ctx, NOW + timedelta(minutes=30)) == []  # within the cool-down: silent


def test_a_volume_rule_on_a_saved_search_counts_only_what_the_search_finds(ctx: Any, smtp: Smtp) -> None:
    """The same burst as above, but of articles about something else: a rule on the search "lu lut" stays
    silent, then fires when the burst is about floods (found without diacritics)."""
    with ctx.sessions() as s:
        rule_on_search(s, "Lũ lụt tăng vọt", "volume_spike", "lũ", query='"lu lut"')
        s.commit()
    history = [NOW - timedelta(weeks=5) + timedelta(hours=4 * i, minutes=7) for i in range(5 * 7 * 6)]
    _articles(ctx, [t for t in history if t < NOW - timedelta(hours=2)], "base", "Lũ lụt ở miền núi")
    _articles(ctx, [NOW - timedelta(minutes=50) + timedelta(minutes=3 * i) for i in range(15)], "burst",
              "Giá xăng tăng")
    assert evaluate_rules(ctx, NOW) == []
    _articles(ctx, [NOW + timedelta(minutes=10 + 3 * i) for i in range(15)], "flood", "Lũ lụt cuốn trôi cầu")
    [fired] = evaluate_rules(ctx, NOW + timedelta(hours=1, minutes=10))
    assert fired.kind == "volume_spike" and " bài trong " in fired.why
    with ctx.sessions() as s:
        [row] = s.scalars(select(AlertEvent))
    assert row.count is not None and 8 <= row.count <= 15 + 2  # the floods, not the fuel prices


def test_a_dead_feed_fires_once(ctx: Any, smtp: Smtp) -> None:
    rule(ctx, "Nguồn tin", "source_quiet")
    Newsroom(ctx)
    with ctx.sessions() as s:
        feed = s.scalars(select(Feed).join(Source).where(Source.name == "Báo Khác")).one()
        start = datetime.now(UTC)  # the feed was just created; it fails for two days
        for i in range(DEAD_AFTER_FAILURES):
            on_failure(feed, start + timedelta(hours=5 * i), "connection refused")
        assert feed.health == "dead"
        s.commit()
    [fired] = evaluate_rules(ctx)
    assert fired.why.startswith("Nguồn Báo Khác không tải được") and "10 lần lỗi liên tiếp" in fired.why
    assert evaluate_rules(ctx) == []


def test_a_source_rule_on_a_saved_search_watches_only_its_outlets(ctx: Any, smtp: Smtp) -> None:
    Newsroom(ctx)
    with ctx.sessions() as s:
        sources = dict(s.execute(select(Source.name, Source.id)).tuples().all())
        rule_on_search(s, "Nguồn Báo Thử", "source_quiet", "Báo Thử", filters={"source_id": sources["Báo Thử"]})
        feed = s.scalars(select(Feed).where(Feed.source_id == sources["Báo Khác"])).one()
        start = datetime.now(UTC)
        for i in range(DEAD_AFTER_FAILURES):
            on_failure(feed, start + timedelta(hours=5 * i), "connection refused")
        s.commit()
    assert evaluate_rules(ctx) == []  # Báo Khác died, but the rule watches Báo Thử only
    with ctx.sessions() as s:
        feed = s.scalars(select(Feed).where(Feed.source_id == sources["Báo Thử"])).one()
        for i in range(DEAD_AFTER_FAILURES):
            on_failure(feed, start + timedelta(hours=5 * i), "connection refused")
        s.commit()
    [fired] = evaluate_rules(ctx)
    assert fired.why.startswith("Nguồn Báo Thử không tải được")


def test_a_quiet_feed_fires_once_and_again_after_it_recovered_and_went_quiet(ctx: Any, smtp: Smtp) -> None:
    from bantin.sources.schedule import QUIET_AFTER, on_success

    rule(ctx, "Nguồn tin", "source_quiet")
    Newsroom(ctx)
    start = datetime.now(UTC)
    with ctx.sessions() as s:
        feed = s.scalars(select(Feed).join(Source).where(Source.name == "Báo Thử")).one()
        on_success(feed, start + QUIET_AFTER + timedelta(hours=1), new_items=0)
        assert feed.health == "quiet"
        s.commit()
    [fired] = evaluate_rules(ctx)
    assert fired.why.startswith("Nguồn Báo Thử không có bài mới từ khi được thêm, lâu hơn 3 ngày")
    assert evaluate_rules(ctx) == []
    with ctx.sessions() as s:
        feed = s.scalars(select(Feed).join(Source).where(Source.name == "Báo Thử")).one()
        on_success(feed, start + timedelta(days=4), new_items=3)  # back
        on_success(feed, start + timedelta(days=8), new_items=0)  # quiet again: a new episode
        assert feed.health == "quiet"
        s.commit()
    [again] = evaluate_rules(ctx)
    assert again.key != fired.key and "không có bài mới từ" in again.why


def test_an_alert_and_its_messages_commit_together_or_not_at_all(ctx: Any, smtp: Smtp, monkeypatch: Any) -> None:
    import bantin.alerts.deliver as deliver

    rule(ctx, "Tin tỉnh", "new_primary_story")
    follow(ctx, "giam.doc@example.gov.vn", "Tin tỉnh")
    news = Newsroom(ctx)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.classify()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the outbox is unavailable")

    monkeypatch.setattr(deliver, "enqueue_alert", broken)
    with pytest.raises(RuntimeError):
        evaluate_rules(ctx)
    with ctx.sessions() as s:
        assert list(s.scalars(select(AlertEvent))) == []
    assert outbox(ctx) == []
    monkeypatch.undo()
    [fired] = evaluate_rules(ctx)  # the next run fires it, with its email
    assert fired.emails == 1 and len(outbox(ctx)) == 1


def test_serve_evaluates_the_rules_every_minute(ctx: Any, smtp: Smtp) -> None:
    from bantin.app.jobs import default_jobs

    rule(ctx, "Tin tỉnh", "new_primary_story")
    news = Newsroom(ctx)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.classify()
    job = next(j for j in default_jobs(ctx) if j.name == "alerts.evaluate")
    assert job.interval_s == 60.0
    [fired] = job.run()
    assert fired.rule == "Tin tỉnh"


def test_alerts_past_retention_are_pruned_and_the_rule_stays(ctx: Any, smtp: Smtp) -> None:
    from sqlalchemy import update

    from bantin.app.retention import run_prune
    from bantin.store.alerting import AlertRule

    rule(ctx, "Nguồn tin", "source_quiet")
    Newsroom(ctx)
    with ctx.sessions() as s:
        feed = s.scalars(select(Feed).join(Source).where(Source.name == "Báo Khác")).one()
        for i in range(DEAD_AFTER_FAILURES):
            on_failure(feed, datetime.now(UTC) + timedelta(hours=5 * i), "connection refused")
        s.commit()
    assert len(evaluate_rules(ctx)) == 1
    with ctx.sessions() as s:
        s.execute(update(AlertEvent).values(fired_at=datetime.now(UTC) - timedelta(days=ctx.settings.retention_days
                                                                                   + 1)))
        s.commit()
    assert run_prune(ctx.settings, ctx.engine).deleted["alerts"] == 1
    with ctx.sessions() as s:
        assert list(s.scalars(select(AlertEvent))) == [] and len(list(s.scalars(select(AlertRule)))) == 1
