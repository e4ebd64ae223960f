"""The one error type of experiment configurations, and the check of a table's keys."""

from __future__ import annotations

import difflib

__all__ = ["ConfigError", "check_keys", "suggest"]


class ConfigError(ValueError):
    """An invalid experiment configuration (one-line message)."""


def suggest(key: str, allowed) -> str:
    """Return a did-you-mean hint for ``key`` among ``allowed`` (empty if none is close)."""
    close = difflib.get_close_matches(key, list(allowed), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_keys(where: str, given, allowed) -> None:
    """Raise :class:`ConfigError` for the first key of ``given`` not in ``allowed``."""
    for key in given:
        if key not in allowed:
            raise ConfigError(
                f"unknown key {key!r} in {where}{suggest(key, allowed)}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
