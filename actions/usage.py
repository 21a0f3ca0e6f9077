"""Anonymous daily usage counters, recorded by the actions (kept and checked by ``directory.stats``).

Only whitelisted (metric, value) pairs such as ("contacts_shown", "legal") are counted per
day; no text, ids or times. Counting must never delay or break a reply, so every failure is
swallowed here and logged without values.
"""
from __future__ import annotations

import logging
from typing import Tuple

logger = logging.getLogger(__name__)


async def count(*pairs: Tuple[str, str]) -> None:
    """Add one to each (metric, value) for today; silently does nothing if that fails."""
    try:
        from directory.stats import usage_counter

        await usage_counter().record_async(*pairs)
    except Exception as error:  # noqa: BLE001 — statistics are never worth a failed reply
        logger.warning("usage counters not recorded: %s", type(error).__name__)
