"""How much framework-patch code the project carries (issue 18's limit: 1,200 lines of patch code).

    .venv/bin/python -m bench.patch_lines

Counts, per module of rasa_patches/, its file lines and its code lines: lines holding a Python
token other than comments, and not inside a docstring. The patches themselves and the machinery
that installs them (registry, installer, launcher, source hashes, the docs table) are summed apart.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "rasa_patches"
MACHINERY = frozenset({"__init__.py", "after_import.py", "install.py", "launch.py", "registry.py", "source.py", "table.py"})
_NOT_CODE = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def code_lines(source: str) -> int:
    """Lines with code on them, docstrings and comments left out."""
    docstrings = _docstring_lines(ast.parse(source))
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in _NOT_CODE:
            lines.update(n for n in range(token.start[0], token.end[0] + 1) if n not in docstrings)
    return len(lines)


def main() -> None:
    totals = {"patches": [0, 0], "machinery": [0, 0]}
    print(f"{'module':28} {'file lines':>10} {'code lines':>10}")
    for path in sorted(PACKAGE.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        files, code = len(source.splitlines()), code_lines(source)
        group = "machinery" if path.name in MACHINERY else "patches"
        totals[group][0] += files
        totals[group][1] += code
        print(f"{path.name:28} {files:>10} {code:>10}{'  (machinery)' if group == 'machinery' else ''}")
    for group, (files, code) in totals.items():
        print(f"{'= ' + group:28} {files:>10} {code:>10}")
    print(f"{'= all of rasa_patches/':28} {sum(t[0] for t in totals.values()):>10} {sum(t[1] for t in totals.values()):>10}")


if __name__ == "__main__":
    main()
