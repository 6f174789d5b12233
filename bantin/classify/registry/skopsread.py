"""A strict reader for the part of the skops format bantin's own models use, so loading one costs no skops import.

``import skops.io`` imports every scikit-learn estimator module to build its default trusted list (~1-1.7 s of
every ``bantin classify`` start-up on the 2-core host), and its node tree costs as much again; our artifacts only
hold our classifiers (``bantin.classify.*``), dicts, lists, tuples, JSON scalars and plain numpy arrays. This
reader rebuilds exactly those, the way skops' own nodes do (protocol 2: ``cls.__new__`` then ``__setstate__``
with the attributes; arrays through ``np.load(allow_pickle=False)``; one object per saved ``__id__``), and
refuses everything else by raising :class:`Unsupported`, upon which the caller loads the bytes with skops.
It makes no type outside the caller's ``trusted`` list (already checked to be ours), builtins' containers and
scalars, and numpy arrays and scalars: nothing is unpickled and no other module is imported. The caller has
verified the bytes' sha256 before (``registry.store.load_verified``).
``classes`` may map a trusted type's name to the class to build in its place from the same attributes (the
light predictors of :mod:`bantin.classify.topics.scorers`, so that predicting imports no scikit-learn).
"""

from __future__ import annotations

import importlib
import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np

# The skops protocol whose node semantics are reproduced here (skops/io/_protocol.py).
PROTOCOL = 2
# A schema.json larger than this is not one of ours (the default topic model's is 11 kB).
MAX_SCHEMA_BYTES = 16 * 1024 * 1024
# Key types a DictNode may name (skops converts each JSON key back with its type).
_KEY_TYPES = {"str": str, "int": int, "float": float, "bool": bool}
# numpy scalar types an NdArrayNode may name besides ndarray (skops rebuilds them from a 0-d array).
_NUMPY_SCALARS = frozenset({"bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                            "float16", "float32", "float64", "str_"})
# Array dtypes accepted (kinds): booleans, integers, floats, unicode strings. Object arrays are skops' "json" type.
_DTYPE_KINDS = frozenset("biufU")


class Unsupported(Exception):
    """The file uses a part of the skops format this reader does not reproduce: load it with skops."""


def loads(data: bytes, trusted: list[str], classes: Mapping[str, type] | None = None) -> Any:
    """The object saved in skops ``data``, if it only needs what this reader knows; :class:`Unsupported` else.
    A trusted type named in ``classes`` is built as the class it maps to."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("schema.json")
            if info.file_size > MAX_SCHEMA_BYTES:
                raise Unsupported("schema.json too large")
            schema = json.loads(zf.read(info))
            if not isinstance(schema, dict) or schema.get("protocol") != PROTOCOL:
                raise Unsupported(f"skops protocol {schema.get('protocol') if isinstance(schema, dict) else '?'}")
            return _Reader(zf, frozenset(trusted), classes or {}).build(schema)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise Unsupported(f"{type(exc).__name__}: {exc}") from exc


class _Reader:
    def __init__(self, zf: zipfile.ZipFile, trusted: frozenset[str], classes: Mapping[str, type]) -> None:
        self.zf, self.trusted, self.classes = zf, trusted, classes
        self.memo: dict[Any, Any] = {}

    def build(self, state: Any) -> Any:
        if not isinstance(state, dict):
            raise Unsupported(f"a node that is a {type(state).__name__}")
        saved_id = state.get("__id__")
        if saved_id is not None and saved_id in self.memo:
            return self.memo[saved_id]
        loader = state.get("__loader__")
        method = _LOADERS.get(loader) if isinstance(loader, str) else None
        if method is None:
            raise Unsupported(f"node {loader!r}")
        obj = method(self, state, f"{state.get('__module__')}.{state.get('__class__')}")
        if saved_id is not None:
            self.memo[saved_id] = obj
        return obj

    def _json(self, state: dict[str, Any], name: str) -> Any:
        value = json.loads(state["content"])
        if value is not None and not isinstance(value, bool | int | float | str):
            raise Unsupported(f"JSON content of type {type(value).__name__}")
        return value

    def _type(self, state: dict[str, Any], name: str) -> Any:
        if state.get("__module__") != "builtins" or state.get("__class__") not in _KEY_TYPES:
            raise Unsupported(f"type {name}")
        return _KEY_TYPES[state["__class__"]]

    def _dict(self, state: dict[str, Any], name: str) -> dict[Any, Any]:
        if name != "builtins.dict":
            raise Unsupported(f"mapping {name}")
        key_types = self.build(state["key_types"])
        content = state["content"]
        if not isinstance(key_types, list) or not isinstance(content, dict) or len(key_types) != len(content):
            raise Unsupported("dict keys")
        return {k_type(key): self.build(value) for k_type, (key, value) in zip(key_types, content.items(), strict=True)}

    def _sequence(self, state: dict[str, Any], name: str) -> Any:
        kinds = {"builtins.list": list, "builtins.tuple": tuple}
        if name not in kinds or not isinstance(state["content"], list):
            raise Unsupported(f"sequence {name}")
        return kinds[name](self.build(v) for v in state["content"])

    def _array(self, state: dict[str, Any], name: str) -> Any:
        module, cls = state.get("__module__"), state.get("__class__")
        if state.get("type") != "numpy" or module != "numpy" or not (cls == "ndarray" or cls in _NUMPY_SCALARS):
            raise Unsupported(f"array {name} ({state.get('type')})")
        content = np.load(io.BytesIO(self.zf.read(str(state["file"]))), allow_pickle=False)
        if content.dtype.kind not in _DTYPE_KINDS:
            raise Unsupported(f"array dtype {content.dtype}")
        return content if cls == "ndarray" else getattr(np, str(cls))(content)

    def _object(self, state: dict[str, Any], name: str) -> Any:
        if name not in self.trusted:  # only the registered types, all of them bantin's own (checked by the caller)
            raise Unsupported(f"type {name} not in the trusted list")
        cls = self.classes.get(name)
        if cls is None:
            cls = getattr(importlib.import_module(str(state["__module__"])), str(state["__class__"]))
        if not isinstance(cls, type):
            raise Unsupported(f"{name} is not a class")
        instance: Any = cls.__new__(cls)  # type: ignore[call-overload]  # as skops: no __init__
        if state.get("content") is not None:
            attrs = self.build(state["content"])
            if attrs is not None:
                if hasattr(instance, "__setstate__"):
                    instance.__setstate__(attrs)
                else:
                    instance.__dict__.update(attrs)
        return instance


_LOADERS = {"JsonNode": _Reader._json, "TypeNode": _Reader._type, "DictNode": _Reader._dict,
            "ListNode": _Reader._sequence, "TupleNode": _Reader._sequence, "NdArrayNode": _Reader._array,
            "ObjectNode": _Reader._object}
