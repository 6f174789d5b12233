"""The analysts' commands end to end through typer's CliRunner, on a temporary data dir and database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from bantin.classify import active, labels
from bantin.cli.model import classify_cmd, label_cmd, model_app
from bantin.store.schema import AuditEvent, Classification, Label
from tests.classify.test_labels import add_articles
from tests.classify.test_registry import VOCAB, sessions_for, swapped, synthetic_rows

# Mounted exactly as bantin/cli/main.py mounts them.
app = typer.Typer()
app.add_typer(model_app, name="model")
app.command("classify")(classify_cmd)
app.command("label")(label_cmd)
FAST = ["--param", "n_features=4096", "--param", "min_df=1"]


@pytest.fixture
def env(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(labels, "topic_keys", lambda: list(VOCAB))
    monkeypatch.setattr(active, "topic_keys", lambda: list(VOCAB))
    return cli_env


def run(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result


def jsonl(path: Path, rows: list[tuple[str, str]]) -> str:
    path.write_text("".join(json.dumps({"text": t, "label": lab}, ensure_ascii=False) + "\n" for t, lab in rows),
                    encoding="utf-8")
    return str(path)


def audits(db_url: str, action: str) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    with sessions_for(db_url)() as s:
        return [(e.actor, json.loads(e.detail or "{}"))
                for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def test_train_freeze_promote_gate_force_rollback_evaluate(env: Path, db_url: str) -> None:
    good, bad = jsonl(env / "good.jsonl", synthetic_rows()), jsonl(env / "bad.jsonl", swapped(synthetic_rows()))
    ev = jsonl(env / "eval.jsonl", synthetic_rows(10, seed=5))
    assert "demo v1 (promoted)" in run("model", "train", "--data", good, "--name", "demo", *FAST).stdout
    run("model", "freeze-eval", "demo", "--data", ev)
    assert "unchanged" in run("model", "freeze-eval", "demo", "--data", ev).stdout
    assert "already promoted" in run("model", "promote", "demo", code=1).stderr
    summary = json.loads(run("model", "train", "--data", bad, "--name", "demo", "--json", *FAST).stdout)
    assert summary["version"] == 2 and summary["metrics"]["frozen_eval"]["macro_f1"] < 50
    assert "below" in run("model", "promote", "demo", code=1).stderr
    assert "reason" in run("model", "promote", "demo", "--force", code=1).stderr
    assert "FORCED" in run("model", "promote", "demo", "--force", "--reason", "trying it out").stdout
    (actor, detail), = audits(db_url, "model.promote")[-1:]
    assert actor.startswith("cli:") and detail["reason"] == "trying it out" and detail["forced"] is True
    assert detail["new_macro_f1"] < detail["previous_macro_f1"]
    listed = json.loads(run("model", "list", "--json").stdout)
    assert [(r["version"], r["status"], r["forced"]) for r in listed] == [(1, "retired", False), (2, "promoted", True)]
    assert "v2 → v1" in run("model", "rollback", "demo").stdout
    result = json.loads(run("model", "evaluate", "--data", ev, "--model", "demo", "--json").stdout)
    assert result["version"] == 1 and result["macro_f1"] > 90
    assert set(result) >= {"accuracy", "macro_f1", "per_class", "docs_per_s"}
    assert set(result["per_class"]["y_te"]) == {"precision", "recall", "f1", "support"}
    assert [d["sha256"] for _, d in audits(db_url, "model.freeze_eval")] == [summary["metrics"]["frozen_eval"]["sha256"]]
    artifact = env / "data" / "models" / "demo" / "1.skops"
    artifact.write_bytes(artifact.read_bytes() + b"\0")
    assert "sha256" in run("model", "evaluate", "--data", ev, "--model", "demo", code=1).stderr


def test_classify_writes_one_row_per_input_row_in_order(env: Path, shared_data: Path) -> None:
    dev = [json.loads(line) for line in (shared_data / "vntc_small" / "dev.jsonl").open(encoding="utf-8")][:40]
    run("model", "train", "--data", str(shared_data / "vntc_small" / "train.jsonl"), "--name", "vntc", *FAST)
    lines = [json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) for r in dev]
    lines[3], lines[7] = "{broken", json.dumps({"id": "no-text", "url": "https://x/1"})
    src = env / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = env / "out.jsonl"
    result = run("classify", "--input", str(src), "--output", str(out), "--model", "vntc", "--no-progress")
    assert "40 dòng (rows), 2 lỗi (errors)" in result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 40 and [r.get("id") for r in rows] == [None if i == 3 else (
        "no-text" if i == 7 else dev[i]["id"]) for i in range(40)]
    assert rows[3]["line"] == 4 and rows[7]["url"] == "https://x/1" and "error" in rows[7]
    good = [(r, d) for i, (r, d) in enumerate(zip(rows, dev, strict=True)) if i not in (3, 7)]
    assert all({"label", "scores", "topics", "province", "language"} <= set(r) for r, _ in good)
    assert sum(r["label"] == d["label"] for r, d in good) >= 0.7 * len(good)
    assert run("classify", "--input", str(env / "missing.jsonl"), "--output", str(out), code=1).stderr


def _classified(env: Path, texts: list[str], *args: str, code: int = 0) -> tuple[list[dict], str]:  # type: ignore[type-arg]
    src, out = env / "in.jsonl", env / "out.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)),
                   encoding="utf-8")
    out.unlink(missing_ok=True)
    result = run("classify", "--input", str(src), "--output", str(out), "--no-progress", *args, code=code)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    return rows, result.stderr


def test_a_new_names_first_version_classifies_at_once_and_name_at_version_picks_a_candidate(
    env: Path, db_url: str
) -> None:
    rows = synthetic_rows()
    texts = [" ".join(VOCAB[k].split()[:5]) for k in VOCAB]  # one clear text per class, in VOCAB order
    summary = json.loads(run("model", "train", "--data", jsonl(env / "good.jsonl", rows), "--name", "fresh",
                             "--json", *FAST).stdout)
    assert (summary["version"], summary["status"]) == (1, "promoted")
    out, stderr = _classified(env, texts, "--model", "fresh")
    assert [r["label"] for r in out] == list(VOCAB) and "label: fresh v1" in stderr
    (actor, detail), = audits(db_url, "model.promote")
    assert actor.startswith("cli:") and detail["name"] == "fresh" and detail["version"] == 1
    assert detail["first_version"] is True and detail["forced"] is False and detail["previous"] is None
    trained = run("model", "train", "--data", jsonl(env / "bad.jsonl", swapped(rows)), "--name", "fresh", *FAST)
    assert "fresh v2 (candidate)" in trained.stdout and "first version" not in trained.stdout
    assert len(audits(db_url, "model.promote")) == 1  # the second version waits for the gate
    assert [r["label"] for r in _classified(env, texts, "--model", "fresh")[0]] == list(VOCAB)
    out, stderr = _classified(env, texts, "--model", "fresh@2")
    assert [r["label"] for r in out] == [lab for _, lab in swapped(list(zip(texts, VOCAB, strict=True)))]
    assert "label: fresh v2" in stderr
    listed = json.loads(run("model", "list", "fresh", "--json").stdout)
    assert [(r["version"], r["status"]) for r in listed] == [(1, "promoted"), (2, "candidate")]


def test_classify_refuses_an_unknown_model_or_version_in_one_line(env: Path) -> None:
    run("model", "train", "--data", jsonl(env / "good.jsonl", synthetic_rows()), "--name", "fresh", *FAST)
    for ref, message in (("nope", "(no model) 'nope'"), ("fresh@7", "(has no version) 7; versions: 1"),
                         ("fresh@x", "NAME@VERSION"), ("fresh@0", "NAME@VERSION"), ("Bad/Name", "invalid model name")):
        out, stderr = _classified(env, ["bóng đá"], "--model", ref, code=1)
        assert message in stderr and "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
        assert out == []


def test_the_topic_models_first_version_waits_for_an_explicit_promotion(env: Path, db_url: str) -> None:
    summary = json.loads(run("model", "train", "--data", jsonl(env / "t.jsonl", synthetic_rows()), "--name", "topics",
                             "--json", "--param", "n_features=4096").stdout)
    assert summary["status"] == "candidate" and audits(db_url, "model.promote") == []
    assert "topics: default" in _classified(env, ["bóng đá cầu thủ"])[1]


def test_label_uncertain_and_export_with_the_topic_model(env: Path, db_url: str) -> None:
    sessions = sessions_for(db_url)
    with sessions() as s:
        ids = add_articles(s, [(None, "bóng đá cầu thủ trận đấu bàn thắng"), (None, "bệnh viện bóng đá ngân hàng"),
                               ("Nghệ An", "Tại TP Vinh, doanh nghiệp xuất khẩu"), (None, "bác sĩ điều trị thuốc")])
        s.commit()
    run("model", "train", "--data", jsonl(env / "t.jsonl", synthetic_rows()), "--name", "topics",
        "--param", "n_features=4096")
    assert "min_df" not in run("model", "train", "--data", str(env / "t.jsonl"), "--name", "topics", "--param",
                               "min_df=1", code=1).stdout
    assert "re-classified) 4" in run("model", "promote", "topics", "--no-progress").stderr
    assert f"article) {ids[0]} · topic=the_thao: added" in run("label", str(ids[0]), "--topic", "the_thao").stdout
    assert "already there" in run("label", str(ids[0]), "--topic", "the_thao").stdout
    assert "unknown topic key" in run("label", str(ids[0]), "--topic", "bieu_tinh", code=1).stderr
    assert "no article" in run("label", "999999", "--relevance", "primary", code=1).stderr
    run("label", str(ids[2]), "--relevance", "primary")
    uncertain = json.loads(run("model", "uncertain", "--limit", "2", "--json", "--no-progress").stdout)
    assert len(uncertain) == 2 and ids[0] not in [u["article_id"] for u in uncertain]
    assert uncertain[0]["margin"] <= uncertain[1]["margin"] and uncertain[0]["article_id"] == ids[1]
    out = env / "labels.jsonl"
    run("model", "export-labels", "--kind", "topic", "-o", str(out))
    assert [json.loads(line)["label"] for line in out.read_text(encoding="utf-8").splitlines()] == ["the_thao"]
    assert [d["rows"] for _, d in audits(db_url, "labels.export")] == [1]
    assert [d["rows"] for _, d in audits(db_url, "model.uncertain")] == [2]
    assert "re-classified) 0" in run("model", "reclassify", "--no-progress").stderr
    with sessions() as s:
        assert len(s.scalars(select(Classification)).all()) == 4
        assert {(lab.kind, lab.value, lab.labeller.startswith("cli:")) for lab in s.scalars(select(Label))} == {
            ("topic", "the_thao", True), ("relevance", "primary", True)}
