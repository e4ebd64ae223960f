"""Run an experiment configuration, compare it with its published values, draw it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from hebbian._version import __version__
from hebbian.experiments.base import SITE_ORDER
from hebbian.experiments.config import ConfigError, Expected, ExperimentConfig, load_config
from hebbian.experiments.registry import get_kind
from hebbian.sweep import SweepOptions, run_points

__all__ = ["CheckRow", "check_result", "plot_result", "run_experiment"]


def resolve_parameters(config: ExperimentConfig, *, quick: bool, overrides=()) -> dict:
    """Return the validated parameters of one size, with ``key=value`` overrides applied.

    Validated parameters are valid raw input (grids are already lists), so the overrides
    are merged into them and the table is validated again, like the file.
    """
    raw = config.parameters(quick=quick)
    raw.update(dict(overrides))
    where = "[quick]" if quick else "[full]"
    return get_kind(config.kind).validate(raw, where=f"{where} with --set" if overrides else where)


def run_fingerprint(
    config: ExperimentConfig, *, quick: bool, params: dict, draws: str = "host"
) -> dict:
    """Identify a run for its checkpoints.

    Experiment, size, parameters, seed, version, the chains' site order and where the
    uniforms are drawn: anything that changes a point's result (the device does not).
    """
    return {
        "experiment": config.name,
        "kind": config.kind,
        "size": "quick" if quick else "full",
        "parameters": params,
        "seed": config.seed,
        "site_order": SITE_ORDER,
        "draws": draws,
        "hebbian_version": __version__,
    }


def prepare_run(
    config: ExperimentConfig, *, quick: bool = False, overrides=(), force: bool = False
) -> tuple[dict, list[dict]]:
    """Validate everything a run needs and return its parameters and grid.

    Raises
    ------
    ConfigError
        Invalid overrides, or a grid above the kind's ``max_points`` without ``force``.
    """
    kind = get_kind(config.kind)
    params = resolve_parameters(config, quick=quick, overrides=overrides)
    points = kind.points(params)
    if len(points) > kind.max_points and not force:
        raise ConfigError(
            f"the grid has {len(points)} points, above the limit "
            f"{kind.max_points}; use --force to run it anyway"
        )
    return params, points


def run_experiment(
    config: ExperimentConfig | str,
    *,
    quick: bool = False,
    overrides=(),
    options: SweepOptions | None = None,
    force: bool = False,
):
    """Run every grid point of ``config`` and return the assembled Dataset.

    Parameters
    ----------
    config : ExperimentConfig or str
        A configuration, or the name or TOML path that :func:`load_config` takes.
    quick : bool
        Use the ``[quick]`` sizes.
    overrides : sequence of (key, value)
        Parameter overrides (``--set``), validated like the file.
    options : SweepOptions, optional
        Executor, workers, checkpoints, progress (default: serial, no checkpoints).
    force : bool
        Run grids above the kind's size limit.

    Returns
    -------
    xarray.Dataset
        With attributes ``experiment``, ``kind``, ``size``, ``config_toml``,
        ``parameters`` (JSON), ``expected`` (JSON), ``seed``, ``hebbian_version``,
        ``wall_time_s`` and the sweep report (``executor``, ``workers``,
        ``n_points_computed``, ``n_points_resumed``, ``n_discarded_chunks``,
        ``sweep_summary``).
    """
    if not isinstance(config, ExperimentConfig):
        config = load_config(config)
    options = options or SweepOptions()
    kind = get_kind(config.kind)
    params, points = prepare_run(config, quick=quick, overrides=overrides, force=force)
    _check_memory(kind, params, points, options)
    results, report = run_points(
        kind,
        params,
        points,
        seed=config.seed,
        options=options,
        fingerprint=run_fingerprint(config, quick=quick, params=params, draws=options.draws),
        description=config.name,
    )
    ds = kind.assemble(params, points, results)
    ds.attrs.update(
        {
            "experiment": config.name,
            "kind": config.kind,
            "title": config.title,
            "reference": config.reference,
            "size": "quick" if quick else "full",
            "config_toml": config.source,
            "parameters": json.dumps(params),
            "expected": json.dumps({k: vars(v) for k, v in config.expected.items()}),
            "seed": config.seed,
            "n_points": len(points),
            "hebbian_version": __version__,
            "wall_time_s": report.wall_time,
            "executor": report.executor,
            "device_requested": options.device,
            "site_order": SITE_ORDER,
            "draws": options.draws,
            "workers": report.workers,
            "n_points_computed": report.n_computed,
            "n_points_resumed": report.n_resumed,
            "n_discarded_chunks": report.n_discarded_chunks,
            "sweep_summary": report.summary(),
            "run_dir": report.run_dir or "none",
        }
    )
    return ds


def _check_memory(kind, params, points, options: SweepOptions) -> None:
    """Refuse, in one line, a grid whose largest points do not fit this machine at once.

    Local executors run ``workers`` points at a time on this machine; a Dask cluster's
    workers are elsewhere, so nothing is checked for them here.
    """
    if options.executor == "dask":
        return
    largest = kind.largest_run_bytes(params, points)
    if largest is None:
        return
    from hebbian.montecarlo.memory import check_memory

    at_once = 1 if options.executor == "serial" else min(options.n_workers(), len(points))
    check_memory(
        largest * at_once,
        hint=f"the largest grid point, {at_once} at a time: lower the sizes (--set) "
        f"or the workers (--workers)",
    )


@dataclass(frozen=True)
class CheckRow:
    """One published value against the obtained one."""

    quantity: str
    expected: float
    tolerance: float
    obtained: float
    source: str

    @property
    def passed(self) -> bool:
        """``|obtained - expected| <= tolerance`` (a NaN never passes)."""
        return abs(self.obtained - self.expected) <= self.tolerance


def check_result(ds) -> list[CheckRow]:
    """Compare a result Dataset with the ``[expected]`` values stored in it."""
    if "kind" not in ds.attrs or "expected" not in ds.attrs:
        raise ConfigError(
            "this file is not an experiment result (no 'kind'/'expected' attributes)"
        )
    kind = get_kind(ds.attrs["kind"])
    expected = {k: Expected(**v) for k, v in json.loads(ds.attrs["expected"]).items()}
    obtained = kind.obtained(ds)
    return [
        CheckRow(
            quantity=k,
            expected=e.value,
            tolerance=e.tolerance,
            obtained=float(obtained[k]),
            source=e.source,
        )
        for k, e in expected.items()
    ]


def plot_result(ds, ax=None):
    """Draw a result Dataset with the figure function of its kind."""
    if "kind" not in ds.attrs:
        raise ConfigError("this file is not an experiment result (no 'kind' attribute)")
    return get_kind(ds.attrs["kind"]).plot(ds, ax=ax)
