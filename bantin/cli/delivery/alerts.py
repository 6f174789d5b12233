"""`bantin alerts backtest`: replay the spike detector over a file of rows and print the alerts it would have
fired (issue #11). No database: the rows are the input. Errors a user can cause (a missing or unreadable file,
a file beyond the bounds) are one line with exit code 2, as :mod:`bantin.cli.errors` reports every command's.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bantin.cli.common import JsonOpt, fail, out

alerts_app = typer.Typer(help="Cảnh báo: phát hiện tăng đột biến (alerts: volume spikes).", no_args_is_help=True)

# A year of a large crawl is ~500,000 rows; beyond this the input is not a backtest but a mistake.
MAX_INPUT_ROWS = 3_000_000
# One JSON row longer than this is not an article's metadata (a whole page pasted into a field).
MAX_LINE_CHARS = 200_000
# Series beyond this: the grid (10-minute slots × series) would not fit in memory; topics/outlets are far fewer.
MAX_SERIES = 300
# Span of the timeline: two years of 10-minute slots per series is ~100,000 numbers.
MAX_SPAN_DAYS = 800
# Alerts printed at most; the total is always reported.
MAX_ALERTS_PRINTED = 10_000


class SeriesKind(StrEnum):
    topic = "topic"
    source = "source"
    language = "language"
    all = "all"


class InputError(Exception):
    """The input cannot be backtested (missing, unreadable, beyond a bound): one line, exit 2."""


def _lines(path: Path, bad: Counter[str], seen: Counter[str]) -> Iterator[str]:
    """The file's non-blank lines; an over-long one is counted as bad (``line_too_long``), not parsed."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
            for line in fh:
                if not line.strip():
                    continue
                seen["rows"] += 1
                if seen["rows"] > MAX_INPUT_ROWS:
                    raise InputError(f"{path}: quá {MAX_INPUT_ROWS} dòng (more than {MAX_INPUT_ROWS} rows)")
                if len(line) > MAX_LINE_CHARS:
                    bad["line_too_long"] += 1
                    continue
                yield line
    except FileNotFoundError:
        raise InputError(f"{path}: không có tệp (no such file)") from None
    except IsADirectoryError:
        raise InputError(f"{path}: là thư mục, không phải tệp (a directory)") from None
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputError(f"{path}: không đọc được (unreadable): {exc}") from None


@alerts_app.command("backtest")
def backtest_cmd(
    input_file: Annotated[Path, typer.Option("--input", help="FILE.jsonl[.gz]: rows with `published` and "
                                             "`topics` (or `label`), optionally `source`, `language`")],
    series: Annotated[SeriesKind, typer.Option("--series", help="series to watch")] = SeriesKind.topic,
    json_out: JsonOpt = False,
) -> None:
    """Phát lại bộ phát hiện đột biến trên tệp (replay the spike detector over a file, no look-ahead)."""
    from bantin.alerts.detector import Params, detect
    from bantin.alerts.explain import VIETNAM
    from bantin.alerts.grid import build
    from bantin.alerts.rows import events

    bad: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    try:
        evs = list(events(_lines(input_file, bad, seen), series.value, bad))
    except InputError as exc:
        fail(str(exc), code=2)
    names = {s for s, _ in evs}
    if len(names) > MAX_SERIES:
        fail(f"{input_file}: {len(names)} chuỗi, tối đa {MAX_SERIES} (too many series)", code=2)
    if evs:
        span = max(w for _, w in evs) - min(w for _, w in evs)
        if span.days > MAX_SPAN_DAYS:
            fail(f"{input_file}: {span.days} ngày, tối đa {MAX_SPAN_DAYS} (timeline too long)", code=2)
    alerts = detect(build(evs))
    result = {
        "input": str(input_file), "series_kind": series.value, "rows": seen["rows"],
        "rows_used": seen["rows"] - sum(bad.values()),
        "events": len(evs), "series": sorted(names), "bad_rows": dict(sorted(bad.items())),
        "alerts_total": len(alerts), "alerts": [a.as_json() for a in alerts[:MAX_ALERTS_PRINTED]],
        "params": {k: (str(v) if not isinstance(v, (int, float, tuple)) else v) for k, v in vars(Params()).items()},
    }
    if json_out:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    for a in alerts[:MAX_ALERTS_PRINTED]:
        out.print(f"{a.fired_at.astimezone(VIETNAM):%Y-%m-%d %H:%M}  {a.series}  {a.why}", highlight=False)
    bad_text = ", ".join(f"{k} {v}" for k, v in sorted(bad.items())) or "0"
    out.print(f"{len(alerts)} cảnh báo (alerts); dòng lỗi (bad rows): {bad_text}", highlight=False)


from bantin.cli.delivery.alert_rules import alerts_run, rules_app  # noqa: E402 - the rules' commands live there

alerts_app.add_typer(rules_app, name="rules")
alerts_app.command("run")(alerts_run)
