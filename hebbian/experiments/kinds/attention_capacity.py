r"""Capacity of attention layers against the number of stored pairs, at several dimensions.

Protocol (:mod:`hebbian.attention.capacity`): for each rule, key dimension ``d`` and
number of pairs ``N``, ``n_trials`` memories of ``N`` pairs (keys uniform on the unit
sphere, ±1 values), every key read back. Measured: the relative error of the read
:math:`\langle\|\hat v - v\|^2\rangle/d` and the winner-take-all accuracy over the
``N`` stored values.

Theory (:mod:`hebbian.theory.attention`, derived in ``docs/theory/attention.md``):
:math:`(N-1)/d` for the Hebbian sum rule (Zhong et al., arXiv:2505.19488), exactly
:math:`1 - d/N` for least squares (the converged delta rule: the error of each trial
is the trace of a projector), :math:`(N-1)\langle s^{2(p-1)}\rangle` for the dense
memory of order ``p``, the mean-field shrinkage-plus-crosstalk of softmax attention
(Ramsauer et al., ICLR 2021: a capacity exponential in ``d``), and the Gaussian
winner-take-all accuracy of the Hebbian read, whose knee grows as
:math:`d^2/(2\ln N)`. The one-pass delta rule (Schlag, Irie, Schmidhuber, ICML 2021)
has no formula: its points stand alone.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.capacity import crossing_load
from hebbian.experiments.plotting import drawn, drawn_log

__all__ = ["AttentionCapacity"]

_RULES = ("hebbian", "delta", "lsq", "softmax", "softmax1", "dense")
_STYLE = {"hebbian": ("C0", "o"), "delta": ("C1", "v"), "lsq": ("C2", "s"),
          "softmax": ("C3", "D"), "softmax1": ("C5", "x"), "dense": ("C4", "^")}  # fmt: skip

#: Softmax points compared with the mean field: those where the other pairs' share of the
#: partition sum spreads by at most this much (relative standard deviation,
#: :func:`hebbian.theory.attention.softmax_partition_spread`); the mean field replaces
#: that share by its mean.
SOFTMAX_SPREAD = 0.2


def _label(rule: str, params: dict) -> str:
    if rule == "dense":
        return f"dense, p = {params['order']}"
    if rule in ("softmax", "softmax1"):
        return f"{rule}, beta = {params['beta']:g}"
    if rule == "delta":
        return f"delta, {params['passes']} pass" + ("es" if params["passes"] > 1 else "")
    return {"hebbian": "Hebbian (sum rule)", "lsq": "least squares"}[rule]


@register
class AttentionCapacity(ExperimentKind):
    """Relative error and WTA accuracy of attention layers against N (module docstring)."""

    name = "attention_capacity"
    description = "attention layers: retrieval error and WTA accuracy vs stored pairs"
    parameters = {
        "rules": Param("names", "layers", choices=_RULES),
        "dims": Param("ints", "key dimensions d", minimum=2, maximum=4096),
        "n_pairs": Param("ints", "stored pairs N", minimum=1, maximum=16384),
        "n_trials": Param("int", "memories per point", minimum=2, maximum=100_000, default=20),
        "beta": Param(
            "float", "softmax inverse temperature", minimum=0.0, maximum=700.0, default=8.0
        ),  # fmt: skip
        "order": Param(
            "int", "interaction order p of the dense memory", minimum=2, maximum=12, default=3
        ),  # fmt: skip
        "passes": Param(
            "int", "passes of the delta rule", minimum=1, maximum=10_000, default=1
        ),  # fmt: skip
        "wta_level": Param(
            "float", "WTA accuracy that defines the knee", minimum=0.01, maximum=0.99, default=0.5
        ),  # fmt: skip
    }
    obtained_quantities = (
        "hebbian_max_abs_z",
        "dense_max_abs_z",
        "lsq_max_error_below_d",
        "lsq_max_abs_z_above_d",
        "softmax_max_rel_deviation",
        "hebbian_wta_knee_growth",
        "hebbian_wta_knee_growth_theory",
        "softmax_min_wta",
    )

    def check(self, params, *, where):
        for key in ("dims", "n_pairs"):
            values = list(params[key])
            if values != sorted(set(values)):
                raise ConfigError(f"{where} {key} must be increasing, got {values}")

    def points(self, params):
        return [
            {"rule": r, "dim": d, "n_pairs": n}
            for r in params["rules"]
            for d in params["dims"]
            for n in params["n_pairs"]
        ]

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        # one BLAS thread per worker process (hebbian._blas): the points run in parallel
        from hebbian._blas import blas_threads
        from hebbian.attention import retrieval_trials

        with blas_threads(1):
            result = retrieval_trials(
                point["rule"],
                point["dim"],
                point["n_pairs"],
                trials=params["n_trials"],
                beta=params["beta"],
                order=params["order"],
                passes=params["passes"],
                seed=rng,
            )
        return {"rel_err": result.rel_err, "rel_err_stderr": result.rel_err_stderr,
                "wta_correct": result.wta_correct, "reads": result.reads}  # fmt: skip

    def assemble(self, params, points, results):
        from hebbian.theory.attention import hebbian_wta_accuracy, relative_error

        rules, dims, pairs = params["rules"], np.array(params["dims"]), np.array(params["n_pairs"])
        shape = (len(rules), len(dims), len(pairs))

        def grid(key):
            return np.array([r[key] for r in results], dtype=float).reshape(shape)

        theory = np.full(shape, np.nan)
        wta_theory = np.full(shape, np.nan)
        for i, rule in enumerate(rules):
            for j, d in enumerate(dims):
                for k, n in enumerate(pairs):
                    value = relative_error(rule, int(d), int(n), beta=params["beta"],
                                           order=params["order"],
                                           passes=params["passes"])  # fmt: skip
                    theory[i, j, k] = np.nan if value is None else value
                    if rule == "hebbian" and n > 1:
                        wta_theory[i, j, k] = hebbian_wta_accuracy(int(n), int(d))
        reads = grid("reads")
        accuracy = grid("wta_correct") / reads
        dims3 = ("rule", "dim", "n_pairs")
        return xr.Dataset(
            {
                "rel_err": (dims3, grid("rel_err"), {"long_name": "relative error of a read"}),
                "rel_err_stderr": (dims3, grid("rel_err_stderr"),
                                   {"long_name": "standard error over memories"}),
                "rel_err_theory": (dims3, theory, {"long_name": "predicted relative error"}),
                "wta_accuracy": (dims3, accuracy, {"long_name": "winner-take-all accuracy"}),
                "wta_stderr": (dims3, np.sqrt(accuracy * (1 - accuracy) / reads),
                               {"long_name": "binomial standard error (reads as independent)"}),
                "wta_theory": (dims3, wta_theory,
                               {"long_name": "Gaussian WTA accuracy of the Hebbian read"}),
            },
            coords={
                "rule": ("rule", list(rules)),
                "dim": ("dim", dims, {"long_name": "key dimension d"}),
                "n_pairs": ("n_pairs", pairs, {"long_name": "stored pairs N"}),
            },
        )  # fmt: skip

    def obtained(self, ds):
        from hebbian.theory.attention import hebbian_wta_capacity, softmax_partition_spread

        params = json.loads(ds.attrs["parameters"])
        nan = float("nan")
        rules = list(ds.rule.values)
        dims, pairs = ds.dim.values, ds.n_pairs.values
        above = pairs[None, :] > dims[:, None]  # (dim, n_pairs)

        def largest_abs(values, where=True):
            values = values.where(where)
            return float(np.abs(values).max()) if int(values.notnull().sum()) else nan

        def z_scores(rule):
            sub = ds.sel(rule=rule)
            return ((sub.rel_err - sub.rel_err_theory) / sub.rel_err_stderr).where(
                sub.rel_err_stderr > 0
            )

        out = dict.fromkeys(self.obtained_quantities, nan)
        if "hebbian" in rules:
            out["hebbian_max_abs_z"] = largest_abs(z_scores("hebbian"))
        if "dense" in rules:
            out["dense_max_abs_z"] = largest_abs(z_scores("dense"))
        if "lsq" in rules:
            sub = ds.sel(rule="lsq")
            out["lsq_max_error_below_d"] = largest_abs(sub.rel_err, ~above)
            out["lsq_max_abs_z_above_d"] = largest_abs(z_scores("lsq"), above)
        if "softmax" in rules:
            sub = ds.sel(rule="softmax")
            spread = softmax_partition_spread(pairs[None, :], dims[:, None], params["beta"])
            out["softmax_max_rel_deviation"] = largest_abs(
                sub.rel_err / sub.rel_err_theory - 1, spread <= SOFTMAX_SPREAD
            )
            flat = [float(sub.wta_accuracy.sel(dim=d).values[pairs <= 16 * d].min())
                    for d in dims if (pairs <= 16 * d).any()]  # fmt: skip
            out["softmax_min_wta"] = min(flat) if flat else nan
        level = params["wta_level"]
        if "hebbian" in rules and len(dims) >= 2:
            knees = [crossing_load(pairs.astype(float),
                                   ds.wta_accuracy.sel(rule="hebbian", dim=d).values, level)
                     for d in dims[:2]]  # fmt: skip
            out["hebbian_wta_knee_growth"] = knees[1] / knees[0]
            theory = [hebbian_wta_capacity(int(d), level) for d in dims[:2]]
            out["hebbian_wta_knee_growth_theory"] = theory[1] / theory[0]
        return out

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        from hebbian.theory.attention import hebbian_wta_accuracy, relative_error

        params = json.loads(ds.attrs["parameters"])
        dims = ds.dim.values
        if ax is None:
            _, axes = plt.subplots(2, len(dims), figsize=(4.2 * len(dims), 7.6),
                                   layout="constrained", squeeze=False)  # fmt: skip
        else:
            axes = np.array([[ax]])
        pairs = ds.n_pairs.values
        grid = np.unique(np.round(np.geomspace(pairs.min(), pairs.max(), 120)).astype(int))
        for j, d in enumerate(dims[: axes.shape[1]]):
            top = axes[0, j]
            bottom = axes[1, j] if axes.shape[0] > 1 else None
            for rule in ds.rule.values:
                rule = str(rule)
                color, marker = _STYLE[rule]
                sub = ds.sel(rule=rule, dim=d)
                curve = [relative_error(rule, int(d), int(n), beta=params["beta"],
                                        order=params["order"], passes=params["passes"])
                         for n in grid]  # fmt: skip
                if all(c is not None for c in curve):
                    top.plot(grid, drawn_log(np.maximum(curve, 1e-6)), color=color, lw=1)
                top.errorbar(pairs, np.maximum(sub.rel_err, 1e-6), yerr=sub.rel_err_stderr,
                             fmt=marker, ms=3.5, mfc="none", capsize=1.5, color=color,
                             label=_label(rule, params))  # fmt: skip
                if bottom is not None:
                    bottom.plot(pairs, sub.wta_accuracy, marker=marker, ms=3.5, mfc="none",
                                color=color, lw=0.8, label=_label(rule, params))  # fmt: skip
            if bottom is not None and "hebbian" in ds.rule.values:
                wta = [hebbian_wta_accuracy(int(n), int(d)) if n > 1 else 1.0 for n in grid]
                bottom.plot(grid, drawn(wta), "k--", lw=1, label="Hebbian, Gaussian theory")
            top.set_xscale("log")
            top.set_yscale("log")
            top.set_ylim(1e-6 * 0.7, None)
            top.axvline(d, color="0.6", ls=":", lw=1)
            top.set_title(f"d = {d}, {params['n_trials']} memories per point", fontsize=10)
            top.set_xlabel("stored pairs N")
            top.set_ylabel("relative error of the read (floor 1e-6)")
            if bottom is not None:
                bottom.set_xscale("log")
                bottom.axvline(d, color="0.6", ls=":", lw=1)
                bottom.set_ylim(-0.02, 1.02)
                bottom.set_xlabel("stored pairs N")
                bottom.set_ylabel("winner-take-all accuracy")
        axes[0, 0].legend(fontsize=7)
        if axes.shape[0] > 1:
            axes[1, 0].legend(fontsize=7)
        return axes[0, 0]
