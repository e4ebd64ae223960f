"""The base class of experiment kinds, their parameters, and the decorator that registers them.

An experiment kind turns a validated parameter table into a grid of *points*, runs one
point with its own random generator (:meth:`ExperimentKind.run_point`), assembles the
point results and the theory overlay into an :class:`xarray.Dataset`
(:meth:`ExperimentKind.assemble`), reads off the quantities compared with published
values (:meth:`ExperimentKind.obtained`) and draws the figure
(:meth:`ExperimentKind.plot`, which takes ``ax=None``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from hebbian.experiments.errors import ConfigError, check_keys

__all__ = ["KINDS", "SITE_ORDER", "ExperimentKind", "Param", "register"]

KINDS: dict[str, ExperimentKind] = {}

#: Entries of a point's run that differ between the points of one batch: the arguments
#: of ``simulate`` and ``context``, which only :meth:`ExperimentKind.point_result` reads.
_PER_POINT = ("model", "temperature", "initial", "context")

#: Patterns of one batch on the GPU, as the blocked engine holds them (float64, and
#: their gather in visiting order): about 16 N K bytes a point.
BATCH_PATTERN_BYTES = 2 * 2**30


def _pattern_bytes(model) -> int:
    return 16 * model.n_neurons * model.n_memories


#: Site order of every experiment's chains: one random permutation per sweep shared by
#: a point's chains, the order the GPU engine runs (:mod:`hebbian.montecarlo.draws`).
SITE_ORDER = "shared"


def register(cls):
    """Class decorator: register an :class:`ExperimentKind` under ``cls.name``."""
    KINDS[cls.name] = cls()
    return cls


@dataclass(frozen=True)
class Param:
    """One parameter of an experiment kind.

    ``kind`` is ``"int"``, ``"float"``, ``"ints"`` (a list) or ``"floats"`` (a list or a
    ``{start, stop, num}`` table, expanded with ``numpy.linspace``), or ``"names"``: a
    list of distinct strings, each one of ``choices``.
    """

    kind: str
    help: str
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    choices: tuple[str, ...] | None = None

    def parse(self, name: str, value: Any, where: str):
        """Validate ``value``; return it as int, float or a list of them (or of names)."""
        if self.kind == "names":
            return self._names(name, value, where)
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
                if self.kind == "ints":  # whole grid values become ints, others are refused
                    value = [int(x) if x.is_integer() else x for x in value]
            if not isinstance(value, list) or not value:
                raise ConfigError(f"{where} {name} must be a non-empty list")
            scalar = "int" if self.kind == "ints" else "float"
            values = [self._scalar(f"{name}[{i}]", v, where, scalar) for i, v in enumerate(value)]
            if len(set(values)) != len(values):  # they become the coordinates of the result
                raise ConfigError(f"{where} {name} must not repeat a value, got {values}")
            return values
        return self._scalar(name, value, where, self.kind)

    def _names(self, name, value, where):
        allowed = ", ".join(self.choices or ())
        if not isinstance(value, list) or not value:
            raise ConfigError(f"{where} {name} must be a non-empty list of names ({allowed})")
        for entry in value:
            if entry not in (self.choices or ()):
                raise ConfigError(f"{where} {name} has {entry!r}; the names are {allowed}")
        if len(set(value)) != len(value):
            raise ConfigError(f"{where} {name} must not repeat a name, got {value}")
        return list(value)

    def _scalar(self, name, value, where, kind):
        ok = isinstance(value, int) if kind == "int" else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok:
            raise ConfigError(
                f"{where} {name} must be {'an integer' if kind == 'int' else 'a number'}, "
                f"got {value!r}"
            )
        low, high = self.minimum, self.maximum
        if not math.isfinite(value):
            raise ConfigError(f"{where} {name} must be a finite number, got {value}")
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
        Optionally ``context``: anything drawn with the model that :meth:`point_result`
        needs and the run does not (the archetypes behind a model built from examples);
        and ``anneal``: a schedule of stages ``((T, sweeps), ...)`` run before the
        measured run, from ``initial``, whose final spins start it
        (:func:`hebbian.montecarlo.annealing.anneal_batch`).
        """
        raise NotImplementedError

    def run_size(self, params: dict, point: dict) -> dict | None:
        """Describe the size of one point's run, for its memory estimate (override).

        Keywords of :func:`hebbian.montecarlo.memory.estimate_run_bytes`
        (``n_neurons``, ``n_memories``, ``n_chains``, ``n_sweeps``, ...), or None when
        the kind cannot say (nothing is checked then).
        """
        return None

    def largest_run_bytes(self, params: dict, points: list[dict]) -> int | None:
        """Estimate the memory of the largest point's run (None when unknown)."""
        from hebbian.montecarlo.memory import estimate_run_bytes

        sizes = [self.run_size(params, point) for point in points]
        known = [estimate_run_bytes(**size) for size in sizes if size is not None]
        return max(known) if known else None

    def point_result(self, params: dict, point: dict, ds, run: dict) -> dict:
        """Read one point's result off its Dataset: arrays and numbers (no xarray).

        ``run`` is what :meth:`point_simulation` returned for the point (its ``model``,
        ``initial``, ...), for results that compare the final state with the model.
        """
        raise NotImplementedError

    def run_point(
        self,
        params: dict,
        point: dict,
        rng: np.random.Generator,
        *,
        device: str = "cpu",
        draws: str = "host",
    ) -> dict:
        """Run one grid point: :meth:`point_simulation`, ``simulate``, :meth:`point_result`.

        A kind whose points are not one ``simulate`` call each overrides this method
        instead of those two (:meth:`run_batch` then runs its points one by one).
        """
        if not self._describes_runs():
            raise NotImplementedError(
                f"{type(self).__name__} must define run_point or point_simulation"
            )
        return self._simulate_points(params, [point], [rng], device, draws)[0]

    def run_batch(
        self,
        params: dict,
        points: list[dict],
        rngs: list,
        *,
        device: str = "cpu",
        draws: str = "host",
    ) -> list[dict]:
        """Run grid points; return their results in order.

        On the CPU the points run one by one. Elsewhere (``device`` ``"gpu"`` or
        ``"auto"``) the runs of points that differ only in model, temperature and
        initial state go to one :func:`~hebbian.montecarlo.engine.simulate_batch`
        call, up to :data:`BATCH_PATTERN_BYTES` of patterns, so that a GPU advances
        them together. Each point draws from its own generator (``rngs``) and its chains
        visit sites in the order :data:`SITE_ORDER`, so a point's result does not
        depend on the batching, and is designed not to depend on the device.
        """
        if not self._describes_runs():
            if draws != "host":
                raise ValueError(f"{type(self).__name__} draws its uniforms on the host only")
            return [self.run_point(params, p, r, device=device) for p, r in zip(points, rngs)]
        if device == "cpu":  # nothing to share: one point at a time keeps memory small
            return [
                self._simulate_points(params, [p], [r], device, draws)[0]
                for p, r in zip(points, rngs)
            ]
        return self._simulate_points(params, points, rngs, device, draws)

    def _simulate_points(self, params, points, rngs, device, draws) -> list[dict]:
        """Batch the points' runs (by settings, up to the byte budget); their results."""
        from hebbian.montecarlo.annealing import anneal_batch
        from hebbian.montecarlo.engine import simulate_batch
        from hebbian.montecarlo.options import EngineOptions

        results: list = [None] * len(points)
        pending: dict[tuple, list[tuple[int, dict]]] = {}
        pending_bytes: dict[tuple, int] = {}

        def flush(settings):
            batch = pending.pop(settings)
            del pending_bytes[settings]
            fields = dict(settings)
            schedule = fields.pop("anneal", None)
            options = EngineOptions(**fields, site_order=SITE_ORDER, device=device, draws=draws)
            models = [run["model"] for _, run in batch]
            seeds = [rngs[i] for i, _ in batch]
            initials = [run.get("initial") for _, run in batch]
            if schedule:
                initials = anneal_batch(
                    models, schedule=schedule, seed=seeds, initial=initials, options=options
                )
            out = simulate_batch(
                models,
                temperature=[run["temperature"] for _, run in batch],
                initial=initials,
                seed=seeds,
                options=options,
            )
            for (i, run), ds in zip(batch, out):
                results[i] = self.point_result(params, points[i], ds, run)

        for i, (point, rng) in enumerate(zip(points, rngs)):
            run = self.point_simulation(params, point, rng)
            settings = tuple(sorted((k, v) for k, v in run.items() if k not in _PER_POINT))
            pending.setdefault(settings, []).append((i, run))
            pending_bytes[settings] = pending_bytes.get(settings, 0) + _pattern_bytes(run["model"])
            if pending_bytes[settings] >= BATCH_PATTERN_BYTES:
                flush(settings)
        for settings in list(pending):
            flush(settings)
        return results

    def _describes_runs(self) -> bool:
        return type(self).point_simulation is not ExperimentKind.point_simulation

    def assemble(self, params: dict, points: list[dict], results: list[dict]):
        """Combine the point results and the theory overlay into an xarray.Dataset."""
        raise NotImplementedError

    def obtained(self, ds) -> dict[str, float]:
        """Return the quantities compared with ``[expected]``."""
        raise NotImplementedError

    def plot(self, ds, ax=None):
        """Draw the figure on ``ax`` (a new figure when None); return the axes."""
        raise NotImplementedError
