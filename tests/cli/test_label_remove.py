"""`bantin label ID --remove` leaves a trace: who removed which label from which article."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bantin.app.settings import get_settings
from bantin.classify.labels import add_label, topic_keys
from bantin.cli.main import app
from bantin.store.db import make_engine, session_factory
from bantin.store.schema import Label
from tests.cli.test_audit_first import audit_rows, stored_articles


def test_removing_a_label_is_audited_with_the_article_and_label(db_url: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (aid,) = stored_articles(db_url, 1)
    key = topic_keys()[0]
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        add_label(s, aid, "topic", key, labeller="cli:tester")
        s.commit()
    monkeypatch.setenv("BANTIN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BANTIN_DATABASE_URL", db_url)
    monkeypatch.setattr("getpass.getuser", lambda: "tester")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["label", str(aid), "--topic", key, "--remove"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert f"topic={key}: removed" in result.output
    with session_factory(engine)() as s:
        assert s.scalars(select(Label)).all() == []
    engine.dispose()
    assert audit_rows(db_url, "labels.remove") == [{"article": aid, "kind": "topic", "value": key, "removed": 1}]
