"""Rasa's training fingerprints, the same hex strings computed in less time.

Why (measured, not guessed): ``rasa train`` fingerprints the output of every graph node to fill
its training cache (``TrainingHook.on_after_node``), and every node's inputs
(``on_before_node``). For the NLU nodes that output is the whole ``TrainingData``: 3,531
messages whose fingerprint (``deep_container_fingerprint([data, features])``) is recomputed
after each node that touched them — the text, the spaCy doc, every ``Token`` (text, start,
end, lemma, data — each leaf ``str()``-ed, encoded and md5-hashed, each container
``json.dumps``-ed, ``sort_keys`` building a new ``JSONEncoder`` per dict) and every
``Features`` object, whose first fingerprint renders the sparse matrix as text through numpy
scalars one entry at a time (``sparse_matrix_to_string``). py-spy of ``rasa train --force``
with an empty cache (100 Hz, 45.6 s): 8.0 s in fingerprints (on_after_node 5.4 s,
on_before_node 1.2 s — 0.55 s of it ``inspect.getsource`` of the same component classes again
— the rest hashing messages to drop duplicates in ``TrainingData``), 2.0 M calls of
``deep_container_fingerprint``.

What changes, and why the fingerprints are identical (tested on the project's real training
data at every node, and on edge cases):

- ``deep_container_fingerprint``: the same dispatch in the same order (dict, list, an object
  with a callable ``fingerprint``, else ``md5(str(obj))``). A leaf's hash depends only on its
  text, so hashes of short texts (≤ 256 characters: words, numbers, keys, names) are kept in a
  bounded table; containers are serialised by one prebuilt ``JSONEncoder`` with the options
  ``json.dumps`` uses (``sort_keys=True`` for dicts), which is what ``json.dumps`` does
  internally, minus building the encoder.
- ``sparse_matrix_to_string``: the same ``"  (row, col)\\tvalue"`` lines from Python ints
  (``.tolist()``) instead of numpy scalars: integers print alike (checked per index type:
  numpy 2 would print ``np.int32(1)`` in a tuple — then Rasa's function is used); float values
  are printed by numpy's own ``str`` once per distinct value (a matrix with an explicit zero goes
  to Rasa's function: ``-0.0 == 0.0``).
- ``inspect.getsource`` in ``calculate_fingerprint_key``: remembered per class while the file
  of the class keeps the same modification time and size (``inspect`` itself reads the file
  through ``linecache``, which makes the same check).

Measured (py-spy, same command, all training speed-ups in): fingerprints 8.0 s → 2.6 s.

Installed by bin/rasa before training data is read. Tests: tests/rasa_patches/test_fast_fingerprint.py.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import sys
import threading
from types import ModuleType
from typing import Any, Dict, Optional, Text, Tuple

import rasa.shared.nlu.training_data.util as nlu_util
import rasa.shared.utils.io as rasa_io

from rasa_patches.after_import import when_imported

FINGERPRINTING = "rasa.engine.training.fingerprinting"  # imported by training only

DEFAULT_ENCODING = rasa_io.DEFAULT_ENCODING
_MAX_CACHED_TEXT = 256
_MAX_CACHED_ENTRIES = 500_000

_md5 = hashlib.md5
_leaf_hashes: Dict[Text, Text] = {}
_list_encoder = json.JSONEncoder()
_dict_encoder = json.JSONEncoder(sort_keys=True)
_ORIGINALS: Dict[str, Any] = {}


def _text_hash(text: Text, encoding: Text) -> Text:
    if encoding == DEFAULT_ENCODING and len(text) <= _MAX_CACHED_TEXT:
        found = _leaf_hashes.get(text)
        if found is None:
            found = _md5(text.encode(encoding)).hexdigest()  # nosec - same hash as Rasa's
            if len(_leaf_hashes) < _MAX_CACHED_ENTRIES:
                _leaf_hashes[text] = found
        return found
    return _md5(text.encode(encoding)).hexdigest()  # nosec


_LEAF_TYPES = frozenset({str, int, float, bool, type(None)})
_container_hashes: Dict[Any, Text] = {}


class _NotFrozen(Exception):
    pass


def _freeze(obj: Any) -> Any:
    """A hashable key that determines ``deep_container_fingerprint(obj)`` (leaves by their text:
    a leaf's hash is ``md5(str(leaf))``), for plain lists and dicts of plain leaves only."""
    kind = type(obj)
    if kind in _LEAF_TYPES:
        return obj if kind is str else str(obj)
    if kind is list:
        return ("L",) + tuple([_freeze(element) for element in obj])
    if kind is dict:
        return ("D",) + tuple([(_freeze(k), _freeze(v)) for k, v in obj.items()])
    raise _NotFrozen


def _remember(key: Any, value: Text) -> Text:
    if len(_container_hashes) < _MAX_CACHED_ENTRIES:
        _container_hashes[key] = value
    return value


def deep_container_fingerprint(obj: Any, encoding: Text = DEFAULT_ENCODING) -> Text:
    """Same result as ``rasa.shared.utils.io.deep_container_fingerprint``."""
    if isinstance(obj, dict):
        return get_dictionary_fingerprint(obj, encoding)
    if isinstance(obj, list):
        return get_list_fingerprint(obj, encoding)
    if hasattr(obj, "fingerprint") and callable(obj.fingerprint):
        return obj.fingerprint()
    return _text_hash(str(obj), encoding)


def _remembered(container: Any, kind: type, encoding: Text) -> Tuple[Any, Optional[Text]]:
    """(the frozen key of a plain ``kind`` container or None, its remembered hash or None)."""
    if type(container) is not kind or encoding != DEFAULT_ENCODING:
        return None, None
    try:
        key = _freeze(container)
    except _NotFrozen:
        return None, None
    return key, _container_hashes.get(key)


def get_dictionary_fingerprint(dictionary: Dict[Any, Any], encoding: Text = DEFAULT_ENCODING) -> Text:
    """Same result as ``rasa.shared.utils.io.get_dictionary_fingerprint``."""
    key, found = _remembered(dictionary, dict, encoding)
    if found is not None:
        return found
    stringified = _dict_encoder.encode(
        {deep_container_fingerprint(k, encoding): deep_container_fingerprint(v, encoding) for k, v in dictionary.items()}
    )
    result = _md5(stringified.encode(encoding)).hexdigest()  # nosec
    return result if key is None else _remember(key, result)


def get_list_fingerprint(elements: Any, encoding: Text = DEFAULT_ENCODING) -> Text:
    """Same result as ``rasa.shared.utils.io.get_list_fingerprint``."""
    key, found = _remembered(elements, list, encoding)
    if found is not None:
        return found
    stringified = _list_encoder.encode([deep_container_fingerprint(element, encoding) for element in elements])
    result = _md5(stringified.encode(encoding)).hexdigest()  # nosec
    return result if key is None else _remember(key, result)


_tuple_text_ok: Dict[Tuple[Any, Any], bool] = {}


def _index_pairs_print_as_ints(rows: Any, cols: Any) -> bool:
    """``str((row, col))`` of numpy integers reads "(1, 2)" (numpy < 2), as for Python ints."""
    kinds = (rows.dtype, cols.dtype)
    if kinds not in _tuple_text_ok:
        _tuple_text_ok[kinds] = str((rows.dtype.type(1), cols.dtype.type(2))) == "(1, 2)"
    return _tuple_text_ok[kinds]


def sparse_matrix_to_string(m: Any) -> Text:
    """Same text as ``rasa.shared.nlu.training_data.util.sparse_matrix_to_string``."""
    m_coo = m.tocoo()
    rows, cols, data = m_coo.row, m_coo.col, m_coo.data
    if (
        rows.dtype.kind not in "iu"
        or cols.dtype.kind not in "iu"
        or data.dtype.kind not in "biuf"
        or not _index_pairs_print_as_ints(rows, cols)
    ):
        return original("sparse_matrix_to_string")(m)
    if data.dtype.kind == "f":
        if not data.all():  # -0.0 == 0.0 but prints differently: no table for zeros
            return original("sparse_matrix_to_string")(m)
        # numpy's own str() of each distinct value (exact: tolist() round-trips the value)
        scalar = data.dtype.type
        table: Dict[float, Text] = {}
        texts = []
        for value in data.tolist():
            text = table.get(value)
            if text is None:
                text = table[value] = str(scalar(value))
            texts.append(text)
    else:
        texts = [str(value) for value in data.tolist()]  # integers and booleans print alike
    return "\n".join([f"  ({r}, {c})\t{v}" for r, c, v in zip(rows.tolist(), cols.tolist(), texts, strict=False)])


_sources: Dict[Any, Tuple[Optional[Tuple[Text, int, int]], Text]] = {}
_sources_lock = threading.Lock()


def _file_state(cls: type) -> Optional[Tuple[Text, int, int]]:
    try:
        path = inspect.getsourcefile(cls)
        if path is None:
            return None
        stat = os.stat(path)
        return path, stat.st_mtime_ns, stat.st_size
    except (OSError, TypeError):
        return None


def getsource(obj: Any) -> Text:
    """``inspect.getsource``, remembered for classes whose source file is unchanged."""
    if not isinstance(obj, type):
        return original("getsource")(obj)
    state = _file_state(obj)
    if state is not None:
        with _sources_lock:
            known = _sources.get(obj)
        if known is not None and known[0] == state:
            return known[1]
    source = original("getsource")(obj)
    if state is not None and _file_state(obj) == state:
        with _sources_lock:
            _sources[obj] = (state, source)
    return source


class _InspectWithCachedClassSource:
    """Stands in for the ``inspect`` module inside ``rasa.engine.training.fingerprinting``."""

    def __getattr__(self, name: str) -> Any:
        return getattr(inspect, name)

    getsource = staticmethod(getsource)


def install() -> None:
    """Idempotent: swaps the three functions in where Rasa looks them up at call time."""
    if _ORIGINALS:
        return
    _ORIGINALS["deep_container_fingerprint"] = rasa_io.deep_container_fingerprint
    _ORIGINALS["get_dictionary_fingerprint"] = rasa_io.get_dictionary_fingerprint
    _ORIGINALS["get_list_fingerprint"] = rasa_io.get_list_fingerprint
    _ORIGINALS["sparse_matrix_to_string"] = nlu_util.sparse_matrix_to_string
    _ORIGINALS["getsource"] = inspect.getsource
    rasa_io.deep_container_fingerprint = deep_container_fingerprint
    rasa_io.get_dictionary_fingerprint = get_dictionary_fingerprint
    rasa_io.get_list_fingerprint = get_list_fingerprint
    nlu_util.sparse_matrix_to_string = sparse_matrix_to_string
    when_imported(FINGERPRINTING, _use_cached_class_sources)


def _use_cached_class_sources(fingerprinting: ModuleType) -> None:
    if _ORIGINALS:  # still installed
        fingerprinting.inspect = _InspectWithCachedClassSource()  # type: ignore[attr-defined]  # a module's global, replaced


def uninstall() -> None:
    """For tests: back to Rasa's functions."""
    if not _ORIGINALS:
        return
    rasa_io.deep_container_fingerprint = _ORIGINALS["deep_container_fingerprint"]
    rasa_io.get_dictionary_fingerprint = _ORIGINALS["get_dictionary_fingerprint"]
    rasa_io.get_list_fingerprint = _ORIGINALS["get_list_fingerprint"]
    nlu_util.sparse_matrix_to_string = _ORIGINALS["sparse_matrix_to_string"]
    _ORIGINALS.clear()
    if FINGERPRINTING in sys.modules:
        sys.modules[FINGERPRINTING].inspect = inspect  # type: ignore[attr-defined]  # a module's global, restored


def original(name: str) -> Any:
    """Rasa's own function (also before ``install``), for comparisons."""
    if name in _ORIGINALS:
        return _ORIGINALS[name]
    return {
        "deep_container_fingerprint": rasa_io.deep_container_fingerprint,
        "get_dictionary_fingerprint": rasa_io.get_dictionary_fingerprint,
        "get_list_fingerprint": rasa_io.get_list_fingerprint,
        "sparse_matrix_to_string": nlu_util.sparse_matrix_to_string,
        "getsource": inspect.getsource,
    }[name]
