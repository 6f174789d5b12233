"""`bantin alerts backtest` on small files: the alerts as JSON, bad rows counted by reason, one-line errors."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from bantin.alerts.explain import VIETNAM
from bantin.cli.main import app
from tests.alerts.synthetic import START, burst, poisson_times

BURST_AT = START + timedelta(weeks=6, days=1, hours=2, minutes=5)


def write_rows(path: Path) -> None:
    rows = [{"published": t.isoformat(), "topics": ["thiên tai"], "source": "Báo Tỉnh", "language": "vi"}
            for t in poisson_times(lambda _: 6.0, 7, seed=21)]
    rows += [{"published": t.isoformat(), "label": "thiên tai", "source": "Báo Tỉnh"}
             for t in burst(BURST_AT, 48, seed=22)]  # 5× for two hours
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines += ["not json", "[1, 2]", json.dumps({"topics": ["y tế"]}), json.dumps({"published": "hôm qua",
              "topics": ["y tế"]}), json.dumps({"published": "2026-01-06T08:00:00+07:00"}), ""]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def test_backtest_prints_the_alerts_it_would_have_fired_as_json(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl.gz"
    write_rows(data)
    result = CliRunner().invoke(app, ["alerts", "backtest", "--input", str(data), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["series"] == ["topic:thiên tai"]
    start, end = BURST_AT.astimezone(VIETNAM).isoformat(), (BURST_AT + timedelta(hours=2)).astimezone(VIETNAM).isoformat()
    burst_alerts = [a for a in report["alerts"] if start < a["fired_at"] <= end]
    assert len(burst_alerts) == 1
    alert = burst_alerts[0]
    assert set(alert) == {"series", "window_start", "fired_at", "count", "expected", "p_value", "why"}
    assert alert["series"] == "topic:thiên tai" and alert["fired_at"].endswith("+07:00")
    assert alert["why"].startswith(f"{alert['count']} bài trong ")
    assert report["bad_rows"] == {"not_json": 1, "not_an_object": 1, "no_published": 1, "bad_published": 1,
                                  "no_topics": 1}
    assert report["rows"] == report["rows_used"] + 5


def test_backtest_by_source_counts_rows_without_a_source(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl.gz"
    write_rows(data)
    result = CliRunner().invoke(app, ["alerts", "backtest", "--input", str(data), "--series", "source", "--json"])
    report = json.loads(result.stdout)
    assert report["series"] == ["source:Báo Tỉnh"]
    assert report["bad_rows"]["no_source"] == 1  # the row with a time only


def test_backtest_by_language_and_as_a_whole(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl.gz"
    write_rows(data)
    by_language = json.loads(CliRunner().invoke(
        app, ["alerts", "backtest", "--input", str(data), "--series", "language", "--json"]).stdout)
    assert by_language["series"] == ["language:vi"]
    assert by_language["bad_rows"]["no_language"] == 48 + 1  # the burst rows carry no language, nor the time-only row
    whole = json.loads(CliRunner().invoke(
        app, ["alerts", "backtest", "--input", str(data), "--series", "all", "--json"]).stdout)
    assert whole["series"] == ["all"] and whole["alerts_total"] >= 1


def test_topics_as_classify_writes_them_count_from_the_model_threshold(tmp_path: Path) -> None:
    data = tmp_path / "classified.jsonl"
    rows = [{"published": "2026-03-02T08:00:00+07:00", "topics": {"thien_tai": 0.91, "y_te": 0.2}},
            {"published": "2026-03-02T08:05:00+07:00", "topics": {"y_te": 0.3}},
            {"published": "2026-03-02T08:10:00", "topics": {"y_te": "cao"}}]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["alerts", "backtest", "--input", str(data), "--json"])
    report = json.loads(result.stdout)
    assert report["series"] == ["topic:thien_tai"]
    assert report["bad_rows"] == {"no_topic_above_threshold": 1, "bad_topics": 1}


def test_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["alerts", "backtest", "--input", str(tmp_path / "nope.jsonl"), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "nope.jsonl" in result.stderr and "Traceback" not in result.stderr


def test_an_unreadable_gzip_is_one_line_and_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "rows.jsonl.gz"
    broken.write_bytes(b"not gzip at all")
    result = CliRunner().invoke(app, ["alerts", "backtest", "--input", str(broken)])
    assert result.exit_code == 2
    assert "không đọc được" in result.stderr and result.stderr.strip().count("\n") == 0
