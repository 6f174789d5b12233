"""Analysts' labels: validated, kept with who and when, idempotent, exportable as training rows."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.classify import labels
from bantin.classify.labels import LabelError, add_label, export_labelled, remove_label, topic_training_rows
from bantin.store.schema import Article, Label
from tests.classify.test_registry import sessions_for

TOPIC_KEYS = ["giao_duc", "the_thao", "kinh_te", "y_te"]


@pytest.fixture(autouse=True)
def _taxonomy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed keys: these tests are about labels, not about the taxonomy's current contents."""
    monkeypatch.setattr(labels, "topic_keys", lambda: list(TOPIC_KEYS))


def add_articles(s: Session, items: list[tuple[str | None, str]]) -> list[int]:
    """Store articles (title, text); returns their ids in order."""
    arts = [Article(canonical_url=f"https://bao.example/{hashlib.md5(text.encode()).hexdigest()}-{i}", title=title,
                    text=text, content_hash=hashlib.sha256(f"{i}{text}".encode()).hexdigest())
            for i, (title, text) in enumerate(items)]
    s.add_all(arts)
    s.flush()
    return [a.id for a in arts]


def test_topic_label_is_stored_with_who_and_when_and_adding_it_twice_is_a_no_op(db_url: str) -> None:
    sessions = sessions_for(db_url)
    with sessions() as s:
        (aid,) = add_articles(s, [("Khai giảng năm học mới", "Học sinh Nghệ An khai giảng.")])
        first = add_label(s, aid, "topic", "giao_duc", labeller="cli:lan")
        again = add_label(s, aid, "topic", "giao_duc", labeller="cli:lan")
        other = add_label(s, aid, "topic", "giao_duc", labeller="cli:minh")
        s.commit()
        assert (first.created, again.created, other.created) == (True, False, True)
        stored = s.scalars(select(Label).order_by(Label.id)).all()
        assert [(lab.kind, lab.value, lab.labeller) for lab in stored] == [
            ("topic", "giao_duc", "cli:lan"), ("topic", "giao_duc", "cli:minh")]
        assert all(lab.created_at is not None and lab.province is None for lab in stored)


def test_unknown_topic_key_relevance_value_or_article_is_refused(db_url: str) -> None:
    sessions = sessions_for(db_url)
    with sessions() as s:
        (aid,) = add_articles(s, [(None, "Bài viết")])
        with pytest.raises(LabelError, match=r"unknown topic key\) .bieu_tinh.; keys: giao_duc"):
            add_label(s, aid, "topic", "bieu_tinh", labeller="cli:lan")
        with pytest.raises(LabelError, match="primary, mention, none"):
            add_label(s, aid, "relevance", "maybe", labeller="cli:lan", province="Nghệ An")
        with pytest.raises(LabelError, match="no article"):
            add_label(s, aid + 99, "topic", "y_te", labeller="cli:lan")
        assert s.scalars(select(Label)).all() == []


def test_new_relevance_label_replaces_the_labellers_earlier_one_only(db_url: str) -> None:
    sessions = sessions_for(db_url)
    with sessions() as s:
        (aid,) = add_articles(s, [("Cầu mới ở TP Vinh", "Nghệ An khánh thành cầu.")])
        add_label(s, aid, "relevance", "mention", labeller="cli:lan", province="Nghệ An")
        add_label(s, aid, "relevance", "mention", labeller="cli:minh", province="Nghệ An")
        res = add_label(s, aid, "relevance", "primary", labeller="cli:lan", province="Nghệ An")
        s.commit()
        assert res.created and res.replaced == ("mention",)
        got = {(lab.labeller, lab.value, lab.province) for lab in s.scalars(select(Label))}
        assert got == {("cli:lan", "primary", "Nghệ An"), ("cli:minh", "mention", "Nghệ An")}


def test_labelled_articles_export_as_training_rows_one_per_article_and_topic(db_url: str) -> None:
    sessions = sessions_for(db_url)
    with sessions() as s:
        a, b, _c = add_articles(s, [("Trận chung kết", "Bóng đá và kinh tế."), (None, "Bệnh viện mới."),
                                    ("Không nhãn", "Chưa gán nhãn.")])
        add_label(s, a, "topic", "the_thao", labeller="cli:lan")
        add_label(s, a, "topic", "the_thao", labeller="cli:minh")  # same topic, two labellers: one row
        add_label(s, a, "topic", "kinh_te", labeller="cli:minh")
        add_label(s, b, "topic", "y_te", labeller="cli:lan")
        add_label(s, b, "relevance", "none", labeller="cli:lan", province="Nghệ An")
        s.commit()
        assert topic_training_rows(s) == [("Trận chung kết\nBóng đá và kinh tế.", "kinh_te"),
                                          ("Trận chung kết\nBóng đá và kinh tế.", "the_thao"),
                                          ("Bệnh viện mới.", "y_te")]
        buf = io.StringIO()
        assert export_labelled(s, buf, "relevance", "Nghệ An") == 1
        row = json.loads(buf.getvalue())
        assert (row["id"], row["text"], row["label"]) == (b, "Bệnh viện mới.", "none")
        assert row["url"].startswith("https://bao.example/")


def test_labeller_can_remove_their_own_label_only(db_url: str) -> None:
    sessions = sessions_for(db_url)
    with sessions() as s:
        (aid,) = add_articles(s, [(None, "Bài")])
        add_label(s, aid, "topic", "y_te", labeller="cli:lan")
        assert remove_label(s, aid, "topic", "y_te", labeller="cli:minh") == 0
        assert remove_label(s, aid, "topic", "y_te", labeller="cli:lan") == 1
        s.commit()
        assert s.scalars(select(Label)).all() == []
