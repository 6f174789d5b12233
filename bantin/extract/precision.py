"""trafilatura's precision-mode prune of the raw tree, without XPath calling back into Python per element.

With ``favor_precision`` trafilatura prunes the raw tree it hands to readability with
``OVERALL_DISCARD_XPATH`` (``trafilatura.external.compare_extraction``). Its EXSLT ``re:test`` calls back
into Python for every element of the page, three to six times: 5.7 ms a page of bench/throughput.py's pages,
the largest single step of bantin's extraction after trafilatura's own. ``native_discard`` selects the same
elements, in the same (document) order, with one walk over the elements and the same regular expressions:
``re:test(@id|@class, p)`` reads the first of the two attributes in document order (libxml2 orders an
element's attributes as written; lxml's EXSLT takes the node set's first string), an absent attribute reads
as "", and a comparison with a node set holds when one of its nodes has the value.

``install`` puts it in place only when trafilatura's XPaths are exactly the ones transcribed here (checked
against their source text): another trafilatura keeps its own XPath. Equality on real pages: every one of
the 557 pages under ``../shared/data/crawl/pages`` extracts byte-identically with and without it
(tests/extract/test_precision.py compares the selected elements themselves).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

_CLASS_2 = re.compile("^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print| hidden"
                      "| hide|noprint|notloaded")
_ID_2 = re.compile("reader-comments|akismet")
_HIDDEN = re.compile("hidden")
# The elements each XPath can select at all (it tests no other attribute), found by libxml2 alone, in
# document order; the regular expressions then run on these few in Python.
_CANDIDATES_1 = etree.XPath(".//*[self::div or self::item or self::list or self::p or self::section or self::span]"
                            "[@data-lp-replacement-content or @role or @data-component or @id or @class]")
_CANDIDATES_2 = etree.XPath(".//*[@class or @id or @style or @aria-hidden]")


def _first(items: list[tuple[str, str]], a: str, b: str) -> str:
    """XPath ``string(@a|@b)``: the value of whichever of the two attributes comes first in the element."""
    for name, value in items:  # lxml lists an element's attributes in document order
        if name == a or name == b:
            return value
    return ""


def _selectors(xp: Any) -> tuple[Callable[[Any], list[Any]], Callable[[Any], list[Any]]] | None:
    consent = re.compile(xp._alt(xp._CONSENT_ID_CLASS_TOKENS))
    by_id = re.compile(xp._alt(xp._OVERALL_DISCARD_BOTH_TOKENS + xp._OVERALL_DISCARD_ID_TOKENS))
    by_class = re.compile(xp._alt(xp._OVERALL_DISCARD_BOTH_TOKENS + xp._OVERALL_DISCARD_CLASS_TOKENS))
    if any(rx.search("") for rx in (consent, by_id, by_class, _CLASS_2, _ID_2, _HIDDEN)):
        return None  # an element without these attributes could then match: the candidates leave those out

    def first(tree: Any) -> list[Any]:
        out = []
        for el in _CANDIDATES_1(tree):
            items = el.items()
            attrs = dict(items)
            if ("data-lp-replacement-content" in attrs
                    or "nav" in attrs.get("role", "").replace("N", "n")
                    or "MostPopularStories" in attrs.get("data-component", "")
                    or consent.search(_first(items, "id", "class"))
                    or by_id.search(attrs.get("id", ""))
                    or by_class.search(attrs.get("class", ""))):
                out.append(el)
        return out

    def second(tree: Any) -> list[Any]:
        out = []
        for el in _CANDIDATES_2(tree):
            items = el.items()
            attrs = dict(items)
            cls, style = attrs.get("class", ""), attrs.get("style", "")
            if (cls == "comments-title"
                    or _first(items, "id", "class").startswith("reply-")
                    or _HIDDEN.search(_first(items, "id", "style"))
                    or "display:none" in style or "display: none" in style
                    or _ID_2.search(attrs.get("id", ""))
                    or _CLASS_2.search(cls)
                    or attrs.get("aria-hidden") == "true"):
                out.append(el)
        return out

    return first, second


def _expected_paths(xp: Any) -> list[str]:
    """The source text of the two XPaths ``_selectors`` transcribes (trafilatura 2.3.1 as installed)."""
    return [
        f"""
        .//*[self::div or self::item or self::list or self::p or self::section or self::span][
        @data-lp-replacement-content or
        contains(translate(@role, 'N', 'n'), 'nav') or
        contains(@data-component, 'MostPopularStories') or
        re:test(@id|@class, '{xp._alt(xp._CONSENT_ID_CLASS_TOKENS)}') or
        re:test(@id, '{xp._alt(xp._OVERALL_DISCARD_BOTH_TOKENS + xp._OVERALL_DISCARD_ID_TOKENS)}') or
        re:test(@class, '{xp._alt(xp._OVERALL_DISCARD_BOTH_TOKENS + xp._OVERALL_DISCARD_CLASS_TOKENS)}')]
        """,
        """
        .//*[@class='comments-title' or
        starts-with(@id|@class, 'reply-') or
        re:test(@id|@style, 'hidden') or
        contains(@style, 'display:none') or contains(@style, 'display: none') or
        re:test(@id, 'reader-comments|akismet') or
        re:test(@class, '^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print| hidden| hide|noprint|notloaded') or @aria-hidden='true']
        """,
    ]


def native_discard() -> list[Callable[[Any], list[Any]]] | None:
    """Callables selecting what ``OVERALL_DISCARD_XPATH`` selects, or None when trafilatura's XPaths are not
    the ones transcribed here."""
    try:
        from trafilatura import xpaths as xp

        paths = [x.path for x in xp.OVERALL_DISCARD_XPATH]
        if paths != _expected_paths(xp):
            return None
        selectors = _selectors(xp)
        return list(selectors) if selectors is not None else None
    except (ImportError, AttributeError, TypeError, re.error):
        return None


def install() -> bool:
    """Use the native selection for the raw-tree prune of precision mode; False (nothing changed) when
    trafilatura is not the version it was transcribed from."""
    from trafilatura import external

    native = native_discard()
    if native is None:
        return False
    external.OVERALL_DISCARD_XPATH = native  # type: ignore[assignment]  # prune_unwanted_nodes calls each
    return True
