"""Archive rows (``bantin articles import``): one JSON object per line → a :class:`NewArticle`, or the reason
it is refused. Rows carry ``url``, ``title``, ``summary`` and/or ``text``, ``published`` and ``source`` (a
name). The text goes through what the crawl does to a page: NFC and tone marks (``text.normalize``),
bylines stripped (docs/principles.md, principle 1), language detected.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from bantin.app.stats import StatsLike
from bantin.extract.byline import strip_bylines
from bantin.extract.canonical import canonicalize_url
from bantin.feeds.fields import VIETNAM_TZ, parse_date
from bantin.ingest.store import NewArticle
from bantin.store.schema import URL_MAX
from bantin.text.language import detect_language
from bantin.text.normalize import normalize_vi

# A row is one article: 2 MiB holds a very long article's text with its JSON escapes (\uXXXX) many times.
MAX_LINE_BYTES = 2 * 1024 * 1024
# Characters of article text kept as one article: ~30x a long feature; longer is not an article.
MAX_TEXT_CHARS = 200_000
# A feed summary is a lead paragraph (feeds cap theirs at 4,000); 20,000 leaves room for long leads.
MAX_SUMMARY_CHARS = 20_000
# Titles are a line; 1,000 characters is several.
MAX_TITLE_CHARS = 1_000
# sources.name is String(200).
MAX_SOURCE_CHARS = 200
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Row:
    line: int
    article: NewArticle | None  # None: refused
    source: str | None
    reason: str | None = None  # why it was refused


def open_lines(path: Path) -> tuple[BinaryIO, Iterator[tuple[int, bytes | None]]]:
    """The raw file (its ``tell()`` is the progress) and its lines (None for a line over MAX_LINE_BYTES)."""
    raw = path.open("rb")
    gz = raw.read(2) == GZIP_MAGIC
    raw.seek(0)
    stream: Any = gzip.GzipFile(fileobj=raw) if gz else raw

    def lines() -> Iterator[tuple[int, bytes | None]]:
        n = 0
        while True:
            line = stream.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            n += 1
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass
                yield n, None
                continue
            yield n, line

    return raw, lines()


def _text(obj: dict[str, Any], key: str) -> str | None:
    v = obj.get(key)
    if v is None:
        return None
    if not isinstance(v, str):
        raise _Refused(f"bad_{key}")
    v = normalize_vi(v)
    return v or None


class _Refused(Exception):
    pass


def parse_row(n: int, line: bytes | None, default_source: str | None, stats: StatsLike | None = None) -> Row:
    """One line → a Row (refused with a reason: line_too_long, bad_json, not_object, no_url, bad_url, no_text,
    text_too_long, summary_too_long, title_too_long, bad_published, source_too_long, bad_<field>)."""
    try:
        return _parse(n, line, default_source, stats)
    except _Refused as r:
        return Row(n, None, None, str(r))


def _parse(n: int, line: bytes | None, default_source: str | None, stats: StatsLike | None) -> Row:
    if line is None:
        raise _Refused("line_too_long")
    if not line.strip():
        raise _Refused("empty_line")
    try:
        obj = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        raise _Refused("bad_json") from None
    if not isinstance(obj, dict):
        raise _Refused("not_object")
    url = obj.get("url")
    if not isinstance(url, str) or not url.strip():
        raise _Refused("no_url")
    try:
        canonical = canonicalize_url(url)
    except ValueError:
        raise _Refused("bad_url") from None
    if len(canonical) > URL_MAX or len(url) > URL_MAX:
        raise _Refused("bad_url")
    title, summary, text = _text(obj, "title"), _text(obj, "summary"), _text(obj, "text")
    if title is not None and len(title) > MAX_TITLE_CHARS:
        raise _Refused("title_too_long")
    if summary is not None and len(summary) > MAX_SUMMARY_CHARS:
        raise _Refused("summary_too_long")
    if text is not None and len(text) > MAX_TEXT_CHARS:
        raise _Refused("text_too_long")
    published = None
    if obj.get("published") not in (None, ""):
        published = parse_date(obj.get("published"), VIETNAM_TZ, stats, prefix="import")
        if published is None:
            raise _Refused("bad_published")
    source = _text(obj, "source") or default_source
    if source is not None and len(source) > MAX_SOURCE_CHARS:
        raise _Refused("source_too_long")
    declared = obj.get("language") if isinstance(obj.get("language"), str) else None
    language = detect_language(" ".join(p for p in (title, text or summary) if p)[:2000], declared, stats)
    vi = language == "vi"
    if summary:  # no reporter's name stays, in the summary or the text (docs/principles.md, principle 1)
        summary = strip_bylines(summary, vietnamese=vi, stats=stats) or None
    body = strip_bylines(text, vietnamese=vi, stats=stats) if text else summary
    if not body or not body.strip():
        raise _Refused("no_text")
    art = NewArticle(canonical_url=canonical, urls=(url,), title=title, text=body, summary=summary,
                     published=published, language=language, source_id=None)
    return Row(n, art, source)
