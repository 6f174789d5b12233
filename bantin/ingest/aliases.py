"""The URLs an article is known by (its ``article_urls`` rows), in the one form they are stored and looked up.

The frontier keys feed links by :func:`url_key`; :func:`alias_urls` assembles an article's aliases (canonical
URL, feed link, requested and final URL, the page's own hints) in that same form, so a link seen again in any
of its forms (tracking parameters, redirects) is known.
"""

from __future__ import annotations

from bantin.extract.canonical import canonicalize_url


def url_key(url: str) -> str:
    """``url`` canonicalised (tracking parameters dropped, query sorted), or as given when it cannot be read."""
    try:
        return canonicalize_url(url)
    except Exception:  # noqa: BLE001 - a link the canonicaliser cannot read is kept as given, never lost
        return url


def alias_urls(canonical_url: str, *seen: str | None) -> tuple[str, ...]:
    """``canonical_url`` (as stored on the article) first, then every other URL seen, in url_key form, once."""
    return tuple(dict.fromkeys((canonical_url, *(url_key(u) for u in seen if u))))
