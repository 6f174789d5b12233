"""A sender process killed with SIGKILL in the middle of an SMTP exchange (after claiming its rows, before
the server accepted the message), then a restart: exactly one message per recipient."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from bantin.delivery.sender import LEASE, deliver_due
from tests.delivery.conftest import LoopbackController, ScriptedHandler, at, enqueue, outbox_rows, subscribe

ROOT = Path(__file__).resolve().parents[2]
SENDER = textwrap.dedent("""
    import sys
    from bantin.app.context import open_app
    from bantin.app.settings import Settings
    from bantin.delivery.sender import deliver_due
    ctx = open_app(Settings(database_url=sys.argv[1], data_dir=sys.argv[2], allow_loopback=True,
                            smtp_host="127.0.0.1", smtp_port=int(sys.argv[3]), smtp_starttls=False,
                            smtp_timeout_s=60), seed_sources=False)
    deliver_due(ctx)
""")


def test_a_sender_killed_mid_send_then_restarted_delivers_exactly_once(ctx: Any, tmp_path: Path,
                                                                        smtp: tuple[ScriptedHandler, LoopbackController]) -> None:
    handler, controller = smtp
    subs = [subscribe(ctx, f"thanh.vien{i}@example.gov.vn") for i in range(2)]
    for sub in subs:
        enqueue(ctx, f"digest:2026-12-01:sub:{sub.id}", sub)
    handler.stall_s = 30.0
    url = ctx.engine.url.render_as_string(hide_password=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")} | {"PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", SENDER, url, str(tmp_path / "killed"), str(controller.port)],
                            env=env, cwd=ROOT)
    try:
        assert handler.rcpt_seen.wait(60), "the sender never reached RCPT"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    handler.stall_s = 0.0
    assert handler.messages == []
    assert [r.state for r in outbox_rows(ctx)] == ["sending", "sending"]  # claimed by the dead sender

    counts = deliver_due(ctx, now=at(LEASE.total_seconds() / 60 + 1))
    assert counts["delivery/email_sent"] == 2
    deliver_due(ctx, now=at(LEASE.total_seconds() / 60 + 5))
    assert sorted(a for m in handler.messages for a in m.rcpt_tos) == sorted(s.email for s in subs)
