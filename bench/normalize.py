"""Vietnamese normalisation: bantin's normalize_vi against underthesea text_normalize, side by side.

Prints JSON: docs/s for both on the same VNTC articles in one run, their ratio, and whether the token
sequences are identical on every document (original and with old-style tone marks injected).

    python bench/normalize.py
"""

from __future__ import annotations

import json
import platform
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SMALL = ROOT.parent / "shared" / "data" / "vntc_small"


def main() -> None:
    if not (SMALL / "dev.jsonl").is_file():
        sys.exit(f"needs ../shared data at {SMALL}")
    from underthesea import text_normalize
    from underthesea.pipeline.text_normalize.text_normalizer import token_map
    from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

    from bantin.text.normalize import normalize_chunk, normalize_vi

    docs = [json.loads(x)["text"] for f in ("train.jsonl", "dev.jsonl") for x in (SMALL / f).open(encoding="utf-8")]
    inverse: dict[str, list[str]] = {}
    for bad, good in token_map.items():
        inverse.setdefault(good, []).append(bad)
    rng = random.Random(0)
    perturbed = [re.sub(r"[^\W\d_]+", lambda m: rng.choice(inverse.get(m.group(), [m.group()])), d) for d in docs]

    def tokens(text: str) -> str:
        return " ".join(tokenize(text, use_token_normalize=False, use_character_normalize=False))

    normalize_chunk.cache_clear()
    t = time.perf_counter()
    ours = [normalize_vi(d) for d in docs]
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    ref = [text_normalize(d) for d in docs]
    t_ref = time.perf_counter() - t
    mismatches = sum(tokens(a) != b for a, b in zip(ours, ref, strict=True))
    mismatches += sum(tokens(normalize_vi(p)) != text_normalize(p) for p in perturbed)
    print(json.dumps({
        "bench": "normalize", "docs": len(docs), "chars": sum(map(len, docs)),
        "normalize_vi_docs_per_s": round(len(docs) / t_ours, 1),
        "text_normalize_docs_per_s": round(len(docs) / t_ref, 1),
        "speed_ratio": round(t_ref / t_ours, 2),
        "token_mismatches_incl_perturbed": mismatches, "checked": 2 * len(docs),
        "machine": f"{platform.machine()} py{platform.python_version()}",
    }, indent=1))


if __name__ == "__main__":
    main()
