"""Warm-up of the extraction code, done once in the fork server that starts the extraction workers.

Importing this module runs :func:`warm`: ``extract_article`` on the tiny pages of :data:`WARM_PAGES`, which
builds what the extraction code builds lazily on its first real pages (py3langid's model, ~0.5 s of CPU; tld's
public suffix trie, ~0.05 s; justext's stoplists; dateparser, ~0.2 s; htmldate's and trafilatura's caches). Workers are forked
from the server after its imports, so each starts with that state in memory instead of building it on its
first pages (about 0.6 s of CPU a worker: bench/throughput.py's first aeb page took 0.60 s cold, 0.02 s warm), and so does every
replacement worker.
"""

from __future__ import annotations

import gc
import logging

from bantin.extract.article import extract_article

log = logging.getLogger(__name__)

# A Vietnamese page (the diacritics fast path) and an English one (py3langid; a canonical link, checked
# against the public suffix list, which tld loads on first use; short enough that trafilatura also
# tries justext, which loads its stoplists).
WARM_PAGES = (
    b"<html><head><title>Kh\xe1\xbb\x9fi \xc4\x91\xe1\xbb\x99ng</title></head><body><article>"
    b"<p>Xin ch\xc3\xa0o, \xc4\x91\xc3\xa2y l\xc3\xa0 trang kh\xe1\xbb\x9fi \xc4\x91\xe1\xbb\x99ng.</p>"
    b"</article></body></html>",
    b"<html><head><title>Warm-up</title><meta name='author' content='Nobody'>"
    b"<link rel='canonical' href='https://example.com/warm-up.html'></head><body><article>"
    b"<p>The town council met on Tuesday, 4 March 2025, and agreed to repair the old bridge.</p>"
    b"</article></body></html>",
    # A date only in words, in an element of its own, which htmldate's patterns leave to dateparser: importing
    # it and its first (English) parse took ~0.2 s of CPU on a worker's first such page. A string in no language
    # dateparser knows ("Updated: November 20 15:23 2019") makes it load every locale (~1 s) and is not used:
    # that would delay every crawl's first extraction by a second for a case a worker pays at most once.
    b"<html><head><title>Warm-up</title></head><body><article>"
    b"<p>November 20 15:23 2019</p></article></body></html>",
)
# Never fetched: only parsed, as the URL a page was served from.
WARM_URL = "https://example.com/warm.html"
_warmed = False


def warm() -> None:
    """Run the warm-up pages once per process (a no-op in a worker forked from a warmed server); then
    ``gc.freeze()``, so that forked workers' collections do not walk (and copy) the inherited objects."""
    global _warmed
    if _warmed:
        return
    _warmed = True
    for page in WARM_PAGES:
        try:
            extract_article(page, WARM_URL, "text/html; charset=utf-8")
        except Exception:  # noqa: BLE001 - a failed warm-up only means a slower first page
            log.exception("extraction warm-up failed")
    gc.collect()
    gc.freeze()


warm()
