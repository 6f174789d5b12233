"""Segment every VNTC training text into words with underthesea (#12), for bench/vntc_tune.py's ``seg`` views.

    PYTHONPATH=. python -m bench.vntc_seg [--jobs 2]

Writes VNTC_CACHE/seg.jsonl (one JSON string per text, words joined by "_", the corpus order). ~60 texts a second
per core on this machine (33,759 texts: ~10 minutes on one core). Reads ../shared in place.
"""

from __future__ import annotations

import argparse
import json
import os
from multiprocessing import Pool

from bench import vntc_cache as vc
from bench.vntc_tune import SEGMENTED


def segment(text: str) -> str:
    from underthesea import word_tokenize

    return str(word_tokenize(text, format="text"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    texts = vc.texts()
    tmp = SEGMENTED.with_suffix(".tmp")
    SEGMENTED.parent.mkdir(parents=True, exist_ok=True)
    with Pool(args.jobs) as pool, tmp.open("w", encoding="utf-8") as out:
        for s in pool.imap(segment, texts, chunksize=64):
            out.write(json.dumps(s, ensure_ascii=False) + "\n")
    os.replace(tmp, SEGMENTED)
    print(json.dumps({"texts": len(texts), "file": str(SEGMENTED)}))


if __name__ == "__main__":
    main()
