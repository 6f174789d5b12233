"""`bantin alerts rules add|list|remove` (audited, one-line refusals) and `bantin alerts run` (evaluate once,
deliver once, print what fired), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from bantin.store.alerting import AlertRule
from bantin.store.schema import AuditEvent
from tests.delivery.test_cli import rows
from tests.queue.newsroom import BRIDGE, Newsroom


def test_rules_add_list_remove_are_audited(cli: Any) -> None:
    added = cli("alerts", "rules", "add", "Thiên tai", "--kind", "new_primary_story", "--topic", "economy",
                "--cooldown", "60")
    assert added.exit_code == 0, added.output
    [rule] = rows(cli.db_url, AlertRule)
    assert (rule.name, rule.kind, json.loads(rule.topics), rule.cooldown_minutes) == \
        ("Thiên tai", "new_primary_story", ["economy"], 60)
    listed = cli("alerts", "rules", "list", "--json")
    assert listed.exit_code == 0
    [row] = json.loads(listed.output)
    assert row["name"] == "Thiên tai" and row["topics"] == ["economy"] and "tester" in row["created_by"]
    removed = cli("alerts", "rules", "remove", "Thiên tai")
    assert removed.exit_code == 0 and rows(cli.db_url, AlertRule) == []
    audits = [(a.action, a.target) for a in rows(cli.db_url, AuditEvent)]
    assert ("alert_rules.add", f"alert_rule:{rule.id}") in audits
    assert ("alert_rules.remove", f"alert_rule:{rule.id}") in audits


def test_rules_refusals_are_one_line(cli: Any) -> None:
    bad_kind = cli("alerts", "rules", "add", "X", "--kind", "gossip")
    assert bad_kind.exit_code == 1 and "loại không hợp lệ" in bad_kind.output and "Traceback" not in bad_kind.output
    bad_topic = cli("alerts", "rules", "add", "X", "--kind", "volume_spike", "--topic", "nope")
    assert bad_topic.exit_code == 1 and "chủ đề không có" in bad_topic.output
    assert cli("alerts", "rules", "add", "X", "--kind", "volume_spike").exit_code == 0
    again = cli("alerts", "rules", "add", "X", "--kind", "volume_spike")
    assert again.exit_code == 1 and "đã có" in again.output
    no_search = cli("alerts", "rules", "add", "Z", "--kind", "new_primary_story", "--saved-search", "999")
    assert no_search.exit_code == 1 and "không có tìm kiếm đã lưu" in no_search.output
    missing = cli("alerts", "rules", "remove", "Y")
    assert missing.exit_code == 1 and "không có quy tắc" in missing.output


def test_alerts_run_prints_what_fired_and_queues_the_email(cli: Any) -> None:
    from bantin.app.context import open_app
    from bantin.app.settings import get_settings
    from bantin.store.delivery import OutboxMessage

    assert cli("alerts", "rules", "add", "Tin tỉnh", "--kind", "new_primary_story").exit_code == 0
    assert cli("subscriptions", "add", "giam.doc@example.gov.vn", "--rule", "Tin tỉnh").exit_code == 0
    ctx = open_app(get_settings(), seed_sources=False)
    news = Newsroom(ctx)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.classify()
    ctx.engine.dispose()
    ran = cli("alerts", "run")
    assert ran.exit_code == 0, ran.output
    assert "Tin tỉnh" in ran.output and "khánh thành cầu Hưng Đức" in ran.output and "1 cảnh báo mới" in ran.output
    [msg] = rows(cli.db_url, OutboxMessage)
    assert msg.dedup_key.startswith("alert:") and msg.recipient == "giam.doc@example.gov.vn"
    assert msg.state == "queued"  # no SMTP host configured: it waits in the outbox
    again = cli("alerts", "run")
    assert again.exit_code == 0 and "0 cảnh báo mới" in again.output
