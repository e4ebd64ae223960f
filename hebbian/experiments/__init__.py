"""Experiments: configurations (TOML) -> grid of points -> xarray.Dataset -> figure.

* :mod:`~hebbian.experiments.config` -- loading and validating configurations;
* :mod:`~hebbian.experiments.registry` -- the experiment kinds and their base class;
* :mod:`~hebbian.experiments.run` -- run, check against published values, plot;
* one module per kind: :mod:`~hebbian.experiments.capacity`,
  :mod:`~hebbian.experiments.phase_diagram`, :mod:`~hebbian.experiments.mixtures`.
"""
