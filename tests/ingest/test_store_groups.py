"""Pages stored in groups (CrawlCore.store_many, ingest.storegroups): one transaction, and one bad page never
takes the others with it. Real SQLite and PostgreSQL; the stored rows are read back."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from bantin.extract.workers import Extractor
from bantin.ingest.core import CrawlCore, Fetched
from bantin.ingest.store import IngestResult
from bantin.search.match import matching_ids
from bantin.store.schema import Article, FetchLog, FrontierItem
from tests import pagefactory as pf
from tests.ingest.test_pipeline import T0, _feed

TEXT = ("Sáng nay, tỉnh Nghệ An khởi công cầu {n} bắc qua sông Lam, nối hai huyện Hưng Nguyên và Nam Đàn. "
        "Công trình dài 1,2 km, tổng vốn đầu tư hơn {n}00 tỷ đồng, dự kiến hoàn thành sau hai năm thi công. ") * 3


def _pages(core: CrawlCore, n: int) -> list[tuple[Any, Fetched, Any]]:
    tasks = _feed(core, [(f"Khởi công cầu số {i}", f"http://news.example.test/cau-{i}.html", T0) for i in range(n)])
    out = []
    for i, task in enumerate(tasks):
        body = pf.page(f"Khởi công cầu số {i}", TEXT.format(n=i + 1), task.url, T0)
        res = Fetched(task.url, task.url, 200, {"content-type": "text/html; charset=utf-8"}, body)
        ex = asyncio.run(Extractor(0).extract(body, task.url, res.headers["content-type"], core.feed_hint(task),
                                              core.stats))
        out.append((task, res, ex))
    return out


@dataclass
class _Broken:
    """An extraction result whose every field but the text fails to read: a bug on one page."""

    text: str
    language: str = "vi"

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"broken page: {name}")


def _stored_texts(core: CrawlCore) -> dict[str, str]:
    with core.sessions() as s:
        return {u: t for u, t in s.execute(select(Article.canonical_url, Article.text))}


def test_a_group_of_pages_is_stored_whole_with_each_text_and_fetch_record(core: CrawlCore) -> None:
    items = _pages(core, 4)
    results = core.store_many(items)
    assert [type(r) for r in results] == [IngestResult] * 4 and {r.outcome for r in results} == {"new"}
    texts = _stored_texts(core)
    for i in range(4):  # what a reader gets: the page's own text under its own URL
        assert f"khởi công cầu {i + 1} bắc qua sông Lam" in texts[f"http://news.example.test/cau-{i}.html"]
    with core.sessions() as s:
        assert sorted(s.scalars(select(FetchLog.outcome).where(FetchLog.kind == "article"))) == ["ok"] * 4
        assert set(s.scalars(select(FrontierItem.state))) == {"done"}
    assert core.stats.get_value("ingest/group_split") is None
    with core.sessions() as s:  # the group's search documents went in as one statement: each one is found
        ids = [r.article_id for r in results]  # type: ignore[union-attr]
        assert matching_ids(s, "von 300 ty", ids) == {ids[2]}
        assert matching_ids(s, "khởi công cầu", ids) == set(ids)


def test_one_bad_page_gets_its_error_and_the_others_are_stored(core: CrawlCore) -> None:
    items = _pages(core, 3)
    task, res, ex = items[1]
    items[1] = (task, res, _Broken(text=ex.text))
    results = core.store_many(items)
    assert isinstance(results[1], RuntimeError) and "broken page" in str(results[1])
    assert isinstance(results[0], IngestResult) and isinstance(results[2], IngestResult)
    assert sorted(_stored_texts(core)) == ["http://news.example.test/cau-0.html", "http://news.example.test/cau-2.html"]
    with core.sessions() as s:  # the bad page is still due: nothing of it was committed with the others
        assert s.scalar(select(FrontierItem.state).where(FrontierItem.url == task.url)) == "pending"
    assert core.stats.get_value("ingest/group_split") == 1


def test_a_page_seen_twice_in_one_group_is_stored_once(core: CrawlCore) -> None:
    items = _pages(core, 2)
    task, res, ex = items[0]
    copy = (replace(task, url="http://news.example.test/cau-0.html?utm_source=rss"), res, ex)
    results = core.store_many([*items, copy])
    assert [r.outcome for r in results] == ["new", "new", "dup_url"]  # type: ignore[union-attr]
    assert results[2].article_id == results[0].article_id  # type: ignore[union-attr]
    assert len(_stored_texts(core)) == 2
