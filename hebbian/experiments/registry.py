"""Find an experiment kind by name: every module of :mod:`hebbian.experiments.kinds`.

The kinds are discovered, not listed: the first look-up imports each module of the
``kinds`` package, and each module registers its kind with
:func:`~hebbian.experiments.base.register`. Nothing below this module looks a kind up
by name; the sweep runner receives the kind object itself.
"""

from __future__ import annotations

import importlib
import pkgutil

from hebbian.experiments import kinds
from hebbian.experiments.base import KINDS, ExperimentKind
from hebbian.experiments.errors import ConfigError, suggest

__all__ = ["get_kind", "kind_names"]


def _discover() -> None:
    for module in pkgutil.iter_modules(kinds.__path__):
        importlib.import_module(f"{kinds.__name__}.{module.name}")


def kind_names() -> list[str]:
    """Names of every experiment kind, sorted."""
    _discover()
    return sorted(KINDS)


def get_kind(name: str) -> ExperimentKind:
    """Return the experiment kind registered as ``name``.

    Raises
    ------
    ConfigError
        For an unknown name, with the known ones.
    """
    _discover()
    if name not in KINDS:
        raise ConfigError(
            f"unknown experiment kind {name!r}{suggest(name, KINDS)}; "
            f"known: {', '.join(sorted(KINDS))}"
        )
    return KINDS[name]
