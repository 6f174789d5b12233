"""`bantin model train --kind relevance` end to end: from the analysts' labels or a file, through the registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bantin.classify.labels import add_label
from tests.classify.test_cli_model import audits, run
from tests.classify.test_labels import add_articles
from tests.classify.test_registry import sessions_for
from tests.classify.test_relevance_learned import CALM, STRANDED, synthetic_items


@pytest.fixture
def env(cli_env: Path) -> Path:
    return cli_env


def store_labels(db_url: str, items: list[dict[str, str]]) -> None:
    with sessions_for(db_url)() as s:
        ids = add_articles(s, [(it["title"], it["summary"]) for it in items])
        for aid, it in zip(ids, items, strict=True):
            add_label(s, aid, "relevance", it["label"], labeller="cli:lan", province=it["province"])
        s.commit()


def write(path: Path, rows: list[dict[str, str]]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def classified(env: Path, *args: str) -> tuple[str, str]:
    src, out = env / "in.jsonl", env / "out.jsonl"
    write(src, [{"id": 1, "title": STRANDED, "summary": CALM}])
    result = run("classify", "--input", str(src), "--output", str(out), "--no-progress", *args)
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return row["province"]["relevance"], " ".join(result.stderr.split())  # rich wraps long lines


def test_training_from_stored_labels_registers_a_version_that_changes_what_classify_writes(
    env: Path, db_url: str
) -> None:
    relevance, stderr = classified(env)
    assert relevance == "primary" and "decided by rules" in stderr  # the rules' answer, before any model
    store_labels(db_url, synthetic_items())
    summary = json.loads(run("model", "train", "--kind", "relevance", "--name", "relevance", "--json").stdout)
    assert (summary["version"], summary["status"]) == (1, "promoted")
    assert summary["metrics"]["kind"] == "relevance" and summary["metrics"]["train"]["db_labels"] == 36
    assert summary["metrics"]["train"]["provinces"] == ["Hà Tĩnh", "Nghệ An"]
    (actor, detail), = audits(db_url, "model.promote")
    assert actor.startswith("cli:") and detail["first_version"] is True and detail["name"] == "relevance"
    relevance, stderr = classified(env)
    assert relevance == "mention" and "decided by relevance v1" in stderr
    second = run("model", "train", "--kind", "relevance", "--name", "relevance", "--param", "C=0.1")
    assert "relevance v2 (candidate)" in second.stdout
    listed = json.loads(run("model", "list", "relevance", "--json").stdout)
    assert [(r["version"], r["status"]) for r in listed] == [(1, "promoted"), (2, "candidate")]


def test_a_relevance_candidate_is_gated_on_the_frozen_set_and_name_at_version_selects_it(
    env: Path, db_url: str
) -> None:
    items = synthetic_items()
    good = write(env / "good.jsonl", items)
    flipped = write(env / "bad.jsonl", [{**it, "label": {"primary": "none", "none": "mention", "mention": "primary"}[
        it["label"]]} for it in items])
    ev = write(env / "eval.jsonl", [{**it, "title": it["title"] + " năm nay"} for it in items])
    first = json.loads(run("model", "train", "--kind", "relevance", "--name", "trial", "--input", good, "--eval", ev,
                           "--no-labels", "--json").stdout)
    assert first["status"] == "promoted" and first["metrics"]["frozen_eval"]["macro_f1"] > 90
    assert "decided by rules" in classified(env)[1]  # only the promoted `relevance` decides by default
    assert classified(env, "--model", "trial@1")[0] == "mention"
    run("model", "train", "--kind", "relevance", "--name", "trial", "--input", flipped, "--no-labels")
    assert "below" in run("model", "promote", "trial", "--no-reclassify", code=1).stderr
    assert classified(env, "--model", "trial@2")[0] != "mention"


@pytest.mark.parametrize("rows, message", [
    ([], "no relevance labels"),
    ([{"province": "Nghệ An", "relevance": "primary", "title": "Nghệ An khởi công cầu"}] * 3,
     "need at least two different labels"),
    ([{"province": "Nghệ An", "relevance": "sometimes", "title": "Nghệ An"}], "relevance must be one of"),
    ([{"province": "Nghệ An", "relevance": "none", "url": "https://bao.example/not-stored"}], "no text"),
])
def test_bad_relevance_training_input_is_refused_in_one_line(env: Path, rows: list[dict[str, str]],
                                                             message: str) -> None:
    data = write(env / "in.jsonl", rows)
    result = run("model", "train", "--kind", "relevance", "--name", "relevance", "--input", data, "--no-labels",
                 code=1)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert json.loads(run("model", "list", "--json").stdout) == []


def test_the_topic_model_and_relevance_names_keep_their_kind(env: Path) -> None:
    data = write(env / "in.jsonl", synthetic_items())
    refused = run("model", "train", "--kind", "relevance", "--name", "topics", "--input", data, code=1)
    assert "train it with --kind text" in " ".join(refused.stderr.split())
    refused = run("model", "train", "--name", "relevance", "--data", data, code=1)
    assert "train it with --kind relevance" in " ".join(refused.stderr.split())
    assert json.loads(run("model", "list", "--json").stdout) == []


def stored_decision(db_url: str, article_id: int) -> tuple[str, int | None]:
    from bantin.store.schema import Classification

    with sessions_for(db_url)() as s:
        row = s.get(Classification, article_id)
        return row.relevance, row.relevance_version_id


def version_id(db_url: str, name: str, version: int) -> int:
    from sqlalchemy import select

    from bantin.store.schema import ModelVersion

    with sessions_for(db_url)() as s:
        return s.scalar(select(ModelVersion.id).where(ModelVersion.name == name, ModelVersion.version == version))


def test_promoting_or_rolling_back_the_relevance_decision_reclassifies_the_stored_archive(
    env: Path, db_url: str
) -> None:
    items = synthetic_items()
    with sessions_for(db_url)() as s:  # the labelled items and one unlabelled article the rules get wrong
        *ids, stranded = add_articles(s, [(it["title"], it["summary"]) for it in items] + [(STRANDED, CALM)])
        for aid, it in zip(ids, items, strict=True):
            add_label(s, aid, "relevance", it["label"], labeller="cli:lan", province=it["province"])
        s.commit()
    assert "re-classified) 37" in run("model", "reclassify", "--no-progress").stderr
    assert stored_decision(db_url, stranded) == ("primary", None)  # the rules decided
    run("model", "train", "--kind", "relevance", "--name", "relevance")  # a first version: promoted at once
    redone = " ".join(run("model", "reclassify", "--no-progress").stderr.split())
    assert "re-classified) 37" in redone and "relevance: relevance v1" in redone
    v1 = version_id(db_url, "relevance", 1)
    assert stored_decision(db_url, stranded) == ("mention", v1)
    assert "re-classified) 0" in run("model", "reclassify", "--no-progress").stderr  # nothing left to redo
    run("model", "train", "--kind", "relevance", "--name", "relevance", "--param", "C=0.1")
    promoted = run("model", "promote", "relevance", "--force", "--reason", "test", "--no-progress").stderr
    assert "re-classified) 37" in promoted
    assert stored_decision(db_url, stranded)[1] == version_id(db_url, "relevance", 2)
    assert "re-classified) 37" in run("model", "rollback", "relevance", "--no-progress").stderr
    assert stored_decision(db_url, stranded) == ("mention", v1)
