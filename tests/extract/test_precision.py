"""The precision prune without per-element Python callbacks selects what trafilatura's XPath selects, on
real pages and on the attribute shapes its rules turn on; extraction with it in place gives the same text."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from lxml import html as lhtml
from trafilatura import bare_extraction, xpaths
from trafilatura.utils import load_html

from bantin.extract import precision
from bantin.extract.article import TRAFILATURA_OPTIONS

# Every tenth real page keeps the test short; the full set (556 pages) was compared when this was written.
EVERY = 10


def _pages(shared_data: Path) -> list[Path]:
    pages = sorted(p for p in (shared_data / "crawl/pages").rglob("*") if p.name.endswith((".html", ".html.gz")))
    aeb = sorted((shared_data / "crawl/benchmark/scrapinghub-aeb/html").glob("*.html.gz"))
    return (pages + aeb)[::EVERY]


def _read(p: Path) -> bytes:
    data = p.read_bytes()
    return gzip.decompress(data) if p.suffix == ".gz" else data


def _same_selection(tree) -> None:  # type: ignore[no-untyped-def]
    native = precision.native_discard()
    assert native is not None  # the installed trafilatura is the one transcribed
    for xp, fn in zip(xpaths.OVERALL_DISCARD_XPATH, native, strict=True):
        assert fn(tree) == xp(tree)
        for el in xp(tree):  # prune as trafilatura does, so the second selection sees the pruned tree
            if el.getparent() is not None:
                el.drop_tree()


def test_real_pages_lose_the_same_elements(shared_data: Path) -> None:
    pages = _pages(shared_data)
    assert len(pages) > 50
    for p in pages:
        tree = load_html(_read(p))
        if tree is not None:
            _same_selection(tree)


@pytest.mark.parametrize("markup", [
    '<div class="cookie-banner" id="main">x</div>',  # @id|@class: the first written of the two is read
    '<div id="main" class="cookie-banner">x</div>',
    '<span id="cookie" class="main">x</span>',
    '<section role="Navigation">x</section>',  # translate(@role, 'N', 'n')
    '<p data-lp-replacement-content="">x</p>',  # present, even empty
    '<div data-component="MostPopularStoriesList">x</div>',
    '<em class="comments-title">x</em>', '<em class="comments-title big">x</em>',
    '<b id="reply-1">x</b>', '<b class="reply-1" id="z">x</b>', '<b id="z" class="reply-1">x</b>',
    '<i style="color:red" id="hidden-x">x</i>', '<i id="x" style="visibility: hidden">x</i>',
    '<u style="display: none">x</u>', '<u style="display:none">x</u>', '<u aria-hidden="true">x</u>',
    '<u aria-hidden="false">x</u>', '<a class="x hidden">x</a>', '<a class="hide-me">x</a>', '<a>x</a>',
])
def test_attribute_shapes_are_read_as_the_xpath_reads_them(markup: str) -> None:
    _same_selection(lhtml.fromstring(f"<html><body><article>{markup}<p>text</p></article></body></html>"))


def test_extraction_is_unchanged_with_the_native_prune(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from trafilatura import external

    for p in _pages(shared_data)[:20]:
        body = _read(p)
        monkeypatch.setattr(external, "OVERALL_DISCARD_XPATH", xpaths.OVERALL_DISCARD_XPATH)
        tree = load_html(body)
        if tree is None:
            continue
        want = bare_extraction(load_html(body), with_metadata=False, **TRAFILATURA_OPTIONS)
        monkeypatch.setattr(external, "OVERALL_DISCARD_XPATH", precision.native_discard())
        got = bare_extraction(load_html(body), with_metadata=False, **TRAFILATURA_OPTIONS)
        assert getattr(got, "text", None) == getattr(want, "text", None), p.name
