"""Learning rules compared by their fixed points: the fraction of stored patterns against K/N.

Protocol (the comparison of Tolmachev and Manton, arXiv 2010.01472 (2020), with the
measure named): for each rule, load ``alpha = K/N`` and disorder sample, draw ``K``
random unbiased patterns of ``N`` neurons, learn them
(:mod:`hebbian.learning`), and count the patterns that are fixed points of the
zero-temperature dynamics, :math:`\\xi_i^\\mu h_i^\\mu > 0` at every site
(:func:`hebbian.learning.fixed_point_fraction`). Also recorded: the fraction of stable
sites over all patterns, and the least stability :math:`\\xi_i^\\mu h_i^\\mu /
\\lVert J_i\\rVert` averaged over neurons. The perceptron-type rules run at most
``max_sweeps`` sweeps over the patterns per neuron (``gardner`` with margin 0: the
perceptron). The pseudo-inverse needs ``K <= N`` and is not run above.

The capacities marked on the figure, each with its measure and source
(:mod:`hebbian.theory.gardner`): Hebb ``N/(2 ln N)`` (each pattern a fixed point;
McEliece, Posner, Rodemich, Venkatesh 1987) and the finite-``N`` signal-to-noise curve
behind it (:func:`hebbian.theory.gardner.hebb_fixed_point_probability`); Storkey
``N/sqrt(2 ln N)`` (Storkey 1997); the pseudo-inverse ``alpha = 1`` (Kanter and
Sompolinsky 1987); the optimal couplings ``alpha = 2`` at zero stability (Gardner
1988), which Krauth and Mezard's MinOver reaches.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.capacity import crossing_load
from hebbian.experiments.plotting import drawn
from hebbian.learning import ITERATIVE_RULES, RULES, fixed_point_fraction, learn, stabilities
from hebbian.patterns import random_patterns

__all__ = ["RulesFixedPoints"]

_STYLE = {
    "hebb": ("C0", "o"),
    "storkey": ("C1", "s"),
    "pseudo-inverse": ("C2", "^"),
    "krauth-mezard": ("C3", "D"),
    "gardner": ("C4", "v"),
    "diederich-opper-1": ("C5", "P"),
    "diederich-opper-2": ("C6", "X"),
    "adatron": ("C7", "*"),
}


@register
class RulesFixedPoints(ExperimentKind):
    """Fixed-point fraction against the load for several rules (module docstring)."""

    name = "rules_fixed_points"
    description = "learning rules: fraction of patterns that are fixed points vs K/N"
    parameters = {
        "n_neurons": Param("int", "network size N", minimum=10, maximum=2000),
        "rules": Param("names", "learning rules", choices=tuple(RULES)),
        "alpha": Param("floats", "loads alpha = K/N", minimum=0.0, maximum=4.0),
        "n_samples": Param("int", "disorder samples per (rule, alpha)", minimum=1, default=4),
        "max_sweeps": Param(
            "int",
            "sweeps over the patterns of the perceptron-type rules",
            minimum=1,
            maximum=100_000,
            default=100,
        ),  # fmt: skip
        "self_coupling": Param(
            "int", "1 keeps each rule's diagonal, 0 removes it", minimum=0, maximum=1, default=0
        ),
    }
    obtained_quantities = (
        "pseudo_inverse_fraction_below_N",
        "hebb_half_load",
        "hebb_half_load_theory",
    )

    def check(self, params, *, where):
        if list(params["alpha"]) != sorted(params["alpha"]):
            raise ConfigError(f"{where} alpha must be increasing, got {params['alpha']}")
        if round(min(params["alpha"]) * params["n_neurons"]) < 1:
            raise ConfigError(
                f"{where} alpha = {min(params['alpha']):g} stores no pattern at N = "
                f"{params['n_neurons']} (need alpha N >= 0.5)"
            )

    def points(self, params):
        return [
            {"rule": rule, "alpha": a, "sample": s}
            for rule in params["rules"]
            for a in params["alpha"]
            for s in range(params["n_samples"])
        ]

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        N, rule = params["n_neurons"], point["rule"]
        K = round(point["alpha"] * N)
        nan = float("nan")
        if rule == "pseudo-inverse" and K > N:
            return {"fixed": nan, "sites": nan, "least": nan}
        patterns = random_patterns(K, N, seed=rng)
        options = {"max_sweeps": params["max_sweeps"]} if rule in ITERATIVE_RULES else {}
        model = learn(rule, patterns, self_coupling=bool(params["self_coupling"]), **options)
        gamma = stabilities(model, patterns)
        return {
            "fixed": fixed_point_fraction(model, patterns),
            "sites": float(np.mean(gamma > 0)),
            "least": float(np.nanmean(np.nanmin(gamma, axis=0))),
        }

    def assemble(self, params, points, results):
        from hebbian.theory.gardner import hebb_fixed_point_probability

        rules, alphas, n_s = params["rules"], params["alpha"], params["n_samples"]
        N = params["n_neurons"]
        shape = (len(rules), len(alphas), n_s)
        data = {}
        names = {
            "fixed": "fraction of patterns that are fixed points",
            "sites": "fraction of stable sites",
            "least": "least stability, mean over neurons",
        }
        for key, long_name in names.items():
            values = np.array([r[key] for r in results], dtype=float).reshape(shape)
            data[key] = (("rule", "alpha"), values.mean(axis=2), {"long_name": long_name})
            err = (
                values.std(axis=2, ddof=1) / np.sqrt(n_s)
                if n_s > 1
                else np.full(shape[:2], np.nan)
            )
            data[f"{key}_stderr"] = (("rule", "alpha"), err, {"long_name": "standard error"})
        K = np.maximum(np.round(np.array(alphas) * N), 1)
        data["hebb_theory"] = (
            ("alpha",),
            hebb_fixed_point_probability(N, K, self_coupling=bool(params["self_coupling"])),
            {"long_name": "Hebb: fixed-point probability, signal to noise (McEliece 1987)"},
        )
        coords = {
            "rule": ("rule", list(rules)),
            "alpha": ("alpha", alphas, {"long_name": r"load $\alpha = K/N$"}),
        }
        return xr.Dataset(data, coords=coords)

    def obtained(self, ds):
        nan = float("nan")
        rules = list(ds.rule.values)
        out = {"pseudo_inverse_fraction_below_N": nan, "hebb_half_load": nan,
               "hebb_half_load_theory": nan}  # fmt: skip
        if "pseudo-inverse" in rules:
            below = ds.fixed.sel(rule="pseudo-inverse").where(ds.alpha < 1, drop=True)
            out["pseudo_inverse_fraction_below_N"] = float(below.min())
        if "hebb" in rules:
            alphas = ds.alpha.values
            out["hebb_half_load"] = crossing_load(alphas, ds.fixed.sel(rule="hebb").values)
            out["hebb_half_load_theory"] = crossing_load(alphas, ds.hebb_theory.values)
        return out

    def plot(self, ds, ax=None):
        import json

        import matplotlib.pyplot as plt

        from hebbian.theory.gardner import mceliece_capacity, storkey_capacity

        params = json.loads(ds.attrs["parameters"])
        N = params["n_neurons"]
        if ax is None:
            _, ax = plt.subplots(figsize=(9.0, 4.6), layout="constrained")
        alphas = ds.alpha.values
        for rule in ds.rule.values:
            color, marker = _STYLE[str(rule)]
            sub = ds.sel(rule=rule)
            ax.errorbar(alphas, sub.fixed, yerr=sub.fixed_stderr, color=color, marker=marker,
                        ms=4, lw=1, capsize=2, label=str(rule))  # fmt: skip
        if "hebb" in ds.rule.values:
            ax.plot(alphas, drawn(ds.hebb_theory), color="C0", ls="--", lw=1,
                    label="Hebb, signal to noise")  # fmt: skip
        marks = [  # position, colour, label, side of the line
            (float(mceliece_capacity(N)) / N, "C0", r"Hebb $N/(2\ln N)$", "right"),
            (float(storkey_capacity(N)) / N, "C1", r"Storkey $N/\sqrt{2\ln N}$", "right"),
            (1.0, "C2", r"pseudo-inverse $\alpha = 1$", "left"),
            (2.0, "C3", r"Gardner $\alpha_c(\kappa = 0) = 2$", "left"),
        ]
        for x, color, text, side in marks:
            ax.axvline(drawn(x), color=color, ls=":", lw=1)
            ax.text(drawn(x), 0.35, text, color=color, fontsize=7.5, rotation=90, ha=side,
                    va="center")  # fmt: skip
        ax.set_xlabel(r"load $\alpha = K/N$")
        ax.set_ylabel("fraction of patterns that are fixed points")
        diagonal = "kept" if params["self_coupling"] else "removed"
        ax.set_title(f"Fixed points of seven rules, N = {N}, self-coupling {diagonal}",
                     fontsize=10)  # fmt: skip
        ax.set_ylim(-0.02, 1.04)
        ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        return ax
