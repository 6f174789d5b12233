"""Audit first, then output (docs/principles.md, principle 3): an export whose reader goes away after one line
(`bantin articles export | head -1`) is still in the audit log, and the command exits quietly."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import select

from bantin.classify.labels import add_label, topic_keys
from bantin.store.db import make_engine, session_factory
from bantin.store.migrate import upgrade
from bantin.store.schema import Article, AuditEvent
from tests.cli.run import bantin_env, bantin_popen

# Well past a pipe's 64 KiB buffer, so the command is still writing when its reader closes the pipe.
ARTICLES = 300
TEXT_CHARS = 1000


def stored_articles(db_url: str, n: int = ARTICLES) -> list[int]:
    engine = make_engine(db_url)
    upgrade(engine)
    with session_factory(engine)() as s:
        arts = [Article(canonical_url=f"https://bao.example/tin-{i}", title=f"Tin số {i}",
                        text=f"Nghệ An tin số {i}. " + "Nội dung bài báo. " * (TEXT_CHARS // 18),
                        content_hash=hashlib.sha256(str(i).encode()).hexdigest()) for i in range(n)]
        s.add_all(arts)
        s.flush()
        ids = [a.id for a in arts]
        s.commit()
    engine.dispose()
    return ids


def audit_rows(db_url: str, action: str) -> list[dict]:  # type: ignore[type-arg]
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        rows = [json.loads(e.detail or "{}") for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action))]
    engine.dispose()
    return rows


def read_one_line_and_close(env: dict[str, str], *args: str) -> tuple[str, int, str]:
    proc = bantin_popen(env, *args)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # like `head -1` exiting
    stderr = proc.stderr.read()
    return first, proc.wait(timeout=120), stderr


def test_articles_export_cut_short_by_its_reader_is_audited_and_quiet(db_url: str, tmp_path: Path) -> None:
    stored_articles(db_url)
    first, code, stderr = read_one_line_and_close(bantin_env(tmp_path, BANTIN_DATABASE_URL=db_url),
                                                  "articles", "export")
    assert json.loads(first)["title"] == "Tin số 0"
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert code in (0, 1)
    assert audit_rows(db_url, "articles.export") == [{"format": "jsonl", "rows": ARTICLES, "output": "-"}]


def test_label_export_cut_short_by_its_reader_is_audited_and_quiet(db_url: str, tmp_path: Path) -> None:
    ids = stored_articles(db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        for aid in ids:
            add_label(s, aid, "topic", topic_keys()[0], labeller="cli:lan")
        s.commit()
    engine.dispose()
    first, code, stderr = read_one_line_and_close(bantin_env(tmp_path, BANTIN_DATABASE_URL=db_url),
                                                  "model", "export-labels")
    assert json.loads(first)["label"] == topic_keys()[0]
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert audit_rows(db_url, "labels.export") == [
        {"kind": "topic", "province": None, "rows": ARTICLES, "output": "-"}]


def test_export_to_a_file_is_audited_with_the_file_and_writes_every_article(db_url: str, tmp_path: Path) -> None:
    stored_articles(db_url, 3)
    target = tmp_path / "out.jsonl"
    proc = bantin_popen(bantin_env(tmp_path, BANTIN_DATABASE_URL=db_url), "articles", "export", "-o", str(target))
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert [json.loads(line)["canonical_url"] for line in target.read_text(encoding="utf-8").splitlines()] == [
        "https://bao.example/tin-0", "https://bao.example/tin-1", "https://bao.example/tin-2"]
    assert audit_rows(db_url, "articles.export") == [{"format": "jsonl", "rows": 3, "output": str(target)}]
