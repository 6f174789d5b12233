"""`bantin extract PATH_OR_URL`: one page → one article."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bantin.cli.common import fail, out


def extract_cmd(
    path_or_url: str,
    url: Annotated[str | None, typer.Option("--url", help="URL gốc của trang (the page's original URL)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Trích xuất một trang bài báo (extract one article page from a file or URL)."""
    from bantin.cli.extract import ExtractError, extract_to_json

    try:
        result = extract_to_json(path_or_url, url)
    except ExtractError as exc:
        fail(str(exc))
        return
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        out.print(f"[bold]{result.get('title') or '(không có tiêu đề)'}[/]")
        out.print(f"{result.get('canonical_url')} · {result.get('published') or '—'} · {result.get('language') or '—'}")
        out.print(result.get("text") or "")
