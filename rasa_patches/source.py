"""The source text of a patch target, read from its file without importing it.

A target is ``module:qualname`` (a function, method or class) or a bare ``module`` (its whole
file). Its pinned hash is the SHA-256 of what ``inspect.getsource`` returns for it; ``static``
finds the same text from the file alone — the block that starts at the definition's first line
(its first decorator, as in a function's ``co_firstlineno``), cut by ``inspect.getblock`` — so
``bin/rasa`` can check every selected patch before anything of Rasa is imported (importing
``rasa`` itself imports TensorFlow unless ``tensorflow_on_demand`` is already in place, and the
deferred patches must not import what they wait for). tests/rasa_patches/test_registry.py
checks that both ways give the same text for every target in the registry.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import inspect
import re
from functools import lru_cache
from typing import Any, List, Optional, Tuple


def split(target: str) -> Tuple[str, str]:
    """``"pkg.mod:Cls.meth"`` → ``("pkg.mod", "Cls.meth")``; a bare module → ``(module, "")``."""
    module, _, qualname = target.partition(":")
    return module, qualname


def module_file(module: str) -> str:
    """The file of ``module``, found by the path finder alone: no package ``__init__`` runs."""
    parts = module.split(".")
    path: Optional[List[str]] = None
    spec = None
    for index in range(len(parts)):
        spec = importlib.machinery.PathFinder.find_spec(".".join(parts[: index + 1]), path)
        if spec is None:
            raise ModuleNotFoundError(f"no module named {'.'.join(parts[: index + 1])!r}")
        path = list(spec.submodule_search_locations or [])
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise ModuleNotFoundError(f"no Python source for {module!r}")
    return spec.origin


@lru_cache(maxsize=64)
def _lines(path: str) -> List[str]:
    with open(path, encoding="utf-8") as handle:
        return handle.readlines()


def _definition(lines: List[str], first: int, last: int, name: str, deeper_than: int) -> Optional[int]:
    """Index of the last ``def``/``class`` of ``name`` in ``lines[first:last]`` at the smallest
    indentation deeper than ``deeper_than`` (the direct children of the block: what wins at run time)."""
    pattern = re.compile(rf"^([ \t]*)(?:async[ \t]+def|def|class)[ \t]+{re.escape(name)}\b")
    found: Optional[int] = None
    found_indent = -1
    for index in range(first, last):
        match = pattern.match(lines[index])
        if match is None or len(match.group(1)) <= deeper_than:
            continue
        indent = len(match.group(1))
        if found is None or indent <= found_indent:
            found, found_indent = index, indent
    return found


def _with_decorators(lines: List[str], index: int) -> int:
    """The first decorator line above the definition at ``index`` (a function's ``co_firstlineno``)."""
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    while index > 0 and lines[index - 1].startswith(indent + "@"):
        index -= 1
    return index


def static(target: str) -> str:
    """What ``inspect.getsource`` gives for ``target``, read from the file without importing it
    (a line scan, not a parse: it runs at every launch, and parsing Rasa's big modules took 0.7 s)."""
    module, qualname = split(target)
    lines = _lines(module_file(module))
    if not qualname:
        return "".join(lines)
    first, last, indent, start = 0, len(lines), -1, 0
    for name in qualname.split("."):
        index = _definition(lines, first, last, name, indent)
        if index is None:
            raise LookupError(f"{qualname} is not defined in {module}")
        indent = len(lines[index]) - len(lines[index].lstrip())
        first, last = index + 1, _outline_end(lines, index, indent)
    start = _with_decorators(lines, first - 1)
    return "".join(inspect.getblock(lines[start:last]))


def _outline_end(lines: List[str], index: int, indent: int) -> int:
    """Where the block opened at ``index`` ends by indentation alone: a cheap upper bound to
    search in (``inspect.getblock`` tokenizes, which took most of a second on Rasa's big classes)."""
    for end in range(index + 1, len(lines)):
        text = lines[end]
        stripped = text.lstrip()
        if (
            stripped
            and not stripped.startswith("#")
            and len(text) - len(stripped) <= indent
            and not stripped.startswith((")", "]", "}"))
        ):
            return end
    return len(lines)


def live(target: str) -> str:
    """``inspect.getsource`` of the imported target (for the registry test and for new hashes)."""
    module, qualname = split(target)
    obj: Any = importlib.import_module(module)
    for name in qualname.split(".") if qualname else []:
        obj = inspect.unwrap(obj.__dict__[name] if isinstance(obj, type) else getattr(obj, name))
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
    return inspect.getsource(obj)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
