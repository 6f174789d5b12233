"""The Vietnamese catalogs cover every text of the web UI: each msgid that Babel's extractors find in the
templates (``jinja2.ext.babel_extract``) and in the web package's Python (``_`` / ``ngettext``) has a
non-empty, non-fuzzy translation in ``bantin/web/locale/vi/LC_MESSAGES/*.po`` (one catalog per area,
web/i18n.py merges them); no msgid is translated differently in two catalogs (which one wins would depend
on file names); the ``%(name)s`` placeholders of each translation are those of its msgid; every catalog
parses. Failures list every offender, with the file and line where the msgid is used, so that each area's
engineer can fix theirs."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[2] / "bantin" / "web"
CATALOGS = WEB / "locale" / "vi" / "LC_MESSAGES"
METHODS = [("templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]")

Msgid = str | tuple[str, str]


@lru_cache(maxsize=1)
def used_messages() -> dict[Msgid, list[str]]:
    """msgid (a tuple for plurals) -> where it is used ("templates/queue.html:7")."""
    found: dict[Msgid, list[str]] = defaultdict(list)
    for filename, lineno, message, _comments, _context in extract_from_dir(WEB, METHODS, OPTIONS):
        key = message if isinstance(message, str) else tuple(message[:2])
        found[key].append(f"{filename}:{lineno}")  # type: ignore[index]
    return dict(found)


def read_catalog(po: Path) -> Catalog:
    with po.open("rb") as f:
        return read_po(f, locale="vi", abort_invalid=True)


def catalog_files() -> list[Path]:
    return sorted(CATALOGS.glob("*.po"))


def translations() -> dict[Msgid, dict[str | tuple[str, ...], list[str]]]:
    """msgid -> {its (non-fuzzy, non-empty) translation -> the catalogs giving it}."""
    found: dict[Msgid, dict[str | tuple[str, ...], list[str]]] = defaultdict(lambda: defaultdict(list))
    for po in catalog_files():
        for m in read_catalog(po):
            if not m.id or m.fuzzy:
                continue
            text = m.string if isinstance(m.string, str) else tuple(m.string)
            if all(text if isinstance(text, tuple) else [text]):
                key = m.id if isinstance(m.id, str) else tuple(m.id[:2])
                found[key][text].append(po.name)  # type: ignore[index]
    return found


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_the_extractors_find_the_skeletons_texts() -> None:
    used = used_messages()
    assert "Sign in to bantin" in used  # a template
    assert "Wrong user name or password." in used  # Python (web/routes/auth.py)


@pytest.mark.parametrize("po", catalog_files(), ids=lambda p: p.name)
def test_each_catalog_parses(po: Path) -> None:
    catalog = read_catalog(po)
    assert len(catalog) > 0, f"{po.name} has no messages"
    assert catalog.locale is not None and str(catalog.locale) == "vi"


def test_every_text_of_the_ui_has_a_vietnamese_translation() -> None:
    have = translations()
    missing = [f"{msgid!r}  (used at {', '.join(where)})" for msgid, where in used_messages().items()
               if msgid not in have]
    assert missing == [], (f"{len(missing)} msgids without a Vietnamese translation (add them to your area's "
                           "bantin/web/locale/vi/LC_MESSAGES/<area>.po):\n" + "\n".join(missing))


def test_no_msgid_is_translated_twice_differently() -> None:
    clashes = [f"{msgid!r}: " + " | ".join(f"{text!r} in {', '.join(files)}" for text, files in texts.items())
               for msgid, texts in translations().items() if len(texts) > 1]
    assert clashes == [], "msgids translated differently in two catalogs:\n" + "\n".join(clashes)


def test_placeholders_of_each_translation_match_its_msgid() -> None:
    wrong = []
    for po in catalog_files():
        for m in read_catalog(po):
            if not m.id or not m.string:
                continue
            if isinstance(m.id, str):
                pairs = [(m.id, m.string)]
            else:  # plurals: every form carries the plural msgid's placeholders
                pairs = [(m.id[1], form) for form in m.string]
            for msgid, text in pairs:
                if text and placeholders(msgid) != placeholders(str(text)):
                    wrong.append(f"{po.name}:{m.lineno}: {msgid!r} -> {text!r}")
    assert wrong == [], "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)
