"""Assemble the :class:`xarray.Dataset` of a Monte Carlo run (see :func:`simulate`)."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian._version import __version__
from hebbian.montecarlo.stats import Estimate, estimate, pooled_estimate

__all__ = ["build_dataset", "sweeps_to_fixed_point"]


def sweeps_to_fixed_point(flips: np.ndarray) -> np.ndarray:
    """Sweeps that changed a spin before the first sweep that changed none.

    Parameters
    ----------
    flips : (S, C) array
        Flips per sweep and chain.

    Returns
    -------
    (C,) ndarray of float64
        ``s - 1`` for the first flip-free sweep ``s`` (1-based), NaN when every sweep
        flipped a spin.
    """
    still = np.asarray(flips) == 0
    first = still.argmax(axis=0).astype(np.float64)
    first[~still.any(axis=0)] = np.nan
    return first


def _estimate_vars(name: str, est: Estimate, dims: tuple[str, ...], long_name: str) -> dict:
    return {
        f"{name}_mean": (dims, est.mean, {"long_name": f"mean of {long_name}", "units": "1"}),
        f"{name}_stderr": (
            dims,
            est.stderr,
            {"long_name": f"standard error of {long_name} (Sokal)", "units": "1"},
        ),
        f"{name}_tau": (
            dims,
            est.tau_int,
            {
                "long_name": f"integrated autocorrelation time of {long_name}",
                "units": "measurements",
            },
        ),
    }


def _safe(fn, x, shape_without_time):
    if x.shape[0] >= 2:
        return fn(x)
    nan = np.full(shape_without_time, np.nan)
    mean = x.mean(axis=0) if x.shape[0] else nan
    if fn is not estimate:
        mean = mean.mean(axis=0) if x.shape[0] else nan
    return Estimate(mean=mean, stderr=nan, tau_int=nan, n_eff=np.zeros(shape_without_time))


def build_dataset(chains, trace, *, model_attrs: dict, settings: dict) -> xr.Dataset:
    """Traces, final state, estimates and provenance of one run, as a Dataset."""
    C, N = chains.spins.shape
    final_spins = chains.host_spins()
    K = trace.m.shape[2]
    pooled = lambda x: pooled_estimate(x, time_axis=0, chain_axis=1)  # noqa: E731
    m_est = _safe(pooled, trace.m, (K,))
    m2_est = _safe(pooled, trace.m**2, (K,))
    abs_est = _safe(pooled, np.abs(trace.m), (K,))
    e_est = _safe(pooled, trace.energy[:, :, None], (1,))
    q_series = trace.q.mean(axis=1) if trace.q.shape[1] else np.full(trace.q.shape[0], np.nan)
    q_est = _safe(estimate, q_series[:, None], (1,))
    T = settings["temperature"]
    to_fixed = sweeps_to_fixed_point(trace.flips) if T == 0 else np.full(C, np.nan)
    data = {
        "m": (
            ("time", "chain", "memory"),
            trace.m,
            {"long_name": "Mattis overlap $m_k$", "units": "1"},
        ),
        "energy": (
            ("time", "chain"),
            trace.energy,
            {"long_name": "energy per spin $E/N$", "units": "1"},
        ),
        "q": (
            ("time", "pair"),
            trace.q,
            {"long_name": "Edwards-Anderson overlap $q_{ab}$ between chains", "units": "1"},
        ),
        "flips": (
            ("sweep", "chain"),
            trace.flips,
            {"long_name": "spins flipped in the sweep", "units": "1"},
        ),
        "spins": (
            ("chain", "neuron"),
            final_spins.copy(),
            {"long_name": "final spins $\\sigma_i$", "units": "1"},
        ),
        "sweeps_to_fixed_point": (
            ("chain",),
            to_fixed,
            {
                "long_name": "sweeps before the first sweep without a flip (NaN: none, or T > 0)",
                "units": "sweeps",
            },
        ),
    }
    data.update(_estimate_vars("m", m_est, ("memory",), "$m_k$"))
    data.update(_estimate_vars("m2", m2_est, ("memory",), "$m_k^2$"))
    data.update(_estimate_vars("abs_m", abs_est, ("memory",), "$|m_k|$"))
    for name, est, ln in (("energy", e_est, "$E/N$"), ("q", q_est, "$q$")):
        for key, (_, value, attrs) in _estimate_vars(name, est, ("memory",), ln).items():
            data[key] = ((), float(np.asarray(value).reshape(-1)[0]), attrs)
    a, b = np.triu_indices(C, 1)
    coords = {
        "time": ("time", trace.time, {"long_name": "sweep of the measurement", "units": "sweeps"}),
        "sweep": ("sweep", np.arange(1, trace.flips.shape[0] + 1), {"units": "sweeps"}),
        "chain": np.arange(C),
        "memory": np.arange(K),
        "neuron": np.arange(N),
        "chain_a": ("pair", a),
        "chain_b": ("pair", b),
    }
    attrs = {**model_attrs, **settings, "hebbian_version": __version__, "engine": "montecarlo"}
    attrs["config"] = json.dumps({k: v for k, v in attrs.items() if k != "config"}, default=str)
    return xr.Dataset(data, coords=coords, attrs=attrs)
