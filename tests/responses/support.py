"""Test helpers: stories and stored articles made directly (the queue is another package), real pages."""

from __future__ import annotations

import hashlib
from typing import Any

from bantin.extract.article import extract_article
from bantin.fetch.oneoff import FetchResult
from bantin.store.office import Story
from bantin.store.schema import Article
from tests import pagefactory as pf

# No retries (a dead server fails at once) and loopback-bound sockets: no test reaches a real network.
GUARD = {"DOWNLOAD_BIND_ADDRESS": "127.0.0.1", "BANTIN_RETRY_MAX": 0}
NEW_SENTENCE = "Sở Thông tin và Truyền thông tỉnh Nghệ An đã đề nghị báo đính chính số liệu trong bài"
HTML = "text/html; charset=utf-8"


def article_page(i: int, url: str, replace: tuple[str, str] | None = None) -> tuple[bytes, list[str]]:
    """A real Vietnamese article page (VNTC text, tests.pagefactory) and its sentences (paragraphs)."""
    text = pf.texts(i + 1)[i]
    if replace:
        text = text.replace(*replace)
    return pf.page(f"Tin số {i}", text, url), [p for p in text.split(". ") if p]


def store_article(ctx: Any, url: str, body: bytes) -> int:
    """An article row as the crawl stores it: the text is bantin's extraction of the page."""
    text = extract_article(body, url).text
    assert text
    with ctx.sessions() as s:
        row = Article(canonical_url=url, text=text, title="Tin", language="vi",
                      content_hash=hashlib.sha256(text.encode()).hexdigest())
        s.add(row)
        s.commit()
        return row.id


def make_story(ctx: Any, article_id: int | None = None, state: str = "new") -> int:
    with ctx.sessions() as s:
        story = Story(title="Tin về tỉnh", origin_article_id=article_id, state=state, entered_by="relevance:primary")
        s.add(story)
        s.commit()
        return story.id


def fake_fetch(pages: dict[str, tuple[int, bytes]]) -> Any:
    """A fetcher answering from a dict (url → status, body): for schedule tests that need no network."""
    def fetch(urls: list[str]) -> dict[str, FetchResult]:
        return {u: FetchResult(u, u, pages[u][0], {"content-type": HTML}, pages[u][1], None, 0.0) for u in urls}
    return fetch
