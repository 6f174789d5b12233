"""`bantin digest ...`: the daily digest ("điểm báo") of a Vietnamese calendar day, rendered to a file.

A render is an export of the queue's stories: it is audited, the audit row committed, before the digest is
read and the file written (docs/principles.md, principle 3). ``bantin digest send`` queues the
day's digest for every daily subscriber through the outbox (bantin.app.digests) and delivers it.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from bantin.cli.common import err, fail

digest_app = typer.Typer(help="Điểm báo hằng ngày (the daily digest).", no_args_is_help=True)

FORMATS = ("html", "text", "docx", "pdf")
# --topics values: every taxonomy key at most once, comma-separated or repeated (14 keys today, with room)
MAX_TOPICS = 32


def parse_day(text: str) -> date:
    from bantin.reports.days import RangeError, day_range

    try:
        day = date.fromisoformat(text.strip())
        day_range(day, day)
    except ValueError as exc:
        reason = str(exc) if isinstance(exc, RangeError) else "dùng YYYY-MM-DD (use YYYY-MM-DD)"
        fail(f"ngày không hợp lệ (bad date) {text[:40]!r}: {reason}", 2)
        raise AssertionError from None  # fail() always raises
    return day


def parse_topics(values: list[str] | None) -> set[str]:
    from bantin.classify.topics.taxonomy import TOPIC_KEYS

    keys = {k.strip() for v in values or () for k in v.split(",") if k.strip()}
    unknown = sorted(k for k in keys if k not in TOPIC_KEYS)
    if unknown or len(keys) > MAX_TOPICS:
        fail(f"chủ đề không có (unknown topics) {', '.join(k[:40] for k in unknown[:5])}; "
             f"dùng (use): {', '.join(TOPIC_KEYS)}", 2)
    return keys


def check_output(output: Path) -> None:
    """Refuse an output that cannot be written before anything is audited or read (one line, exit 2)."""
    parent = output.parent if str(output.parent) else Path(".")
    if output.is_dir():
        fail(f"không ghi được tệp (cannot write the output): {output} là một thư mục (is a directory)", 2)
    if not parent.is_dir():
        fail(f"không ghi được tệp (cannot write the output) {output}: thư mục không tồn tại (no such directory)", 2)
    if not os.access(parent, os.W_OK) or (output.exists() and not os.access(output, os.W_OK)):
        fail(f"không ghi được tệp (cannot write the output) {output}: không có quyền ghi (permission denied)", 2)


@digest_app.command("render")
def digest_render(
    date_: Annotated[str, typer.Option("--date", help="ngày (Vietnamese calendar day) YYYY-MM-DD")],
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE to write")],
    fmt: Annotated[str, typer.Option("--format", help="html | text | docx | pdf")] = "html",
    topics: Annotated[list[str] | None, typer.Option("--topics", help="topic keys (economy,tourism ...): "
                                                     "comma-separated or repeated; default every topic")] = None,
) -> None:
    """Xuất điểm báo của một ngày ra tệp (render the digest of a day to a file; audited first)."""
    from bantin.app import audit
    from bantin.cli.common import open_cli_app
    from bantin.digest import build_digest, chart_png, render_docx, render_html, render_pdf, render_text
    from bantin.digest.pdf import data_uri
    from bantin.digest.word import TemplateError
    from bantin.store.types import utcnow

    day = parse_day(date_)
    if fmt not in FORMATS:
        fail(f"định dạng không hỗ trợ (unsupported format) {fmt[:20]!r}; dùng (use) {' | '.join(FORMATS)}", 2)
    keys = parse_topics(topics)
    check_output(output)
    app_ = open_cli_app()
    with app_.sessions() as s:  # principle 3: the export is on record before the digest is read or written
        audit.record(s, audit.cli_actor(), "digest.render", audit_target=f"digest:{day.isoformat()}", format=fmt,
                     topics=sorted(keys), output=str(output))
        s.commit()
    with app_.read_sessions() as s:
        digest = build_digest(s, day, keys or None, app_.settings, utcnow())
    if fmt == "text":
        data = render_text(digest).encode("utf-8")
    elif fmt == "html":
        data = render_html(digest, data_uri(chart_png(digest))).encode("utf-8")
    elif fmt == "pdf":
        data = render_pdf(digest)
    else:
        try:
            data = render_docx(digest, template=app_.settings.digest_docx_template)
        except TemplateError as exc:
            fail(f"{exc} (BANTIN_DIGEST_DOCX_TEMPLATE)", 2)
    try:
        output.write_bytes(data)
    except OSError as exc:
        fail(f"không ghi được tệp (cannot write the output) {output}: {exc.strerror or exc}", 2)
    err.print(f"Đã ghi (written) {output}: điểm báo ngày {day:%d/%m/%Y}, {len(digest.stories)} tin, "
              f"{digest.total_today} bài.", highlight=False, soft_wrap=True)


@digest_app.command("send")
def digest_send(
    date_: Annotated[str, typer.Option("--date", help="ngày (Vietnamese calendar day) YYYY-MM-DD")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="chỉ liệt kê người nhận (list the recipients only)")] = False,
) -> None:
    """Gửi điểm báo của một ngày (queue the day's digest for every daily subscriber, then deliver the outbox
    once); a second run for the day sends nothing new. Audited first."""
    from bantin.app.audit import cli_actor
    from bantin.app.digests import queue_digests
    from bantin.cli.common import expected_errors, open_cli_app, out
    from bantin.delivery.sender import deliver_due

    day = parse_day(date_)
    with expected_errors():
        app_ = open_cli_app()
        try:
            run = queue_digests(app_, day, actor=cli_actor(), dry_run=dry_run)
            counts = {} if dry_run else deliver_due(app_)
        finally:
            app_.engine.dispose()
    if dry_run:
        out.print(f"Điểm báo ngày {day:%d/%m/%Y} sẽ gửi cho (would go to) {len(run.recipients)} người nhận; "
                  f"đã gửi trước đó (queued before): {run.already}", highlight=False, soft_wrap=True)
        for email in run.recipients:
            out.print(f"  {email}", highlight=False)
        return
    sent = counts.get("delivery/email_sent", 0)
    waiting = counts.get("delivery/email_waiting_no_smtp", 0)
    out.print(f"Điểm báo ngày {day:%d/%m/%Y}: xếp hàng (queued) {run.queued}, đã có từ trước (already) {run.already}; "
              f"đã gửi (sent) {sent}" + (f", chờ máy chủ thư (waiting for BANTIN_SMTP_HOST) {waiting}" if waiting else ""),
              highlight=False, soft_wrap=True)
