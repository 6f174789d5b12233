"""How often two independent readings of the same RSS items give the same topic (#12): the labels' own noise.

    .venv/bin/python -m bench.topics_agreement [--first data/topics/rss_topic_labels_fresh5.jsonl]
                                               [--second data/topics/rss_topic_labels_fresh5_reread.jsonl]

The second reading (session 17) was made by six other readers, blind to the first labels, in another order and
split, with the same written conventions (docs/taxonomy.md); no model was run for it, so it is no look at the
held-out set. Prints one JSON object: raw agreement, Cohen's kappa, the disagreeing pairs, and agreement on the
items a second reader called close. A ceiling for any model's top-1 against one reading is about this agreement.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from bantin.classify.topics.rssdata import FRESH5, labelled

REREAD = FRESH5.with_name("rss_topic_labels_fresh5_reread.jsonl")


def agreement(first: list[dict], second: list[dict]) -> dict:
    a = {r["url"]: r["topic"] for r in first}
    b = {r["url"]: r for r in second}
    if set(a) != set(b):
        raise SystemExit(f"the two readings cover different items ({len(set(a) ^ set(b))} differ)")
    n = len(a)
    same = sum(a[u] == b[u]["topic"] for u in a)
    ca, cb = Counter(a.values()), Counter(r["topic"] for r in b.values())
    expected = sum(ca[k] * cb[k] for k in ca) / n / n
    close = [u for u in a if "close" in (b[u].get("note") or "")]
    pairs = Counter(f"{a[u]} / {b[u]['topic']}" for u in a if a[u] != b[u]["topic"])
    return {"n": n, "agree": same, "agreement": round(same / n, 4),
            "kappa": round((same / n - expected) / (1 - expected), 4),
            "close_calls_second": len(close), "agree_on_close": sum(a[u] == b[u]["topic"] for u in close),
            "disagreements": dict(pairs.most_common())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--first", type=Path, default=FRESH5)
    ap.add_argument("--second", type=Path, default=REREAD)
    args = ap.parse_args()
    print(json.dumps(agreement(labelled(args.first), labelled(args.second)), ensure_ascii=False))


if __name__ == "__main__":
    main()
