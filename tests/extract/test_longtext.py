"""Precision mode skips trafilatura's external comparison for a long, clean main text and runs it otherwise; on
real pages the extracted text is the one trafilatura's own cascade gives."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from trafilatura import bare_extraction, core

from bantin.extract import longtext
from bantin.extract.article import TRAFILATURA_OPTIONS, extract_article

# Every seventh real page keeps the test short; all 737 were compared when this was written: one differs, an IETF
# page whose navigation line ("[Docs] [txt|pdf] [Tracker]…") and tool footer readability's pass had kept.
EVERY = 7
KNOWN_DIFFERENT = {"pages/readability/ietf-1/expected.html.gz"}
PARAGRAPH = "Người dân xã Diễn Châu dựng lại nhà sau lũ, chính quyền hỗ trợ vật liệu và nhân công cho từng hộ. "


def _page(paragraphs: int, extra: str = "") -> bytes:
    body = "".join(f"<p>Đoạn {i}. {PARAGRAPH}Hộ thứ {i} nhận {i * 3} triệu đồng. {PARAGRAPH}</p>" for i in range(paragraphs))
    return f"<html><body><article>{body}{extra}</article></body></html>".encode()


@pytest.fixture
def comparisons(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts calls of trafilatura's comparison while the shortcut is installed (restored after the test)."""
    calls: list[int] = []
    real = core.compare_extraction

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(core, "_extract_and_compare", core._extract_and_compare)
    monkeypatch.setattr(core, "compare_extraction", counted)
    if core._extract_and_compare.__module__ != longtext.__name__:
        assert longtext.install()  # the installed trafilatura is the one the shortcut was written against
    return calls


def test_a_long_clean_text_skips_the_comparison(comparisons: list[int]) -> None:
    doc = bare_extraction(_page(12), with_metadata=False, **TRAFILATURA_OPTIONS)
    assert doc is not None and PARAGRAPH.strip() in doc.text and len(doc.text) > 2500
    assert comparisons == []


def test_a_short_text_or_another_mode_is_still_compared(comparisons: list[int]) -> None:
    bare_extraction(_page(1), with_metadata=False, **TRAFILATURA_OPTIONS)
    assert comparisons == [1]
    bare_extraction(_page(12), with_metadata=False, **{**TRAFILATURA_OPTIONS, "favor_precision": False})
    assert comparisons == [1, 1]  # balanced mode is trafilatura's own, untouched


def test_another_trafilatura_keeps_its_own_cascade(monkeypatch: pytest.MonkeyPatch) -> None:
    def _extract_and_compare(*args: Any) -> Any:  # a different source text
        return None

    monkeypatch.setattr(core, "_extract_and_compare", _extract_and_compare)
    assert longtext.install() is False
    assert core._extract_and_compare is _extract_and_compare


def _pages(shared_data: Path) -> list[tuple[str, bytes]]:
    pages = sorted(p for p in (shared_data / "crawl/pages").rglob("*") if p.name.endswith((".html", ".html.gz")))
    aeb = sorted((shared_data / "crawl/benchmark/scrapinghub-aeb/html").glob("*.html.gz"))
    return [(str(p.relative_to(shared_data / "crawl")), gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes())
            for p in (pages + aeb)[::EVERY]]


def test_real_pages_extract_the_text_of_trafilaturas_own_cascade(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    named = _pages(shared_data)
    bodies = [b for _, b in named]
    assert len(bodies) > 90
    extract_article(bodies[0], "https://example.vn/a")  # installs the shortcut (and the prune) once
    shortcut = core._extract_and_compare
    assert shortcut.__module__ == longtext.__name__
    got = [extract_article(b, "https://example.vn/a").text for b in bodies]
    monkeypatch.setattr(core, "_extract_and_compare", _original())
    want = [extract_article(b, "https://example.vn/a").text for b in bodies]
    assert {name for (name, _), g, w in zip(named, got, want, strict=True) if g != w} <= KNOWN_DIFFERENT
    assert sum(bool(t) for t in got) > 80  # real bodies, not empty strings compared


def _original() -> Any:
    """trafilatura's cascade step as its source reads (the shortcut replaced the module's function)."""
    from copy import copy

    def _extract_and_compare(cleaned_tree: Any, cleaned_tree_backup: Any, tree: Any, options: Any) -> Any:
        postbody, temp_text = core.extract_content(cleaned_tree, options)
        if not options.fast:
            postbody, temp_text = core.compare_extraction(cleaned_tree_backup, copy(tree), postbody, temp_text, options)
        return postbody, temp_text

    return _extract_and_compare

