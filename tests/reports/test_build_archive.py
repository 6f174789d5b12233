"""bench/build_archive.py: the rows `bantin articles import` gets (unique URLs and texts, syndicated copies)."""

from __future__ import annotations

import gzip
import importlib.util
import json
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "build_archive.py"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_archive", SCRIPT)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_rows_vary_urls_texts_and_dates_and_keep_syndicated_copies(tmp_path: Path) -> None:
    ba = _module()
    news = tmp_path / "news.jsonl.gz"
    with gzip.open(news, "wt", encoding="utf-8") as fh:
        for i in range(200):
            fh.write(json.dumps({"url": f"https://vnexpress.net/tin-{i}.html", "title": f"Tin {i} ở Nghệ An",
                                 "summary": f"Tóm tắt số {i} về lũ ở Kỳ Sơn", "source": "VnExpress - Thời sự",
                                 "published": "2026-03-01T23:30:00+07:00", "fetched": "2026-03-02T00:00:00+07:00"},
                                ensure_ascii=False) + "\n")
    out = tmp_path / "archive.jsonl.gz"
    assert ba.main(["--rows", "600", "--output", str(out), "--news", str(news)]) == 0
    rows = [json.loads(line) for line in gzip.open(out, "rt", encoding="utf-8")]
    assert len(rows) == 600
    assert len({r["url"] for r in rows}) == 600 and len({r["text"] for r in rows}) == 600  # no exact duplicate
    assert {"url", "title", "summary", "text", "published", "source"} <= set(rows[0])
    copies = [r for r in rows if "copy_of" in r]
    by_url = {r["url"]: r for r in rows}
    assert 0.05 * len(rows) < len(copies) < 0.3 * len(rows)
    for c in copies:
        orig = by_url[c["copy_of"]]
        assert c["text"] == f"{orig['text']} Theo {orig['source']}." and c["source"] != orig["source"]
        later = datetime.fromisoformat(c["published"]) - datetime.fromisoformat(orig["published"])
        assert timedelta(minutes=10) <= later <= timedelta(hours=6)
    published = [datetime.fromisoformat(r["published"]) for r in rows]
    assert max(published) - min(published) > timedelta(days=365)  # spread over two years
    originals = [datetime.fromisoformat(r["published"]) for r in rows if "copy_of" not in r]
    assert {(p.hour, p.minute) for p in originals} == {(23, 30)}  # the real item's time of day (Vietnam)
    assert {r["source"] for r in rows if "copy_of" not in r} == {"VnExpress"}  # the section feed's outlet
