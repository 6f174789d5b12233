"""trafilatura's precision mode without the external comparison when its own extraction is long and clean.

After its main extractor, trafilatura runs readability (and, for short or "unclean" results, justext) on a copy of
the page and keeps whichever text its heuristics prefer (``trafilatura.external.compare_extraction``). In recall
mode it already skips that comparison when the main text is longer than ten times ``min_extracted_size``; in
precision mode, the one bantin uses, it never does. ``install`` makes precision mode skip it on the same condition,
and only when the main result holds none of the elements that would make trafilatura call it unclean
(``SANITIZED_XPATH``), so that justext's rescue still runs where it could. The copy of the tree made for the
comparison is skipped with it.

Measured (bench/extraction.py, bench/throughput.py; docs/benchmarks.md, #8 session 14): on the 181 aeb pages with
human ground truth not one extracted text changes (F1 0.9605 either way) and bantin's extraction takes 2.4–4.4 ms
less CPU a page; of the 737 real pages under ``../shared/data/crawl/pages`` and aeb, one changes (an IETF page loses
the navigation line and tool footer that readability's pass had kept). ``install`` replaces
``trafilatura.core._extract_and_compare`` only when its source is exactly the one this was written against
(trafilatura 2.3.1); another trafilatura keeps its own.
"""

from __future__ import annotations

import inspect
from typing import Any

# trafilatura 2.3.1's function, as its source reads; anything else is left alone.
_EXPECTED_SOURCE = '''def _extract_and_compare(
    cleaned_tree: HtmlElement, cleaned_tree_backup: HtmlElement, tree: HtmlElement, options: Extractor
) -> tuple[_Element, str]:
    "Cascade stages 1-2: main extractor, then the external comparison unless in fast mode."
    postbody, temp_text = extract_content(cleaned_tree, options)
    if not options.fast:
        postbody, temp_text = compare_extraction(cleaned_tree_backup, copy(tree), postbody, temp_text, options)
    return postbody, temp_text
'''
# trafilatura's own bypass factor for recall mode (``len_text > options.min_extracted_size * 10``), reused as is.
LONG_FACTOR = 10


def install() -> bool:
    """Skip the comparison for long, clean precision-mode results; False (nothing changed) on another trafilatura."""
    from copy import copy

    from trafilatura import core, external

    try:
        if inspect.getsource(core._extract_and_compare) != _EXPECTED_SOURCE:
            return False
        extract_content, sanitized = core.extract_content, external.SANITIZED_XPATH
    except (AttributeError, OSError, TypeError):
        return False

    def extract_and_compare(cleaned_tree: Any, cleaned_tree_backup: Any, tree: Any, options: Any) -> tuple[Any, str]:
        postbody, temp_text = extract_content(cleaned_tree, options)
        if options.fast or (
            options.focus == "precision"
            and len(temp_text) > options.min_extracted_size * LONG_FACTOR
            and not postbody.xpath(sanitized)
        ):
            return postbody, temp_text
        compare = core.compare_extraction  # looked up per call, as trafilatura's own function does
        return compare(cleaned_tree_backup, copy(tree), postbody, temp_text, options)  # type: ignore[no-any-return]

    core._extract_and_compare = extract_and_compare
    return True
