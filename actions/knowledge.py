"""Access to the directory from actions, with failure turned into ``None``.

Safety rule 4: a missing or locked database must never silence the bot. Callers that get
``None`` answer with ``safety.fallback`` text instead of contacts.
"""

from __future__ import annotations

import logging
from typing import Optional

from sqlalchemy.exc import SQLAlchemyError

from directory import Directory, DirectoryUnavailable, open_directory

logger = logging.getLogger(__name__)


def directory() -> Optional[Directory]:
    try:
        return open_directory()
    except (DirectoryUnavailable, SQLAlchemyError, OSError) as error:
        # The error class only: messages can carry paths or data we do not log.
        logger.warning("directory unavailable: %s", type(error).__name__)
        return None
