"""Which stories enter the queue, and how copies, re-classification and merged clusters update them."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select, update

from bantin.app.context import AppContext
from bantin.queue.actions import StoryChange, add_note, apply_change
from bantin.queue.admission import admit
from bantin.store.office import QueueRule, ResponseTime, SavedSearch, Story, StoryEvent, StoryNote, User
from bantin.store.schema import Article, Cluster
from tests.queue.newsroom import (
    BRIDGE,
    FIRE,
    FLOOD,
    INDUSTRY,
    RATES,
    T0,
    Newsroom,
    other_province_classifier,
    syndicated,
)


def _stories(app: AppContext) -> list[Story]:
    with app.sessions() as s:
        return list(s.scalars(select(Story).order_by(Story.id)))


def _events(app: AppContext, story_id: int) -> list[tuple[str, str, dict]]:
    with app.sessions() as s:
        rows = s.execute(select(StoryEvent.action, StoryEvent.actor, StoryEvent.detail)
                         .where(StoryEvent.story_id == story_id).order_by(StoryEvent.id)).all()
    return [(a, who, json.loads(d or "{}")) for a, who, d in rows]


def test_a_province_story_enters_once_and_other_news_does_not(app: AppContext, news: Newsroom) -> None:
    bridge = news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.publish("Báo Thử", "lai-suat", "Điều chỉnh lãi suất điều hành", RATES)
    news.publish("Báo Thử", "vsip", "VSIP được cấp phép 5 khu công nghiệp", INDUSTRY)  # a mention: no rule
    assert news.classify() == 3
    [story] = _stories(app)
    assert (story.title, story.state, story.entered_by, story.relevance) == (
        "Nghệ An khánh thành cầu Hưng Đức", "new", "relevance:primary", "primary")
    assert story.origin_article_id == bridge and story.copies == 1
    assert json.loads(story.outlets) == ["Báo Thử"] and json.loads(story.languages) == ["vi"]
    assert story.topic == "infrastructure" and json.loads(story.topics or "{}")["infrastructure"] > 0
    assert story.first_published_at == story.latest_published_at == T0
    assert story.due_at == story.created_at + timedelta(hours=72)  # normal priority, the default 72 h
    assert [(a, who) for a, who, _ in _events(app, story.id)] == [("created", "system")]
    # running admission again over the same articles changes nothing
    with app.sessions() as s:
        admit(s, list(s.scalars(select(Article.id))))
        s.commit()
    again = _stories(app)
    assert [(x.id, x.updated_at, x.version) for x in again] == [(story.id, story.updated_at, story.version)]
    assert len(_events(app, story.id)) == 1


def test_a_syndicated_copy_joins_the_story_instead_of_adding_one(app: AppContext, news: Newsroom) -> None:
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.classify()
    copy = news.publish("Foreign Daily", "bridge", "Cầu mới ở miền Trung", syndicated(BRIDGE), T0 + timedelta(hours=3))
    news.classify()
    [story] = _stories(app)
    assert story.copies == 2 and story.foreign_outlets == 1
    assert json.loads(story.outlets) == ["Báo Thử", "Foreign Daily"]
    assert (story.first_published_at, story.latest_published_at) == (T0, T0 + timedelta(hours=3))
    assert story.title == "Nghệ An khánh thành cầu Hưng Đức"  # the origin's title, not the copy's
    joined = [(who, d) for a, who, d in _events(app, story.id) if a == "copy"]
    assert joined == [("system", {"article_id": copy, "outlet": "Foreign Daily", "language": "vi",
                                  "published_at": (T0 + timedelta(hours=3)).isoformat()})]


def test_a_rule_admits_a_mention_with_its_priority(app: AppContext, news: Newsroom) -> None:
    with app.sessions() as s:
        s.add(ResponseTime(priority="high", hours=10))
        s.add(QueueRule(name="khu công nghiệp", relevance='["mention"]', topics="[]", priority="high",
                        created_by="user:admin"))
        s.add(QueueRule(name="chỉ báo nước ngoài", relevance='["mention"]', languages='["en"]', priority="urgent",
                        created_by="user:admin"))
        s.commit()
    news.publish("Báo Thử", "vsip", "VSIP được cấp phép 5 khu công nghiệp", INDUSTRY)
    news.publish("Báo Thử", "lai-suat", "Điều chỉnh lãi suất điều hành", RATES)
    news.classify()
    [story] = _stories(app)
    assert (story.entered_by, story.relevance, story.priority) == ("rule:khu công nghiệp", "mention", "high")
    assert story.due_at == story.created_at + timedelta(hours=10)  # the table overrides the default 24 h


def test_a_rule_on_a_saved_search_needs_the_searchs_filters_to_match(app: AppContext, news: Newsroom) -> None:
    with app.sessions() as s:
        user = User(name="an", role="analyst")
        s.add(user)
        s.flush()
        sports = SavedSearch(user_id=user.id, name="thể thao", filters=json.dumps({"topic": "sports"}))
        s.add(sports)
        s.flush()
        s.add(QueueRule(name="thể thao nhắc tỉnh", saved_search_id=sports.id, created_by="user:admin"))
        s.commit()
    news.publish("Báo Thử", "vsip", "VSIP được cấp phép 5 khu công nghiệp", INDUSTRY)
    news.classify()
    assert _stories(app) == []  # a mention, but not about sports
    with app.sessions() as s:
        s.execute(update(SavedSearch).values(filters=json.dumps({"topics": ["economy", "infrastructure"]})))
        # nothing is left to classify: run admission as the next classification batch would
        admit(s, list(s.scalars(select(Article.id))))
        s.commit()
    [story] = _stories(app)
    assert story.entered_by == "rule:thể thao nhắc tỉnh"


def test_a_rule_on_a_saved_search_needs_its_words_in_the_same_copy(app: AppContext, news: Newsroom) -> None:
    """The saved search's full-text query counts as it does in the search box: without diacritics, "khu cong
    nghiep" finds "khu công nghiệp"; a search whose words the story lacks admits nothing."""
    with app.sessions() as s:
        user = User(name="an", role="analyst")
        s.add(user)
        s.flush()
        kcn = SavedSearch(user_id=user.id, name="khu công nghiệp", query='"khu cong nghiep" -"bất động sản"',
                          filters=json.dumps({"relevance": "mention"}))
        port = SavedSearch(user_id=user.id, name="cao tốc", query="cao toc", filters="{}")
        s.add_all([kcn, port])
        s.flush()
        s.add(QueueRule(name="cao tốc", saved_search_id=port.id, created_by="user:admin"))
        s.commit()
    news.publish("Báo Thử", "vsip", "VSIP được cấp phép 5 khu công nghiệp", INDUSTRY)
    news.classify()
    assert _stories(app) == []  # a mention, but the port search's words are not in it
    with app.sessions() as s:
        s.add(QueueRule(name="khu công nghiệp nhắc tỉnh", saved_search_id=kcn.id, created_by="user:admin"))
        admit(s, list(s.scalars(select(Article.id))))
        s.commit()
    [story] = _stories(app)
    assert story.entered_by == "rule:khu công nghiệp nhắc tỉnh"


def test_a_worked_story_survives_reclassification_and_a_new_one_stays(app: AppContext, news: Newsroom) -> None:
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.publish("Báo Khác", "lu", "Lũ quét cuốn trôi nhà ở xã Mường Típ", FLOOD)
    news.classify()
    worked, fresh = _stories(app)
    with app.sessions() as s:
        apply_change(s, worked.id, StoryChange(version=1, state="triaged"), "user:reviewer")
        s.commit()
    # a re-classification that no longer finds the province (the same models for another province)
    assert news.classify(other_province_classifier()) == 2
    after = {x.id: x for x in _stories(app)}
    assert set(after) == {worked.id, fresh.id}  # nothing removed
    assert (after[worked.id].state, after[worked.id].version) == ("triaged", 2)
    assert after[fresh.id].state == "new"
    assert after[worked.id].relevance == after[fresh.id].relevance == "none"  # the summary says what changed


def test_a_reclassification_can_add_a_story(app: AppContext, news: Newsroom) -> None:
    news.publish("Báo Khác", "chay", "Cháy lớn ở phường Thành Sen", FIRE)
    news.classify()
    assert _stories(app) == []
    news.classify(other_province_classifier())  # now the fire is primary
    [story] = _stories(app)
    assert (story.title, story.entered_by, story.state) == ("Cháy lớn ở phường Thành Sen", "relevance:primary", "new")


def test_stories_of_merged_clusters_become_one_keeping_the_worked_state(app: AppContext, news: Newsroom) -> None:
    bridge = news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    flood = news.publish("Báo Khác", "lu", "Lũ quét cuốn trôi nhà ở xã Mường Típ", FLOOD)
    news.classify()
    first, second = _stories(app)
    with app.sessions() as s:
        owner = User(name="minh", role="reviewer")
        s.add(owner)
        s.flush()
        apply_change(s, second.id, StoryChange(version=1, owner_id=owner.id), "user:minh")
        add_note(s, second.id, "Đã liên hệ toà soạn", owner.id, "user:minh")
        # what ingest does when a new copy links both clusters: articles move, the other cluster empties
        target, gone = first.cluster_id, second.cluster_id
        s.execute(update(Article).where(Article.cluster_id == gone).values(cluster_id=target))
        s.execute(update(Cluster).where(Cluster.id == gone).values(size=0, origin_article_id=None))
        s.execute(update(Cluster).where(Cluster.id == target).values(size=2))
        admit(s, [bridge, flood])
        s.commit()
    [story] = _stories(app)
    assert (story.id, story.state, story.cluster_id, story.copies) == (second.id, "assigned", first.cluster_id, 2)
    events = _events(app, story.id)
    assert [a for a, _, _ in events].count("created") == 2  # both histories kept
    merged = [d for a, _, d in events if a == "merged"]
    assert merged and merged[0]["merged_story"] == first.id
    assert not [a for a, _, _ in events if a == "copy"]  # the other story's copy was already known
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(StoryNote).where(StoryNote.story_id == story.id)) == 1
