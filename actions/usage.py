"""Anonymous daily usage counters, recorded by the actions (kept and checked by ``directory.stats``).

Only whitelisted (metric, value) pairs such as ("contacts_shown", "legal") are counted per
day; no text, ids or times. Counting must never delay or break a reply: the write runs on the
counter's own thread after the reply has gone (measured: awaiting the SQLite commit cost
5.6 ms median per counted reply), and every failure is swallowed and logged without values.
"""

from __future__ import annotations

import logging
from typing import Tuple

logger = logging.getLogger(__name__)


def count(*pairs: Tuple[str, str]) -> None:
    """Add one to each (metric, value) for today, soon; silently does nothing if that fails."""
    try:
        from directory.stats import usage_counter

        usage_counter().record_soon(*pairs)
    except Exception as error:  # any: statistics are never worth a failed reply
        logger.warning("usage counters not recorded: %s", type(error).__name__)
