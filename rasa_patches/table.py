"""The patch table, generated from the registry.

python -m rasa_patches.table                            prints it (markdown)
python -m rasa_patches.table --write docs/PERFORMANCE.md  puts it between the file's
    <!-- patch-table:start --> and <!-- patch-table:end --> markers (the file is created
    with just the markers and the table if it does not exist)
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import List, Optional

from rasa_patches.registry import PATCHES

START, END = "<!-- patch-table:start -->", "<!-- patch-table:end -->"


def markdown() -> str:
    lines = ["| patch | replaces | for | measured gain |", "|---|---|---|---|"]
    for patch in PATCHES:
        targets = "<br>".join(f"`{target}`" for target in patch.targets)
        when = f" (on import of `{patch.after_import}`)" if patch.after_import else ""
        lines.append(f"| `{patch.name}` | {targets}{when} | {patch.purpose} | {patch.gain} |")
    return "\n".join(lines) + "\n"


def with_table(text: str) -> str:
    """``text`` with the table between the markers (which must both be there, in order)."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the markers {START} … {END} are missing or out of order")
    return text[: start + len(START)] + "\n" + markdown() + text[end:]


def write(path: Path) -> bool:
    """Bring the table in ``path`` up to date; True if the file changed."""
    before = path.read_text(encoding="utf-8") if path.exists() else f"{START}\n{END}\n"
    after = with_table(before)
    if path.exists() and after == before:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(after, encoding="utf-8")
    return True


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", type=Path, metavar="FILE", help="replace the table between the markers in FILE")
    args = parser.parse_args(argv)
    if args.write is None:
        print(markdown(), end="")
    else:
        print(f"{args.write}: {'updated' if write(args.write) else 'up to date'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
