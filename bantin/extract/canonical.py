"""URL canonicalisation (courlan + local tracker list) and safe reading of a page's own canonical URL.

Policy for ``<link rel=canonical>`` / ``og:url`` (publishers get these wrong in the wild):
* accepted only when on the same registrable domain as the page (``e.vnexpress.net`` ↔ ``vnexpress.net``
  is fine; a syndicated copy pointing at the original publisher is *not* merged, so each outlet keeps
  its own record and dedup is left to the near-duplicate stage);
* ignored when it is the bare site root while the page itself has a path (CMS templates that put the
  homepage in every page's canonical);
* ignored when it is not http(s) or cannot be parsed. ``rel=canonical`` wins over ``og:url``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from courlan import extract_domain, normalize_url, scrub_url

# courlan's TRACKERS_RE already drops utm_*, fbclid, gclid, *_source, ref, …; these are the ones it
# misses that Vietnamese sharing traffic carries (Zalo: zarsrc, gidzl; others seen on VN news links).
EXTRA_TRACKING_PARAMS = frozenset({"zarsrc", "gidzl", "igshid", "_hsenc", "_hsmi", "mkt_tok", "spm", "ito"})
# Head of the document searched for canonical hints when given text (they live in <head>).
CANONICAL_SCAN_CHARS = 200_000

_LINK = re.compile(r"<link\b[^>]*>", re.I)
_META = re.compile(r"<meta\b[^>]*>", re.I)
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_CANON_FOLD = str.maketrans("CANONIL", "canonil")
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Normalised absolute URL: lowercase scheme/host, default port and fragment dropped, tracking
    parameters removed, remaining query sorted. Raises ValueError for non-http(s) or host-less URLs."""
    url = scrub_url(url.strip())
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in EXTRA_TRACKING_PARAMS]
    parts = parts._replace(query=urlencode(query), fragment="")
    normalized = normalize_url(urlunsplit(parts), strict=False)
    return urlunsplit(urlsplit(normalized)._replace(fragment=""))


def url_key(url: str) -> str:
    """``url`` canonicalised, or as given when it cannot be read: the one form in which URLs are stored and
    looked up (frontier, ``article_urls``), so a link is never lost for its form."""
    try:
        return canonicalize_url(url)
    except Exception:  # noqa: BLE001 - whatever the canonicaliser cannot read is kept as given
        return url


def _site(url: str) -> str | None:
    host = urlsplit(url).hostname
    if host is None:
        return None
    return extract_domain(url) or host  # IP addresses/localhost have no registrable domain: use the host


def same_site(a: str, b: str) -> bool:
    """True when both URLs share a registrable domain (or the same host when there is none)."""
    site_a, site_b = _site(a), _site(b)
    return site_a is not None and site_a == site_b


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTR.finditer(tag)}


def _hints_from_text(html: str) -> list[str]:
    head = html[:CANONICAL_SCAN_CHARS]
    links, metas = [], []
    for tag in _LINK.findall(head):
        a = _attrs(tag)
        if "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            links.append(a["href"])
    for tag in _META.findall(head):
        a = _attrs(tag)
        if (a.get("property") or a.get("name") or "").lower() == "og:url" and a.get("content"):
            metas.append(a["content"])
    return links[:1] + metas[:1]


def _hints_from_tree(tree: Any) -> list[str]:
    """The first ``//link[rel~=canonical]/@href`` and ``//meta[@property|@name='og:url']/@content`` (XPath
    semantics: rel folded with translate('CANONIL'), split on XML whitespace), found in one pass over the
    link/meta elements: 0.13 ms a page instead of 0.5 ms for the two XPath scans."""
    link = meta = None
    for el in tree.getroottree().iter("link", "meta"):
        if el.tag == "link":
            if link is None and (href := el.get("href")) is not None \
                    and "canonical" in _XML_SPACE.split((el.get("rel") or "").translate(_CANON_FOLD)):
                link = href
        elif meta is None and (content := el.get("content")) is not None \
                and "og:url" in (el.get("property"), el.get("name")):
            meta = content
        if link is not None and meta is not None:
            break
    return [h for h in (link, meta) if h is not None and h.strip()]


def page_canonical(html_tree_or_text: Any, url: str) -> str | None:
    """The page's declared canonical URL (canonicalised), or None when absent or rejected by the policy."""
    try:
        hints = (
            _hints_from_text(html_tree_or_text)
            if isinstance(html_tree_or_text, str)
            else _hints_from_tree(html_tree_or_text)
        )
    except Exception:  # noqa: BLE001 - malformed trees must not break extraction
        return None
    for hint in hints:
        try:
            candidate = canonicalize_url(hint, base=url)
        except ValueError:
            continue
        if not same_site(candidate, url):
            continue
        if urlsplit(candidate).path in ("", "/") and urlsplit(url).path not in ("", "/"):
            continue
        return candidate
    return None
