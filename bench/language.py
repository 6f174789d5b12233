"""Language identification (vi / en / other): accuracy per real data set and speed, several libraries.

    .venv/bin/python -m bench.language     (prints JSON)

Sets (read in place from ../shared/data): VNTC full articles, RSS titles and summaries (vi), RSS titles
with diacritics stripped (reported as a distribution: what each method says), fundus bodies of us/uk/au
publishers (en) and of non-English-speaking countries (other), item titles+summaries of the English
feeds (en). Speed is CPU time on the full-article sets.

"bantin" is the one detector (bantin.text.language) that extraction, ``sources add`` and classification
share. The crawler's former heuristic (diacritic ratio >= 0.08, else a declared code, else English function
words) was removed after the last run that measured it (2026-12-01, same sets): RSS titles 0.0 % (it
answers None below 80 letters), RSS summaries 92.75 %, English feed items 89.5 %, the rest equal, 2,447
docs/s; "bantin" 100 / 100 / 92.25 %, 3,027 docs/s.
"""

from __future__ import annotations

import glob
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import feedparser
import langdetect
import py3langid

from bantin.text.diacritics import fold
from bantin.text.language import detect_language
from bench.vntc import SHARED, load_jsonl

# Examples per set: enough for a 0.5 % resolution, quick on a shared 2-core machine.
PER_SET = 400
EN_COUNTRIES = ("us", "uk", "au")
OTHER_COUNTRIES = ("at", "ch", "cn", "cz", "de", "dk", "es", "fr", "it", "jp", "kr", "lt", "mx", "no", "pl",
                   "pt", "ru", "se", "tr", "tw")


def _fold(code: str | None) -> str:
    return code if code in ("vi", "en") else "other"


def _langdetect(text: str) -> str:
    try:
        return _fold(langdetect.detect(text))
    except langdetect.LangDetectException:
        return "other"


METHODS: dict[str, Callable[[str], str]] = {
    "bantin": detect_language,
    "py3langid": lambda t: _fold(py3langid.classify(t[:1000])[0]),
    "langdetect": _langdetect,
}


def strip_diacritics(text: str) -> str:
    return fold(text)


def _fundus(countries: tuple[str, ...]) -> list[str]:
    out = []
    for cc in countries:
        for path in sorted(glob.glob(str(SHARED / "crawl" / "pages" / "fundus" / cc / "*.json"))):
            for version in json.loads(Path(path).read_text(encoding="utf-8")).values():
                body = version.get("body") or {}
                paras = [p for s in body.get("sections", []) for p in s.get("paragraphs", [])]
                text = "\n".join(body.get("summary", []) + paras)
                if len(text) > 200:
                    out.append(text)
    return out[:PER_SET]


def _en_feeds() -> list[str]:
    out = []
    for path in sorted(glob.glob(str(SHARED / "crawl" / "feeds" / "en" / "*" / "*"))):
        if path.endswith(".txt"):
            continue
        for e in feedparser.parse(path).entries:
            text = f"{e.get('title', '')}. {e.get('summary', '')}".strip(". ")
            if len(text) > 20 and "<" not in text:
                out.append(text)
    return out[:PER_SET]


def datasets() -> dict[str, tuple[str | None, list[str]]]:
    vntc = [r["text"] for r in load_jsonl(SHARED / "vntc" / "train.jsonl.gz")[::80][:PER_SET]]
    rss = load_jsonl(SHARED / "news" / "rss_articles.jsonl.gz")[::300][:PER_SET]
    return {
        "vi_vntc_full": ("vi", vntc),
        "vi_rss_titles": ("vi", [r["title"] for r in rss if r.get("title")]),
        "vi_rss_summaries": ("vi", [r["summary"] for r in rss if r.get("summary")]),
        "vi_no_diacritics_titles": (None, [strip_diacritics(r["title"]) for r in rss if r.get("title")]),
        "en_fundus_full": ("en", _fundus(EN_COUNTRIES)),
        "en_feed_items": ("en", _en_feeds()),
        "other_fundus_full": ("other", _fundus(OTHER_COUNTRIES)),
    }


def main() -> None:
    langdetect.DetectorFactory.seed = 0
    data = datasets()
    out: dict = {"sets": {k: len(v[1]) for k, v in data.items()}}
    for name, fn in METHODS.items():
        res: dict = {}
        cpu, n_full = 0.0, 0
        for set_name, (gold, texts) in data.items():
            t0 = time.process_time()
            pred = [fn(t) for t in texts]
            if set_name.endswith("_full"):
                cpu += time.process_time() - t0
                n_full += len(texts)
            if gold is None:
                res[set_name] = dict(Counter(pred))
            else:
                res[set_name] = round(100 * sum(p == gold for p in pred) / max(1, len(pred)), 2)
        res["full_articles_cpu_docs_per_s"] = round(n_full / cpu, 1) if cpu else None
        out[name] = res
        print(json.dumps({name: res}), flush=True)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
