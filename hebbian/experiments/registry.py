"""Experiment kinds: a registry filled by a decorator, and the base class they share.

An experiment kind turns a validated parameter table into a grid of *points*, runs one
point with its own random generator (:meth:`ExperimentKind.run_point`), assembles the
point results and the theory overlay into an :class:`xarray.Dataset`
(:meth:`ExperimentKind.assemble`), reads off the quantities compared with published
values (:meth:`ExperimentKind.obtained`) and draws the figure
(:meth:`ExperimentKind.plot`, which takes ``ax=None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from hebbian.experiments.config import ConfigError, check_keys

__all__ = ["KINDS", "SITE_ORDER", "ExperimentKind", "Param", "get_kind", "register"]

KINDS: dict[str, ExperimentKind] = {}

#: Arguments of a point's run that differ between the points of one batch.
_PER_POINT = ("model", "temperature", "initial")

#: Site order of every experiment's chains: one random permutation per sweep shared by
#: a point's chains, the order the GPU engine runs (:mod:`hebbian.montecarlo.draws`).
SITE_ORDER = "shared"


def register(cls):
    """Class decorator: register an :class:`ExperimentKind` under ``cls.name``."""
    KINDS[cls.name] = cls()
    return cls


def get_kind(name: str) -> ExperimentKind:
    """Return the registered kind ``name`` (importing the built-in kinds first)."""
    import hebbian.experiments.kinds  # noqa: F401  (registers the built-in kinds)

    if name not in KINDS:
        raise ConfigError(f"unknown experiment kind {name!r}; known: {', '.join(sorted(KINDS))}")
    return KINDS[name]


@dataclass(frozen=True)
class Param:
    """One parameter of an experiment kind.

    ``kind`` is ``"int"``, ``"float"``, ``"ints"`` (a list) or ``"floats"`` (a list or a
    ``{start, stop, num}`` table, expanded with ``numpy.linspace``).
    """

    kind: str
    help: str
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None

    def parse(self, name: str, value: Any, where: str):
        """Validate ``value``; return it as int, float or a list of them."""
        if self.kind in ("ints", "floats"):
            if isinstance(value, dict):
                check_keys(f"{where} {name}", value, ("start", "stop", "num"))
                try:
                    start, stop, num = float(value["start"]), float(value["stop"]), value["num"]
                except (KeyError, TypeError, ValueError):
                    raise ConfigError(
                        f"{where} {name} needs numbers start, stop and an integer num"
                    ) from None
                if not isinstance(num, int) or num < 1:
                    raise ConfigError(f"{where} {name}.num must be an integer >= 1, got {num!r}")
                value = [round(float(x), 12) for x in np.linspace(start, stop, num)]
            if not isinstance(value, list) or not value:
                raise ConfigError(f"{where} {name} must be a non-empty list")
            scalar = "int" if self.kind == "ints" else "float"
            return [self._scalar(f"{name}[{i}]", v, where, scalar) for i, v in enumerate(value)]
        return self._scalar(name, value, where, self.kind)

    def _scalar(self, name, value, where, kind):
        ok = isinstance(value, int) if kind == "int" else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok:
            raise ConfigError(
                f"{where} {name} must be {'an integer' if kind == 'int' else 'a number'}, "
                f"got {value!r}"
            )
        low, high = self.minimum, self.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            lo = "-inf" if low is None else f"{low:g}"
            hi = "inf" if high is None else f"{high:g}"
            raise ConfigError(f"{where} {name} must be in [{lo}, {hi}], got {value}")
        return int(value) if kind == "int" else float(value)


class ExperimentKind:
    """Base class of the experiment kinds (see the module docstring)."""

    name: ClassVar[str]
    description: ClassVar[str]
    parameters: ClassVar[dict[str, Param]]
    obtained_quantities: ClassVar[tuple[str, ...]]
    #: Largest grid a run accepts without ``force``.
    max_points: ClassVar[int] = 20_000

    def validate(self, raw: dict, *, where: str) -> dict:
        """Validate a parameter table: known keys, types, ranges and defaults."""
        check_keys(where, raw, self.parameters)
        out = {}
        for key, spec in self.parameters.items():
            if key in raw:
                out[key] = spec.parse(key, raw[key], where)
            elif spec.default is not None:
                out[key] = spec.default
            else:
                raise ConfigError(f"{where} needs the parameter {key!r} ({spec.help})")
        self.check(out, where=where)
        return out

    def check(self, params: dict, *, where: str) -> None:
        """Cross-parameter checks (override); raise :class:`ConfigError`."""

    def points(self, params: dict) -> list[dict]:
        """Return the grid: one dict per independent unit of work."""
        raise NotImplementedError

    def point_simulation(self, params: dict, point: dict, rng: np.random.Generator) -> dict:
        """Return the Monte Carlo run of one grid point, as arguments of ``simulate``.

        ``model``, ``temperature``, optionally ``initial``, and the run settings
        (``n_sweeps``, ``n_chains``, ...); not ``seed`` (the point's generator, which
        also draws the model), ``site_order`` (:data:`SITE_ORDER`) or ``device``.
        """
        raise NotImplementedError

    def point_result(self, params: dict, point: dict, ds) -> dict:
        """Read one point's result off its Dataset: arrays and numbers (no xarray)."""
        raise NotImplementedError

    def run_point(
        self, params: dict, point: dict, rng: np.random.Generator, *, device: str = "cpu"
    ) -> dict:
        """Run one grid point (:meth:`run_points` with one point)."""
        return self.run_points(params, [point], [rng], device=device)[0]

    def run_points(
        self, params: dict, points: list[dict], rngs: list, *, device: str = "cpu"
    ) -> list[dict]:
        """Run grid points with their chains batched; return their results in order.

        The runs of points that differ only in model, temperature and initial state go
        to one :func:`~hebbian.montecarlo.engine.simulate_batch` call, so that a GPU
        advances them together. Each point draws from its own generator (``rngs``) and
        its chains visit sites in the order :data:`SITE_ORDER`, so a point's result
        does not depend on the device or on the other points of the batch.
        """
        from hebbian.montecarlo.engine import simulate_batch

        runs = [self.point_simulation(params, p, rng) for p, rng in zip(points, rngs)]
        groups: dict[tuple, list[int]] = {}
        for i, run in enumerate(runs):
            settings = {k: v for k, v in run.items() if k not in _PER_POINT}
            groups.setdefault(tuple(sorted(settings.items())), []).append(i)
        datasets: list = [None] * len(points)
        for settings, members in groups.items():
            out = simulate_batch(
                [runs[i]["model"] for i in members],
                temperature=[runs[i]["temperature"] for i in members],
                initial=[runs[i].get("initial") for i in members],
                seed=[rngs[i] for i in members],
                site_order=SITE_ORDER,
                device=device,
                **dict(settings),
            )
            for i, ds in zip(members, out):
                datasets[i] = ds
        return [self.point_result(params, p, ds) for p, ds in zip(points, datasets)]

    def assemble(self, params: dict, points: list[dict], results: list[dict]):
        """Combine the point results and the theory overlay into an xarray.Dataset."""
        raise NotImplementedError

    def obtained(self, ds) -> dict[str, float]:
        """Return the quantities compared with ``[expected]``."""
        raise NotImplementedError

    def plot(self, ds, ax=None):
        """Draw the figure on ``ax`` (a new figure when None); return the axes."""
        raise NotImplementedError
