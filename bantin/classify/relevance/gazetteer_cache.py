"""The built gazetteer, cached on disk: building it reads the whole country's units (1-3 s); the cache reads in
about a tenth of that.

The cache file lives in the directory :func:`use_directory` names (``settings.cache_dir``, set by
``classify.loading``; without one nothing is cached) and is keyed by everything the build reads: the versions of the
packages it is built from (vietnam-provinces, vietnamadminunits, underthesea for the Viet74K word list), the
sha256 of bantin's own gazetteer code and data (every file of ``bantin/classify/relevance/`` and the text
helpers it keys names with) and the build's arguments. An edit to any of them gives another key, so a stale
file is never read: it is replaced, with a one-line notice. A file that cannot be read back (truncated,
edited, an unknown shape) is rebuilt with a one-line notice, never a crash.

The format is JSON (no pickle: the cache directory is writable): tuples, sets and dicts are tagged, and the
only objects it can make are the dataclasses of this package (``Gazetteer``, ``Place``) through their own
constructors. ``stats`` counts what happened in this process ("loaded", "built", "rebuilt"), for tests.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import sys
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger("bantin.classify")

# Bumped when the file layout below changes: old files are then simply stale.
CACHE_FORMAT = 2
# The packages the gazetteer is built from (their versions are part of the key).
PACKAGES = ("vietnam-provinces", "vietnamadminunits", "underthesea")
# bantin's own code and data the build depends on, beside this package's directory (hashed file by file).
TEXT_MODULES = ("vitext.py", "diacritics.py", "tones.py")
# Refuse to read a cache file larger than this (the Nghệ An gazetteer is ~2 MB; a bigger one is not ours).
MAX_CACHE_BYTES = 64 * 1024 * 1024
# Dataclasses a cache file may construct: the ones of this package only (checked by module name).
ALLOWED_MODULE_PREFIX = "bantin.classify.relevance."

stats: Counter[str] = Counter()


class CacheFormatError(ValueError):
    """A cache file that does not decode to what this code writes."""


def _source_files() -> list[Path]:
    here = Path(__file__).resolve().parent
    text = here.parents[1] / "text"
    own = [p for p in here.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted(own) + [text / name for name in TEXT_MODULES]


@lru_cache(maxsize=1)
def sources_digest() -> str:
    """sha256 over the package versions and the gazetteer's own source files (names and contents)."""
    h = hashlib.sha256(f"format {CACHE_FORMAT}\n".encode())
    for name in PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        h.update(f"{name}=={version}\n".encode())
    root = Path(__file__).resolve().parents[2]
    for path in _source_files():
        h.update(f"{path.relative_to(root).as_posix()}\n".encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _slug(province: str, include_legacy: bool, include_merged: bool) -> str:
    from bantin.text.diacritics import fold

    name = "".join(c for c in fold(province).lower() if c.isalnum()) or "province"
    return f"gazetteer-{name}-{int(include_legacy)}{int(include_merged)}"


def cache_file(directory: Path, province: str, include_legacy: bool, include_merged: bool) -> Path:
    key = hashlib.sha256(f"{sources_digest()}|{province}|{include_legacy}|{include_merged}".encode()).hexdigest()
    return directory / f"{_slug(province, include_legacy, include_merged)}-{key[:24]}.json"


def use_directory(directory: Path | None) -> None:
    """Where gazetteers are cached from now on in this process (None: nowhere). Set by whoever knows the
    settings (``classify.loading`` sets ``settings.cache_dir``): this package reads no settings itself."""
    global _directory
    _directory = directory


_directory: Path | None = None


def is_cached(province: str, include_legacy: bool, include_merged: bool, directory: Path) -> bool:
    """Is there a cache file of this very build in ``directory``? (Only a build that resolved ``province`` wrote one.)"""
    return cache_file(directory, province, include_legacy, include_merged).is_file()


def cached_build(
    province: str, include_legacy: bool, include_merged: bool, build: Callable[[], Any],
    directory: Path | None = None,
) -> Any:
    """The gazetteer from its cache file when there is a good one, else ``build()`` (then written for next time)."""
    directory = directory if directory is not None else _directory
    if directory is None:
        stats["built"] += 1
        return build()
    path = cache_file(directory, province, include_legacy, include_merged)
    if path.is_file():
        try:
            gazetteer = read(path)
            stats["loaded"] += 1
            return gazetteer
        except (OSError, ValueError, TypeError, KeyError) as exc:
            log.warning("gazetteer cache %s unreadable (%s); rebuilding it", path.name, _reason(exc))
            stats["rebuilt"] += 1
    stale = sorted(directory.glob(f"{_slug(province, include_legacy, include_merged)}-*.json")) if directory.is_dir() else []
    if any(p != path for p in stale):
        log.warning("gazetteer sources changed (package versions or bantin's gazetteer code); rebuilding the cache")
    gazetteer = build()
    stats["built"] += 1
    try:
        write(path, gazetteer)
        for old in stale:
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, TypeError) as exc:
        log.warning("gazetteer cache not written to %s (%s)", directory, _reason(exc))
    return gazetteer


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def write(path: Path, gazetteer: Any) -> None:
    data = json.dumps({"format": CACHE_FORMAT, "value": _encode(gazetteer)}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # readers never see half a file


def read(path: Path) -> Any:
    if path.stat().st_size > MAX_CACHE_BYTES:
        raise CacheFormatError(f"larger than {MAX_CACHE_BYTES} bytes")
    doc = json.loads(path.read_bytes().decode("utf-8"))
    if not isinstance(doc, dict) or doc.get("format") != CACHE_FORMAT:
        raise CacheFormatError("not a gazetteer cache of this format")
    value = _decode(doc["value"])
    from bantin.classify.relevance.gazetteer import Gazetteer

    if not isinstance(value, Gazetteer):
        raise CacheFormatError("not a gazetteer")
    return value


# JSON arrays are tuples (the common case: name keys); everything else that is not a JSON scalar is tagged.
def _encode(x: Any) -> Any:
    if x is None or isinstance(x, bool | int | float | str):
        return x
    if isinstance(x, tuple):
        return [_encode(v) for v in x]
    if isinstance(x, list):
        return {"L": [_encode(v) for v in x]}
    if isinstance(x, frozenset | set):
        tag = "F" if isinstance(x, frozenset) else "S"
        if x and all(_is_words(v) for v in x):  # name keys: one string each, read back with one split
            return {tag + "K": sorted(" ".join(v) for v in x)}
        return {tag: sorted((_encode(v) for v in x), key=_sort_key)}
    if isinstance(x, dict):
        if x and all(_is_words(k) for k in x):
            return {"DK": [[" ".join(k), _encode(v)] for k, v in x.items()]}
        return {"D": [[_encode(k), _encode(v)] for k, v in x.items()]}
    cls = type(x)
    if dataclasses.is_dataclass(x) and cls.__module__.startswith(ALLOWED_MODULE_PREFIX):
        return {"C": f"{cls.__module__}:{cls.__qualname__}",
                "f": {f.name: _encode(getattr(x, f.name)) for f in dataclasses.fields(x) if f.init}}
    raise TypeError(f"cannot cache a {cls.__module__}.{cls.__qualname__}")


def _is_words(v: Any) -> bool:
    """A non-empty tuple of non-empty strings without whitespace: a name key, joinable by spaces and back."""
    return type(v) is tuple and bool(v) and all(type(t) is str and _WORD.fullmatch(t) for t in v)


_WORD = re.compile(r"\S+")


def _sort_key(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True)  # a stable file for the same gazetteer


def _decode(x: Any) -> Any:
    if x is None or isinstance(x, bool | int | float | str):
        return x
    if isinstance(x, list):
        if all(type(v) is str for v in x):  # a name key: most of the file
            return tuple(x)
        return tuple(_decode(v) for v in x)
    if not isinstance(x, dict) or len(x) not in (1, 2):
        raise CacheFormatError(f"unexpected {type(x).__name__}")
    if "FK" in x or "SK" in x or "DK" in x:
        return _decode_keyed(x)
    if "L" in x:
        return [_decode(v) for v in _list(x["L"])]
    if "F" in x:
        return frozenset(_decode(v) for v in _list(x["F"]))
    if "S" in x:
        return {_decode(v) for v in _list(x["S"])}
    if "D" in x:
        pairs = _list(x["D"])
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise CacheFormatError("a dict entry is not a pair")
        return {_decode(k): _decode(v) for k, v in pairs}
    if "C" in x and isinstance(x.get("f"), dict):
        return _construct(str(x["C"]), {str(k): _decode(v) for k, v in x["f"].items()})
    raise CacheFormatError(f"unknown tag {sorted(x)}")


def _decode_keyed(x: dict[str, Any]) -> Any:
    (tag, items), = x.items()
    items = _list(items)
    if tag == "DK":
        if not all(isinstance(p, list) and len(p) == 2 and type(p[0]) is str for p in items):
            raise CacheFormatError("a keyed dict entry is not a [name, value] pair")
        return {tuple(k.split(" ")): _decode(v) for k, v in items}
    if not all(type(v) is str for v in items):
        raise CacheFormatError("a keyed set holds a non-string")
    keys = (tuple(v.split(" ")) for v in items)
    return frozenset(keys) if tag == "FK" else set(keys)


def _list(v: Any) -> list[Any]:
    if not isinstance(v, list):
        raise CacheFormatError("expected a list")
    return v


def _construct(name: str, fields: dict[str, Any]) -> Any:
    """An instance of an allowed, already imported dataclass; nothing is imported and no other type is made."""
    module, _, qualname = name.partition(":")
    cls = getattr(sys.modules.get(module), qualname, None) if module.startswith(ALLOWED_MODULE_PREFIX) else None
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise CacheFormatError(f"type {name!r} is not allowed in a gazetteer cache")
    declared = {f.name: f.type for f in dataclasses.fields(cls) if f.init}
    if set(fields) != set(declared):
        raise CacheFormatError(f"{qualname}: fields differ from this code's")
    for field, kind in declared.items():  # scalar fields must hold their declared type (a string: annotations)
        want = _SCALARS.get(kind if isinstance(kind, str) else getattr(kind, "__name__", ""))
        if want is not None and not (isinstance(fields[field], want) and type(fields[field]) is not bool
                                     or want is bool and type(fields[field]) is bool):
            raise CacheFormatError(f"{qualname}.{field}: not a {kind}")
    return cls(**fields)


_SCALARS: dict[str, type | tuple[type, ...]] = {"str": str, "int": int, "float": (int, float), "bool": bool}
