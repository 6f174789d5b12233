"""Reading FILE.jsonl / FILE.jsonl.gz for training, evaluation and `bantin classify`: streamed, bounded, clear.

Every non-blank line is one row. A line that is not JSON, not an object, too long or not UTF-8 becomes a
:class:`Line` with an ``error`` (``bantin classify`` writes it to its output row; training refuses the file
and names the lines). gzip is recognised by its magic bytes, whatever the file is called.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

# Longest real article in VNTC / the crawl test bed is well under 1 MB of JSON; 8 MiB stops runaway lines.
MAX_LINE_BYTES = 8 * 1024 * 1024
# Bounds a training or evaluation file held in memory (VNTC full is 34k rows, tc201805 145k rows).
MAX_LABELLED_ROWS = 1_000_000
# Error messages name at most this many bad lines (the rest are counted).
MAX_REPORTED_ERRORS = 5
# Longest label accepted: labels are class names ("the thao", "giao_duc"), not text.
MAX_LABEL_CHARS = 100
_GZIP_MAGIC = b"\x1f\x8b"


class DataFileError(Exception):
    """The file cannot be used (missing, corrupt, bad rows for training); the message says why and where."""


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the (decompressed) file
    row: dict[str, Any] | None
    error: str | None = None


class JsonlReader:
    """Iterate a JSONL(.gz) file's rows in order; ``position``/``size`` are raw bytes, for progress bars."""

    def __init__(self, path: Path, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise DataFileError(f"{self.path}: không có tệp (no such file)")
        self.size = self.path.stat().st_size
        self.max_line_bytes = max_line_bytes
        self._raw: IO[bytes] = self.path.open("rb")
        self._stream: IO[bytes] | io.BufferedIOBase = self._raw
        if self._raw.read(2) == _GZIP_MAGIC:
            self._raw.seek(0)
            self._stream = gzip.GzipFile(fileobj=self._raw, mode="rb")
        else:
            self._raw.seek(0)

    @property
    def position(self) -> int:
        return self._raw.tell() if not self._raw.closed else self.size

    def close(self) -> None:
        self._stream.close()
        self._raw.close()

    def __enter__(self) -> JsonlReader:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _readline(self) -> bytes:
        try:
            return self._stream.readline(self.max_line_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataFileError(f"{self.path}: tệp gzip hỏng (corrupt or truncated gzip): {exc}") from exc

    def __iter__(self) -> Iterator[Line]:
        number = 0
        while True:
            raw = self._readline()
            if not raw:
                return
            number += 1
            if len(raw) > self.max_line_bytes and not raw.endswith(b"\n"):
                while (rest := self._readline()) and not rest.endswith(b"\n"):
                    pass  # skip the rest of the over-long line without holding it
                yield Line(number, None, f"line longer than {self.max_line_bytes} bytes")
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue  # blank lines are not rows (their numbers still count)
            yield _parse(number, raw)


def _parse(number: int, raw: bytes) -> Line:
    try:
        row = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Line(number, None, "not UTF-8")
    except json.JSONDecodeError as exc:
        return Line(number, None, f"not JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(row, dict):
        return Line(number, None, f"not a JSON object but {type(row).__name__}")
    return Line(number, row)


def _str_field(row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    return value.strip() or None if isinstance(value, str) else None


def row_text(row: dict[str, Any]) -> str | None:
    """The text a model sees: ``text`` (after ``title`` when the text does not start with it), or title + summary."""
    title, text, summary = _str_field(row, "title"), _str_field(row, "text"), _str_field(row, "summary")
    body = text or summary
    if title and body and body.startswith(title):
        return body
    parts = [p for p in (title, body) if p]
    return "\n".join(parts) or None


def row_label(row: dict[str, Any]) -> str | None:
    """A label as a string; ints are accepted (numeric class ids), booleans, lists and blanks are not."""
    value = row.get("label")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    label = str(value).strip()
    return label if label and len(label) <= MAX_LABEL_CHARS else None


def read_labelled(path: Path, max_rows: int = MAX_LABELLED_ROWS) -> list[tuple[str, str]]:
    """All ``(text, label)`` rows of a training/evaluation file; any bad row refuses the file (named lines)."""
    rows: list[tuple[str, str]] = []
    bad: list[str] = []
    n_bad = 0
    with JsonlReader(path) as reader:
        for line in reader:
            error = line.error
            if line.row is not None:
                text, label = row_text(line.row), row_label(line.row)
                if text is None:
                    error = "no text (needs `text`, or `title` and `summary`)"
                elif label is None:
                    error = f"no usable `label` (a non-empty string or integer of at most {MAX_LABEL_CHARS} chars)"
                else:
                    rows.append((text, label))
            if error:
                n_bad += 1
                if len(bad) < MAX_REPORTED_ERRORS:
                    bad.append(f"line {line.number}: {error}")
            if len(rows) > max_rows:
                raise DataFileError(f"{path}: more than {max_rows} rows; split the file or sample it")
    if n_bad:
        more = f" (and {n_bad - len(bad)} more)" if n_bad > len(bad) else ""
        raise DataFileError(f"{path}: {n_bad} bad rows{more}: " + "; ".join(bad))
    if not rows:
        raise DataFileError(f"{path}: no rows")
    return rows


def canonical_rows(rows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Rows in canonical order (by label, then text): the order training and hashing both use."""
    return sorted(rows, key=lambda r: (r[1], r[0]))


def rows_sha256(rows: Iterable[tuple[str, str]]) -> str:
    """sha256 of the canonical rows: the same rows in any order give the same hash (training-data identity)."""
    digest = hashlib.sha256()
    for text, label in canonical_rows(rows):
        digest.update(json.dumps([text, label], ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
