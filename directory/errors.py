"""Exceptions the rest of the bot is expected to catch."""

from __future__ import annotations


class DirectoryUnavailable(RuntimeError):
    """The directory database is missing, incomplete or unreadable.

    Actions catch this and fall back to the emergency numbers kept in the locale texts. The
    message never contains directory data, only where the database was expected.
    """
