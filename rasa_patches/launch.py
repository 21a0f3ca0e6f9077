"""``bin/rasa``: Rasa's own command line, with the patches ``DV_PATCHES`` selects installed first.

Takes exactly ``rasa``'s arguments (``bin/rasa run --model …``, ``bin/rasa train``,
``bin/rasa data validate``). Nothing of Rasa may be imported before ``install()``:
``tensorflow_on_demand`` only works if it is in place before Rasa's command line is imported.
"""

from __future__ import annotations

import sys
from typing import List, Optional

from rasa_patches.install import install


def _without_old_start_up_hook() -> None:
    """An older bin/setup wrote a ``.pth`` start-up hook into the (possibly shared) virtualenv that
    installed ``tensorflow_on_demand`` in every Python; bin/setup removes it. Until then its
    finder is taken out here, before Rasa is imported, so that DV_PATCHES alone decides."""
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__module__ != "safeguards.tensorflow_on_demand"]


def prepare() -> None:
    """What bin/rasa does before Rasa is imported (tests that check what `bin/rasa run` gets call it)."""
    _without_old_start_up_hook()
    install()


def main(argv: Optional[List[str]] = None) -> None:
    prepare()
    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
