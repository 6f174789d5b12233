"""`bantin digest render` writes each format, audited before the file is written; bad input is one line."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from bantin.store.schema import AuditEvent
from tests.cli.run import bantin, bantin_env
from tests.digest.conftest import BRIDGE_TITLE, PUBLIC_URL, Newsday


@pytest.fixture
def env(newsday: Newsday, tmp_path: Path) -> dict[str, str]:
    return bantin_env(tmp_path, BANTIN_DATABASE_URL=newsday.app.settings.resolved_database_url,
                      BANTIN_PUBLIC_URL=PUBLIC_URL)


def _audits(newsday: Newsday) -> list[tuple[str | None, dict]]:  # type: ignore[type-arg]
    with newsday.app.sessions() as s:
        return [(e.target, json.loads(e.detail or "{}")) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.action == "digest.render").order_by(AuditEvent.id))]


def _render(env: dict[str, str], out: Path, fmt: str, *more: str) -> subprocess.CompletedProcess[str]:
    return bantin(env, "digest", "render", "--date", "2026-11-20", "--format", fmt, "--output", str(out), *more)


def test_digest_render_writes_each_format_and_audits_it(newsday: Newsday, env: dict[str, str], tmp_path: Path) -> None:
    files = {fmt: tmp_path / f"diem-bao.{fmt}" for fmt in ("html", "text", "docx", "pdf")}
    for fmt, out in files.items():
        r = _render(env, out, fmt)
        assert r.returncode == 0, r.stderr
        assert "Đã ghi" in r.stderr
    html = files["html"].read_text("utf-8")
    assert BRIDGE_TITLE in html and 'src="data:image/png;base64,' in html  # a file stands alone: no cid:
    assert f"{PUBLIC_URL}/stories/{newsday.bridge}" in html
    assert BRIDGE_TITLE in files["text"].read_text("utf-8")
    assert BRIDGE_TITLE in "\n".join(p.text for p in Document(str(files["docx"])).paragraphs)
    pdf = PdfReader(io.BytesIO(files["pdf"].read_bytes()))
    assert BRIDGE_TITLE in " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    audits = _audits(newsday)
    assert [(t, d["format"]) for t, d in audits] == [("digest:2026-11-20", f) for f in files]
    assert audits[0][1]["output"] == str(files["html"])


def test_digest_render_limited_to_topics(newsday: Newsday, env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "moi-truong.txt"
    r = _render(env, out, "text", "--topics", "environment")
    assert r.returncode == 0, r.stderr
    text = out.read_text("utf-8")
    assert "Lũ quét cuốn trôi nhà ở xã Mường Típ" in text and BRIDGE_TITLE not in text
    assert _audits(newsday)[-1][1]["topics"] == ["environment"]


@pytest.mark.parametrize(("args", "message"), [
    (("--date", "20/11/2026", "--format", "html"), "ngày không hợp lệ (bad date) '20/11/2026'"),
    (("--date", "1970-01-01", "--format", "html"), "ngày không hợp lệ (bad date)"),
    (("--date", "2026-11-20", "--format", "odt"), "định dạng không hỗ trợ"),
    (("--date", "2026-11-20", "--format", "text", "--topics", "politics"), "chủ đề không có (unknown topics) politics"),
])
def test_bad_input_is_one_line_and_nothing_is_audited(newsday: Newsday, env: dict[str, str], tmp_path: Path,
                                                      args: tuple[str, ...], message: str) -> None:
    out = tmp_path / "x.out"
    r = bantin(env, "digest", "render", *args, "--output", str(out))
    assert r.returncode == 2
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not out.exists() and _audits(newsday) == []


def test_unwritable_output_is_one_line(newsday: Newsday, env: dict[str, str], tmp_path: Path) -> None:
    for out, why in ((tmp_path / "khong-co" / "a.pdf", "no such directory"), (tmp_path, "is a directory")):
        r = _render(env, out, "pdf")
        assert r.returncode == 2 and why in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert _audits(newsday) == []


def test_a_broken_docx_template_is_one_line(newsday: Newsday, env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "mau-hong.docx"
    broken.write_bytes(b"not a docx")
    r = _render({**env, "BANTIN_DIGEST_DOCX_TEMPLATE": str(broken)}, tmp_path / "a.docx", "docx")
    assert r.returncode == 2 and "mẫu DOCX" in r.stderr and "BANTIN_DIGEST_DOCX_TEMPLATE" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "a.docx").exists()
