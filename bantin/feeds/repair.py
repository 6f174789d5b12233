"""Recovery of broken feed documents before (and after) the strict XML parse: junk in front of the
document (Chrome's "no style information" banner, PHP warnings, blank lines before ``<?xml``), internal
DTDs that declare entities (billion laughs), and the repairs :mod:`.feedxml` applies when fewer items came
out than the document visibly holds: a body cut off mid-way is closed after its last complete item, bare
``&`` is escaped, HTML named entities become numeric references and control characters are dropped. Pure
byte/text functions; the caller decides whether a repaired parse is better and counts ``feed/repaired_*``.
"""

from __future__ import annotations

import codecs
import re
from html.entities import name2codepoint

from bantin.feeds.fields import CONTROL_CHARS

# How far into the body we look for the root element / junk before "<" (Chrome banners, blank lines, BOMs).
SNIFF_BYTES = 4096

# An RSS <item> / Atom <entry> start tag, any namespace prefix: how many items the document visibly holds.
ITEM_START = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]")
# The feed's root element (prefix, local name): which closing tag a truncated document needs.
FEED_ROOT = re.compile(r"<([A-Za-z_][\w.-]*:)?(rss|feed|RDF|rdf)[\s>]")
_ITEM_END = re.compile(r"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")
_ROOT_END = re.compile(r"</(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|rdf|channel)\s*>", re.I)
_ROOT_B = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF|rdf|urlset|sitemapindex)[\s>]")
_BARE_AMP = re.compile(r"&(?!(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_LINK_DONE = re.compile(r"<link[^>]*>\s*(?:<!\[CDATA\[)?\s*[^<\s][^<]*</link>|<link\b[^>]*\bhref\s*=\s*[\"'][^\"']+[\"']")


def strip_leading_junk(body: bytes) -> bytes:
    """Drop what precedes the document: Chrome's banner, blank lines or comments before ``<?xml``, PHP
    warnings, text before the first ``<``. JSON and UTF-16/32 bodies are left alone."""
    head = body[:SNIFF_BYTES]
    start = 3 if head.startswith(codecs.BOM_UTF8) else 0
    if b"\x00" in head[:4] or head[start:].lstrip()[:1] in (b"{", b"["):
        return body
    decl = head.find(b"<?xml", start)
    if decl > start and not _ROOT_B.search(head[start:decl]):
        return body[decl:]
    lt = head.find(b"<", start)
    if lt > start and head[start:lt].strip():
        return body[lt:]
    return body


def drop_entity_dtd(data: bytes) -> bytes:
    """Remove an internal DTD subset that declares entities (billion laughs: expat expands them up to its
    amplification limit, which costs feedparser seconds per kilobyte). Real feeds never need one."""
    start = data.find(b"<!DOCTYPE", 0, SNIFF_BYTES)
    if start < 0 or (bracket := data.find(b"[", start, data.find(b">", start))) < 0:
        return data
    end = data.find(b"]>", bracket)
    end = data.find(b">", bracket) if end < 0 else end + 1
    if b"<!ENTITY" not in data[bracket:end]:
        return data
    return data[:start] + data[end + 1:]


def _cut_truncated(text: str) -> str | None:
    """A document cut off mid-way, closed after its last complete item (or the partial item's link)."""
    starts = list(ITEM_START.finditer(text))
    if not starts or _ROOT_END.search(text[-2048:]):
        return None
    ends = list(_ITEM_END.finditer(text))
    cut = ends[-1].end() if ends else starts[0].start()
    head, tail = text[:cut], text[cut:]
    closes = list(re.finditer(r"</[^>]+>", tail))
    if _LINK_DONE.search(tail) and closes:  # the partial item's link survived the cut: keep the item
        item_tag = re.match(r"<([^\s/>]+)", starts[-1].group(0))
        head += tail[: closes[-1].end()] + (f"</{item_tag.group(1)}>" if item_tag else "")
    root = FEED_ROOT.search(text)
    closer = "" if root is None else f"</{root.group(1) or ''}{root.group(2)}>"
    return head + ("</channel>" if closer == "</rss>" else "") + closer


def repair(text: str) -> tuple[str, list[str]]:
    """Cumulative repairs for XML that the strict parser rejects; returns (text, names of repairs)."""
    done: list[str] = []
    if (cut := _cut_truncated(text)) is not None:
        text = cut  # a cut-off item whose link is incomplete is dropped rather than crawled half-URL
        done.append("truncation")
    if _BARE_AMP.search(text):
        text, _ = _BARE_AMP.subn("&amp;", text)
        done.append("ampersands")
    if any(m.group(1) not in _XML_ENTITIES for m in _NAMED_ENTITY.finditer(text)):
        text = _NAMED_ENTITY.sub(
            lambda m: m.group(0) if m.group(1) in _XML_ENTITIES or m.group(1) not in name2codepoint
            else f"&#{name2codepoint[m.group(1)]};", text)
        done.append("entities")
    if CONTROL_CHARS.search(text):
        text = CONTROL_CHARS.sub("", text)
        done.append("control_chars")
    return text, done
