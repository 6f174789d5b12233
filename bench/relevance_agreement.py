"""How far two independent readings of the same relevance items agree (#12): the labels' own noise.

    .venv/bin/python -m bench.relevance_agreement [--second data/relevance/ht_heldout_reread.jsonl]

The second reading (session 17) covers the Hà Tĩnh items of fresh4 and fresh7, the held-out sets of the shipped
rules: three other readers, blind to the first labels, in another order, with the conventions of docs/relevance.md;
no matcher or model was run for it. Prints the second reading scored against the first with the goal's figures
(``primary`` P / R / F1, unrelated called primary) and the three-way agreement: a ceiling for any decision scored
against one reading.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from bantin.classify.relevance.training import goal_scores
from bench import relevance as rb

REREAD = rb.LABELS.with_name("ht_heldout_reread.jsonl")
FIRST = ("fresh4_labels.jsonl", "fresh7_labels.jsonl")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--second", type=Path, default=REREAD)
    args = ap.parse_args()
    second = {(r["url"], r["province"]): r["relevance"] for r in rb.load_labels(args.second)}
    first = {(r["url"], r["province"]): r["relevance"] for name in FIRST
             for r in rb.load_labels(rb.LABELS.with_name(name)) if (r["url"], r["province"]) in second}
    if len(first) != len(second):
        raise SystemExit(f"{len(second) - len(first)} items of {args.second} are in neither {FIRST[0]} nor {FIRST[1]}")
    keys = sorted(first)
    gold, other = [first[k] for k in keys], [second[k] for k in keys]
    print(json.dumps({"n": len(keys), "same_label": sum(a == b for a, b in zip(gold, other, strict=True)),
                      "second_against_first": goal_scores(gold, other),
                      "disagreements": {f"{a} / {b}": n for (a, b), n in
                                        Counter((a, b) for a, b in zip(gold, other, strict=True) if a != b).items()}},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
