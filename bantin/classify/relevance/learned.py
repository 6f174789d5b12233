"""Landmarks and institutions learned from stored coverage (distant supervision), used next to the gazetteer.

A name qualifies when it follows a landmark head word ("thủy điện Bản Vẽ", "biển Xuân Thành", "khu đô thị
Ecopark") somewhere in the archive, and the items that contain it are, nearly always, items the matcher already
calls ``primary`` for the province from the gazetteer alone (they name the province, a district or a designated
commune). Nothing is typed by hand and no label is used. The result is a small JSON file shipped with the package
(``learned_places.json``: name -> [items with it placed in the province, items placed anywhere, items with it]),
refreshed by

    python -m bantin.classify.relevance.learned --province "Hà Tĩnh" [--archive PATH] [--exclude-labelled]

Names of people are never learned (docs/principles.md: no person tracking): a candidate containing a family name
or following a role word is dropped before counting, and only names seen after a landmark head word are kept.
The gazetteer build stays a pure function of the package data; these names are layered on by the matcher.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from bantin.classify.relevance import data as gd
from bantin.classify.relevance.gazetteer import Gazetteer, Place
from bantin.text.vitext import key, prepare

PATH = Path(__file__).with_name("learned_places.json")
# Items with the name that the gazetteer places somewhere (ours or another province) before it is trusted.
MIN_SUPPORT = 3
# Share of a name's items that the gazetteer alone already places in the province: below this it names
# something shared (a company, a brand present everywhere, a person).
MIN_PRECISION = 0.85
# Evidence weight of a learned name: a landmark's (data.ALIAS_LANDMARK), enough for primary in title or lead.
W_LEARNED = gd.ALIAS_LANDMARK
# Times a name must follow a landmark head word to be a candidate at all.
MIN_HEADED = 2
# Longest learned name, in syllables.
MAX_NAME_TOKENS = 3
# Largest archive read (items): the shared archive has 153k; a bound keeps a mistaken path from running for hours.
MAX_ITEMS = 500_000
KIND = "landmark(learned)"

# Words that, right before a capitalised name, say it is a landmark or an institution.
LANDMARK_HEADS: frozenset[tuple[str, ...]] = frozenset(
    tuple(w.split())
    for w in (
        "cầu, sông, hồ, núi, đèo, biển, bãi biển, đảo, thủy điện, thuỷ điện, nhà máy, khu kinh tế, khu công nghiệp, "
        "kcn, cảng, sân bay, ga, chùa, đền, đình, khu di tích, di tích, bệnh viện, vườn quốc gia, khu bảo tồn, "
        "đập, hang, thác, chợ, làng, khu đô thị, đô thị, cửa khẩu, bến, suối, khu du lịch, cao tốc, đường"
    ).split(", ")
)
_ROAD_HEADS = {
    ("cao", "tốc"),
    ("đường",),
}  # "cao tốc Bãi Vọt - Hàm Nghi" names a road, learned only if unique


def _candidates(toks: list[str], lows: list[str]) -> Iterator[tuple[str, ...]]:
    """Capitalised names right after a landmark head word (lowercased keys)."""
    n = len(toks)
    for i in range(n):
        for size in (3, 2, 1):
            head = tuple(lows[i : i + size])
            if head in LANDMARK_HEADS and i + size < n:
                j = i + size
                name: list[str] = []
                while j < n and len(name) <= MAX_NAME_TOKENS and toks[j][:1].isupper() and toks[j].isalpha():
                    name.append(lows[j])
                    j += 1
                if (
                    name
                    and len(name) <= MAX_NAME_TOKENS  # a longer run was cut: "Bệnh viện Sản Nhi Nghệ An"
                    and not any(t in gd.SURNAMES for t in name)
                    and head not in _ROAD_HEADS
                ):
                    yield tuple(name)
                break


def _occurs(toks: list[str], lows: list[str], name: tuple[str, ...]) -> bool:
    """``name`` capitalised and not inside a longer proper noun ("Nghiêm Xuân Thành" is a person)."""
    m = len(name)
    for i in range(len(lows) - m + 1):
        if lows[i] == name[0] and tuple(lows[i : i + m]) == name and toks[i][:1].isupper():
            before_proper = i > 0 and toks[i - 1][:1].isupper() and toks[i - 1].isalpha() and i > 1
            if not before_proper:
                return True
    return False


def learn(items: list[tuple[str, str]], place: Callable[[str, str], str]) -> dict[str, list[int]]:
    """name -> [items with it that ``place(title, summary)`` calls "ours", items it places anywhere ("ours" or
    "other": another province named), items with the name]. Unplaced items (no place named, the ones the learned
    names are for) say nothing about precision and are only counted."""
    prepared = [prepare(f"{title} . {summary}") for title, summary in items]
    cands: Counter[tuple[str, ...]] = Counter()
    for toks, lows in prepared:
        cands.update(set(_candidates(toks, lows)))
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for c, n in cands.items():
        if n >= MIN_HEADED:
            by_first.setdefault(c[0], []).append(c)
    stats: dict[tuple[str, ...], list[int]] = {}
    for (title, summary), (toks, lows) in zip(items, prepared, strict=True):
        present = {c for t in set(lows) for c in by_first.get(t, ()) if _occurs(toks, lows, c)}
        if not present:
            continue
        where = place(title, summary)
        for c in present:
            st = stats.setdefault(c, [0, 0, 0])
            st[0] += where == "ours"
            st[1] += where != "unplaced"
            st[2] += 1
    return {
        " ".join(c): st for c, st in stats.items() if st[1] >= MIN_SUPPORT and st[0] / st[1] >= MIN_PRECISION
    }


@lru_cache(maxsize=1)
def _stored() -> dict[str, dict[str, list[int]]]:
    if not PATH.is_file():
        return {}
    return json.loads(PATH.read_text(encoding="utf-8"))


def learned_places(gaz: Gazetteer) -> dict[tuple[str, ...], Place]:
    """The stored learned names of ``gaz``'s province that the gazetteer does not already know."""
    out: dict[tuple[str, ...], Place] = {}
    for name in _stored().get(gaz.province, {}):
        k = key(name)
        if k and k not in gaz.places and k not in gaz.other_provinces and k not in gaz.owners_elsewhere:
            out[k] = Place(name.title() if name.islower() else name, KIND, gaz.province, W_LEARNED, True)
    return out


def _read_archive(path: Path, exclude: set[str]) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    seen: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            url = d.get("url") or ""
            if url in seen or url in exclude:
                continue
            seen.add(url)
            items.append((d.get("title") or "", d.get("summary") or ""))
            if len(items) >= MAX_ITEMS:
                break
    return items


def main(argv: list[str] | None = None) -> int:
    from bantin.classify.relevance.province import ProvinceMatcher

    root = Path(__file__).resolve().parents[3]
    ap = argparse.ArgumentParser(
        description="Học địa danh từ kho tin (distant supervision) / learn landmarks"
    )
    ap.add_argument("--province", required=True)
    ap.add_argument("--archive", type=Path, default=root.parent / "shared/data/news/rss_articles.jsonl.gz")
    ap.add_argument("--exclude-labelled", action="store_true", help="leave out the dev set's URLs")
    args = ap.parse_args(argv)
    if not args.archive.is_file():
        print(f"lỗi: không thấy kho tin {args.archive} / archive not found", file=sys.stderr)
        return 2
    exclude: set[str] = set()
    labels = root / "data/relevance/dev_labels.jsonl"
    if args.exclude_labelled and labels.is_file():
        exclude = {
            json.loads(line)["url"] for line in labels.read_text(encoding="utf-8").splitlines() if line
        }
    try:
        matcher = ProvinceMatcher(args.province, learned=False)
    except ValueError as e:
        print(f"lỗi: {e}", file=sys.stderr)
        return 2
    items = _read_archive(args.archive, exclude)
    scanner = matcher._scanner

    def place(title: str, summary: str) -> str:
        if matcher.match(title, summary=summary).relevance == "primary":
            return "ours"
        named = scanner.provinces_named(prepare(f"{title} . {summary}")[1])
        return "other" if named else "unplaced"

    names = {
        n: st
        for n, st in learn(items, place).items()
        if key(n) not in matcher.gazetteer.places and not any(t in key(matcher.province) for t in key(n))
    }
    stored = dict(_stored())
    stored[matcher.province] = dict(sorted(names.items()))
    PATH.write_text(json.dumps(stored, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {"province": matcher.province, "items": len(items), "learned": len(names)}, ensure_ascii=False
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
