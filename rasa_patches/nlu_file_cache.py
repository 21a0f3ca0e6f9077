"""Read each NLU training data file once per ``rasa train`` instead of five times.

Why (measured, not guessed): ``rasa train`` asks for the NLU data five times, from two importer
stacks, with three cache keys that never meet: ``rasa train`` validates the project first with
its own importer (``ResponsesSyncImporter.get_domain`` calls ``get_nlu_data()``, the validator
calls ``get_nlu_data("en")`` — ``cached_method`` keys on the arguments as written, so these are
two reads), then ``model_training.train`` builds a second importer (``get_nlu_data()`` and again
through ``get_domain``), and the training graph's ``NLUTrainingDataProvider`` asks it for
``get_nlu_data("ru")``, the config's language. Each time every one of the 22 files under
``data/nlu`` is read, parsed twice with ruamel's pure-Python YAML 1.2 parser (round-trip for the
schema check, safe for the data), checked with pykwalify, and every entity annotation's
``{...}`` checked with jsonschema (which re-checks its own meta-schema per call). py-spy of
``rasa train --force`` with an empty cache (100 Hz, 45.6 s): ``RasaFileImporter.get_nlu_data``
4.4 s, 0.9 s per full read.

What it does: ``FileCachingImporter.get_nlu_data`` does what ``RasaFileImporter.get_nlu_data``
does — ``TrainingData().merge(*[loading.load_data(f, language) for f in files])`` — but the
per-file ``load_data`` result comes from a process-wide cache keyed by the path as given and
holding the file's exact bytes: the first call reads and parses the file with Rasa's own
``load_data``; a later call whose bytes are identical reuses that parse. ``merge`` deep-copies
the examples, regexes and lookup tables of every part, so each call still returns a fresh
``TrainingData`` (responses, which ``merge`` only copies shallowly, are deep-copied here first),
and the parts in the cache are never handed out. Why the result is the same:

- only files Rasa reads as its YAML format (``guess_format`` → ``rasa_yml``) are cached; for
  those ``RasaYAMLReader.reads`` ignores ``language`` (the other readers may not, and are not
  cached); directories, missing files and other formats go to ``load_data`` unchanged;
- a file whose parse raised (invalid YAML, a schema error) is not cached: every call raises
  Rasa's own exception again; a file whose parse warned (Rasa's ``raise_warning``, e.g. an
  intent without examples — noticed by a pass-through wrapper of ``warnings.warn`` that changes
  nothing about the warning) is not cached either, so every call warns again exactly as before
  (deprecation warnings — pykwalify's ``load_module`` on every schema check — do not count);
- the bytes are compared in full on every call (22 files, 175 KB: negligible), and read again
  after a parse: a file that changed meanwhile is not cached.

Measured (py-spy, same command): 4.4 s in ``RasaFileImporter.get_nlu_data`` → 1.2 s in this
``get_nlu_data`` (one parse of every file, 0.65 s, and five merges of the parts).

Not done: a faster YAML parser. ruamel's C loader (libyaml) implements YAML 1.1, while Rasa asks
for YAML 1.2 (``yes``/``no``/``on``/``off``, octal and sexagesimal numbers resolve differently),
so it could not promise the same data; after this cache all YAML parsing of a training (NLU
once, domain, stories, rules, config, Rasa's schemas) is about 1 s.

Tests: tests/rasa_patches/test_nlu_file_cache.py compares with ``RasaFileImporter`` on the
project's files and on invalid, warning and non-YAML files.
"""

from __future__ import annotations

import contextlib
import copy
import os
import threading
import warnings
from typing import Any, Dict, Iterator, List, Optional, Text, Tuple

from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data import loading
from rasa.shared.nlu.training_data.training_data import TrainingData

_lock = threading.Lock()
# path as given → (its bytes, the TrainingData Rasa parsed from them); one entry per path.
_cache: Dict[Text, Tuple[bytes, TrainingData]] = {}
stats = {"parsed": 0, "reused": 0, "uncached": 0}


def _read_bytes(path: Text) -> Optional[bytes]:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


@contextlib.contextmanager
def _watching_warnings() -> Iterator[List[type]]:
    """Notes the category of every ``warnings.warn`` call (Rasa's ``raise_warning`` calls it)
    while letting it through unchanged: same message, same stack level (one up, for this
    wrapper's own frame), same filters and registries — nothing is recorded instead of shown."""
    seen: List[type] = []
    original = warnings.warn

    def warn(message: Any, category: Any = None, stacklevel: int = 1, source: Any = None) -> None:
        kind = category or (type(message) if isinstance(message, Warning) else UserWarning)
        if not issubclass(kind, (DeprecationWarning, PendingDeprecationWarning)):
            seen.append(kind)
        original(message, category, stacklevel + 1, source)

    warnings.warn = warn
    try:
        yield seen
    finally:
        if warnings.warn is warn:
            warnings.warn = original


def _without_shared_responses(data: TrainingData) -> TrainingData:
    """A shallow view for ``merge``: everything it deep-copies is shared, responses are copied."""
    view = copy.copy(data)
    view.responses = copy.deepcopy(data.responses)
    return view


def load_file(path: Text, language: Optional[Text] = "en") -> TrainingData:
    """``loading.load_data(path, language)``, parsed once per content for Rasa YAML files.

    The result is only meant for ``TrainingData.merge`` (which copies it), as in
    ``RasaFileImporter.get_nlu_data``.
    """
    if not os.path.isfile(path):
        stats["uncached"] += 1
        return loading.load_data(path, language)
    content = _read_bytes(path)
    with _lock:
        entry = _cache.get(path)
    if content is not None and entry is not None and entry[0] == content:
        stats["reused"] += 1
        return _without_shared_responses(entry[1])
    if content is None or loading.guess_format(path) != loading.RASA_YAML:
        stats["uncached"] += 1
        return loading.load_data(path, language)
    with _watching_warnings() as warned:
        data = loading.load_data(path, language)  # raises as Rasa does: nothing cached
    if warned or _read_bytes(path) != content:
        stats["uncached"] += 1
        return data
    stats["parsed"] += 1
    with _lock:
        _cache[path] = (content, data)
    return _without_shared_responses(data)


def training_data_from_paths(paths: List[Text], language: Optional[Text]) -> TrainingData:
    """``rasa.shared.importers.utils.training_data_from_paths`` with ``load_file``."""
    return TrainingData().merge(*[load_file(path, language) for path in paths])


def clear() -> None:
    with _lock:
        _cache.clear()
    for key in stats:
        stats[key] = 0


def get_nlu_data(self: RasaFileImporter, language: Optional[Text] = "en") -> TrainingData:
    """``RasaFileImporter.get_nlu_data`` with the files parsed once per process (module docstring)."""
    return training_data_from_paths(self._nlu_files, language)


_ORIGINALS: Dict[str, Any] = {}


def install() -> None:
    """Idempotent; keeps Rasa's method from this moment."""
    if "get_nlu_data" not in _ORIGINALS:
        _ORIGINALS["get_nlu_data"] = RasaFileImporter.get_nlu_data
        RasaFileImporter.get_nlu_data = get_nlu_data


def uninstall() -> None:
    """For tests."""
    if "get_nlu_data" in _ORIGINALS:
        RasaFileImporter.get_nlu_data = _ORIGINALS.pop("get_nlu_data")
