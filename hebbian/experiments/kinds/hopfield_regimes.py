r"""The fixed points of the modern Hopfield network against beta, and its exponential capacity.

Protocol (Ramsauer et al., "Hopfield Networks is All You Need", ICLR 2021,
arXiv:2008.02217, Section 2):

* **regimes**: for each inverse temperature ``beta``, ``n_trials`` memories of
  ``n_pairs`` patterns uniform on the unit sphere of dimension ``dim``; every pattern
  plus relative Gaussian noise ``noise`` is a query, iterated to its fixed point
  (:func:`hebbian.attention.fixed_points.regime_sweep`). Measured: the participation
  ratio :math:`1/\sum_\mu w_\mu^2` of the softmax weights at the fixed point, the
  overlap with the nearest pattern, and the fractions of queries at the global fixed
  point (all queries of a memory on one point), at metastable states (averaging
  several patterns) and at single patterns (participation below 3/2).
* **capacity**: for each ``capacity_dims`` value, the largest ``n_pairs`` whose one-update
  read at ``beta = dim/2`` has a mean relative error at most ``max_error``
  (:func:`hebbian.attention.fixed_points.softmax_capacity`, doubling then bisection),
  and the slope of :math:`\ln N_{max}` against ``dim``.

Theory: every query reaches one fixed point while the update is a contraction,
:math:`\beta < 1/M^2 = 1`; the split of the global point is estimated by the
instability of the uniform average, :math:`\beta_{split} \approx d/(1+\sqrt{d/N})^2`
(Marchenko-Pastur); the capacity line is the mean-field relative error
:func:`hebbian.theory.attention.softmax_relative_error` solved for ``N`` at
``beta = dim/2``, whose slope over ``d = 8..24`` is about 0.40 (the Gaussian
approximation of its crosstalk alone gives 1/2; Demircigil et al. 2017's
:math:`\ln 2/2` is for binary patterns and another criterion).
``docs/theory/hopfield_attention.md`` derives them.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.plotting import drawn_log, panel_row
from hebbian.theory.attention import softmax_mean_field_capacity, softmax_split_beta

__all__ = ["HopfieldRegimes"]


def _crossing(x: np.ndarray, y: np.ndarray, level: float) -> float:
    """First ``x`` where ``y`` falls below ``level``, interpolated linearly in ``ln x``."""
    below = np.nonzero(y < level)[0]
    if below.size == 0:
        return float("nan")
    j = int(below[0])
    if j == 0:
        return float(x[0])
    l0, l1 = np.log(x[j - 1]), np.log(x[j])
    return float(np.exp(l0 + (y[j - 1] - level) * (l1 - l0) / (y[j - 1] - y[j])))


@register
class HopfieldRegimes(ExperimentKind):
    """Three fixed-point regimes against beta, and ln N_max against dim (module docstring)."""

    name = "hopfield_regimes"
    description = "modern Hopfield: global, metastable and single-pattern fixed points; capacity"
    parameters = {
        "n_pairs": Param("int", "stored patterns N of the regime sweep", minimum=2, maximum=4096),
        "dim": Param("int", "pattern dimension of the regime sweep", minimum=2, maximum=4096),
        "betas": Param("floats", "inverse temperatures (increasing)", minimum=1e-3,
                       maximum=1e4),
        "n_trials": Param("int", "memories per beta", minimum=1, maximum=10_000, default=8),
        "noise": Param("float", "relative noise of the queries", minimum=0.0, maximum=10.0,
                       default=0.1),
        "max_steps": Param("int", "updates at most per query", minimum=1, maximum=100_000,
                           default=500),
        "capacity_dims": Param("ints", "dimensions of the capacity search (increasing)",
                               minimum=2, maximum=64),
        "max_error": Param("float", "relative error that defines the capacity",
                           minimum=1e-4, maximum=0.5, default=0.05),
        "reads": Param("int", "reads per size of the capacity search", minimum=10,
                       maximum=10_000_000, default=4000),
    }  # fmt: skip
    obtained_quantities = (
        "split_beta",
        "split_beta_estimate",
        "global_fraction_small_beta",
        "metastable_peak",
        "retrieved_fraction_large_beta",
        "capacity_slope",
        "capacity_slope_theory",
        "capacity_ratio",
    )

    def check(self, params, *, where):
        for key in ("betas", "capacity_dims"):
            if list(params[key]) != sorted(params[key]):
                raise ConfigError(f"{where} {key} must be increasing, got {params[key]}")
        if len(params["capacity_dims"]) < 2:
            raise ConfigError(f"{where} capacity_dims needs two dimensions at least for a slope")

    def points(self, params):
        regimes = [{"part": "regimes", "beta": b} for b in params["betas"]]
        return regimes + [{"part": "capacity", "dim": d} for d in params["capacity_dims"]]

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        from hebbian.attention.fixed_points import regime_sweep, softmax_capacity

        if point["part"] == "capacity":
            result = softmax_capacity(point["dim"], max_error=params["max_error"],
                                      reads=params["reads"], seed=rng)  # fmt: skip
            return {"n_max": result.n_max, "evaluations": len(result.evaluations)}
        sweep = regime_sweep(params["n_pairs"], params["dim"], [point["beta"]],
                             trials=params["n_trials"], noise=params["noise"],
                             max_steps=params["max_steps"], seed=rng)  # fmt: skip
        keys = ("participation", "nearest_overlap", "global_fraction", "metastable_fraction",
                "single_fraction", "retrieved_fraction", "converged_fraction")  # fmt: skip
        return {key: float(getattr(sweep, key)[0]) for key in keys}

    def assemble(self, params, points, results):
        betas = np.array(params["betas"], dtype=float)
        dims = np.array(params["capacity_dims"])
        regimes = [r for p, r in zip(points, results) if p["part"] == "regimes"]
        capacity = [r for p, r in zip(points, results) if p["part"] == "capacity"]

        def column(key):
            return np.array([r[key] for r in regimes], dtype=float)

        labels = {
            "participation": "participation ratio 1/sum w^2 at the fixed point",
            "nearest_overlap": "overlap with the nearest pattern at the fixed point",
            "global_fraction": "fraction of queries at the global fixed point",
            "metastable_fraction": "fraction of queries at metastable states",
            "single_fraction": "fraction of queries at single-pattern fixed points",
            "retrieved_fraction": "fraction of queries at their own pattern",
            "converged_fraction": "fraction of queries converged within max_steps",
        }
        data = {key: ("beta", column(key), {"long_name": text}) for key, text in labels.items()}
        theory = [softmax_mean_field_capacity(int(d), params["max_error"]) for d in dims]
        data["n_max"] = (
            "capacity_dim",
            np.array([r["n_max"] for r in capacity]),
            {"long_name": "largest N read within max_error at beta = dim/2"},
        )
        data["n_max_theory"] = (
            "capacity_dim",
            np.array(theory),
            {"long_name": "mean-field capacity (softmax_relative_error)"},
        )
        data["split_beta_estimate"] = ((), softmax_split_beta(params["n_pairs"], params["dim"]),
                                       {"long_name": "d / (1 + sqrt(d/N))^2"})  # fmt: skip
        coords = {
            "beta": ("beta", betas, {"long_name": "inverse temperature beta"}),
            "capacity_dim": ("capacity_dim", dims, {"long_name": "pattern dimension d"}),
        }
        return xr.Dataset(data, coords=coords)

    def obtained(self, ds):
        from hebbian.attention.fixed_points import capacity_slope

        betas = ds.beta.values
        dims = ds.capacity_dim.values
        slope = capacity_slope(dims, ds.n_max.values)[0]
        slope_theory = capacity_slope(dims, ds.n_max_theory.values)[0]
        ratio = np.exp(np.mean(np.log(ds.n_max.values / ds.n_max_theory.values)))
        return {
            "split_beta": _crossing(betas, ds.global_fraction.values, 0.5),
            "split_beta_estimate": float(ds.split_beta_estimate),
            "global_fraction_small_beta": float(ds.global_fraction.values[0]),
            "metastable_peak": float(ds.metastable_fraction.max()),
            "retrieved_fraction_large_beta": float(ds.retrieved_fraction.values[-1]),
            "capacity_slope": slope,
            "capacity_slope_theory": slope_theory,
            "capacity_ratio": float(ratio),
        }

    def plot(self, ds, ax=None):
        params = json.loads(ds.attrs["parameters"])
        axes = panel_row(ax, 2, width=5.4, height=4.2)
        left = axes[0]
        betas = ds.beta.values
        styles = (("global_fraction", "C0", "o", "global"),
                  ("metastable_fraction", "C1", "s", "metastable"),
                  ("single_fraction", "C2", "^", "single pattern"))  # fmt: skip
        for key, color, marker, label in styles:
            left.plot(betas, ds[key].values, marker=marker, color=color, ms=4, label=label)
        left.plot(betas, ds.participation.values / params["n_pairs"], "k--", lw=1,
                  label="participation ratio / N")  # fmt: skip
        left.axvline(float(ds.split_beta_estimate), color="C0", ls=":", lw=1,
                     label=r"$d/(1+\sqrt{d/N})^2$")  # fmt: skip
        left.set_xscale("log")
        left.set_xlabel(r"inverse temperature $\beta$")
        left.set_ylabel("fraction of queries")
        left.set_ylim(-0.02, 1.02)
        left.set_title(f"Fixed points, N = {params['n_pairs']}, d = {params['dim']}",
                       fontsize=10)  # fmt: skip
        left.legend(fontsize=8)
        if len(axes) > 1:
            right = axes[1]
            dims = ds.capacity_dim.values
            right.plot(dims, ds.n_max.values, "o", color="C3", mfc="none", label="measured")
            right.plot(dims, drawn_log(ds.n_max_theory.values), "-", color="C3", lw=1,
                       label="mean field (softmax_relative_error)")  # fmt: skip
            right.set_yscale("log")
            right.set_xlabel("dimension d")
            right.set_ylabel(r"$N_{max}$")
            right.set_title(rf"One update at $\beta = d/2$, relative error "
                            rf"$\leq$ {params['max_error']:g}", fontsize=10)  # fmt: skip
            right.legend(fontsize=8)
        return left
