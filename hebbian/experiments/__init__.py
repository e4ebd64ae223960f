"""Experiments: configurations (TOML) -> grid of points -> xarray.Dataset -> figure.

The four calls a notebook needs::

    from hebbian.experiments import check, plot, run
    ds = run("amit1987_hopfield_capacity", quick=True)   # load, validate, run
    check(ds), plot(ds)                                  # published values; the figure

* :mod:`~hebbian.experiments.errors` -- :class:`ConfigError`;
* :mod:`~hebbian.experiments.base` -- the base class of the kinds and their registry;
* :mod:`~hebbian.experiments.kinds` -- one module per kind (discovered, not listed);
* :mod:`~hebbian.experiments.registry` -- a kind by name;
* :mod:`~hebbian.experiments.plotting` -- helpers of the kinds' figures;
* :mod:`~hebbian.experiments.config` -- loading and validating configurations;
* :mod:`~hebbian.experiments.runner` -- run, check against published values, plot;
* :mod:`~hebbian.experiments.reproduce` -- runs to files, every figure, the summary.
"""

from hebbian.experiments.config import available_configs, load_config
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.runner import CheckRow, check_result, plot_result, run_experiment

#: Short names for interactive use: ``load``, ``run``, ``check``, ``plot``.
load = load_config
run = run_experiment
check = check_result
plot = plot_result

__all__ = [
    "CheckRow",
    "ConfigError",
    "available_configs",
    "check",
    "check_result",
    "load",
    "load_config",
    "plot",
    "plot_result",
    "run",
    "run_experiment",
]
