"""Streamed exports of any filtered list as CSV or XLSX, audited before the first byte.

``audited_export`` commits the audit row (docs/principles.md, principle 3: audit first, then output) and only
then returns the streaming response; the rows come from a lazy iterator that reads the database in keyset
batches, so memory stays flat however long the list is:
- CSV: UTF-8 with a byte-order mark (Excel then opens Vietnamese text right), flushed in CHUNK_BYTES pieces;
  cells that a spreadsheet would run as a formula (starting with = + - @) get a leading apostrophe;
- XLSX: xlsxwriter in ``constant_memory`` mode (each row goes to disk as it is written) into a temporary
  file, which is unlinked as soon as it is open for reading and streamed out in chunks.
At most MAX_EXPORT_ROWS rows; the bound is in the X-Export-Row-Limit header, and when an export hits it a
last row says so.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

import xlsxwriter
from fastapi.responses import StreamingResponse

from bantin.api.roles import Principal
from bantin.app import audit
from bantin.app.context import AppContext
from bantin.reports.days import VN_TZ

# One sheet holds every row: below Excel's 1,048,576-row sheet limit, and minutes (not hours) to stream.
MAX_EXPORT_ROWS = 1_000_000
# Bytes per streamed chunk: big enough for few socket writes, small enough to stay a rounding error in memory.
CHUNK_BYTES = 64 * 1024
# Excel refuses longer cells; longer texts are cut (the stored article is unchanged).
XLSX_MAX_CELL_CHARS = 32_767
FORMATS = ("csv", "xlsx")
LIMIT_HEADER = "X-Export-Row-Limit"
# a cell starting with one of these runs as a formula in Excel and LibreOffice (CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_CUT = object()  # the sentinel ``bounded`` yields when rows were left out


def truncated_note(limit: int) -> str:
    return f"# đã cắt ở {limit:,} dòng, hãy lọc hẹp hơn (truncated at {limit:,} rows: narrow the filters)"


def bounded(rows: Iterable[Sequence[Any]], limit: int) -> Iterator[Any]:
    """The first ``limit`` rows, then ``_CUT`` if there were more (the one extra row is read, not written)."""
    it = iter(rows)
    for n, row in enumerate(it):
        if n == limit:
            yield _CUT
            return
        yield row


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_cell(value: Any) -> str:
    text = _text(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def csv_chunks(columns: Sequence[str], rows: Iterable[Sequence[Any]], limit: int = MAX_EXPORT_ROWS) -> Iterator[bytes]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    buf.write("\ufeff")
    writer.writerow(columns)
    for row in bounded(rows, limit):
        writer.writerow([truncated_note(limit)] if row is _CUT else [_csv_cell(v) for v in row])
        if buf.tell() >= CHUNK_BYTES:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def _xlsx_write(path: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], limit: int) -> None:
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": os.path.dirname(path),
                                    "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("bantin")
    bold = wb.add_format({"bold": True})
    for c, name in enumerate(columns):
        ws.write_string(0, c, name, bold)
    for r, row in enumerate(bounded(rows, limit), start=1):
        if row is _CUT:
            ws.write_string(r, 0, truncated_note(limit))
            break
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, _text(value)[:XLSX_MAX_CELL_CHARS])
    wb.close()


def xlsx_chunks(columns: Sequence[str], rows: Iterable[Sequence[Any]], limit: int = MAX_EXPORT_ROWS,
                tmpdir: str | None = None) -> Iterator[bytes]:
    fd, path = tempfile.mkstemp(prefix="bantin-export-", suffix=".xlsx", dir=tmpdir)
    os.close(fd)
    try:
        _xlsx_write(path, columns, rows, limit)
        f = open(path, "rb")  # noqa: SIM115 - closed below, after the unlink
    finally:
        os.unlink(path)  # gone from the disk at once; the open handle keeps it readable until closed
    with f:
        while chunk := f.read(CHUNK_BYTES):
            yield chunk


def audited_export(ctx: AppContext, principal: Principal, what: str, filters: dict[str, Any],
                   rows_iter: Iterable[Sequence[Any]], columns: Sequence[str], fmt: str,
                   limit: int = MAX_EXPORT_ROWS) -> StreamingResponse:
    """Commit the audit row of exporting ``what`` (with its filters), then stream ``rows_iter`` as ``fmt``.

    ``rows_iter`` must be lazy (a generator that opens its read session on the first row): nothing is read
    before the audit row is committed, and nothing is held in memory beyond one batch.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    shown = {k: v for k, v in filters.items() if v is not None}  # recorded as the list's audit row records them
    audit.record_read(ctx.sessions, principal.actor, "export", audit_target=f"export:{what}", format=fmt,
                      filters=shown, row_limit=limit)
    body = csv_chunks(columns, rows_iter, limit) if fmt == "csv" else xlsx_chunks(columns, rows_iter, limit)
    stamp = datetime.now(VN_TZ).strftime("%Y%m%d-%H%M")
    headers = {"Content-Disposition": f'attachment; filename="bantin-{what}-{stamp}.{fmt}"',
               LIMIT_HEADER: str(limit), "Cache-Control": "no-store"}
    return StreamingResponse(body, media_type=MEDIA_TYPES[fmt], headers=headers)
