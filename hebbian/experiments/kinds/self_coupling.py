"""Self-coupling in Hebb's network: fixed points come back at large load, basins do not.

Protocol (the question of Folli, Leonetti, Ruocco, Front. Comput. Neurosci. 10, 144
(2017)): for each load ``alpha = K/N``, disorder sample and choice of diagonal, store
``K`` random patterns with Hebb's rule (:func:`hebbian.learning.hebb`), with the
self-coupling :math:`J_{ii} = K/N` kept or removed. Measured:

* the fraction of patterns that are fixed points of the zero-temperature dynamics
  (:func:`hebbian.learning.fixed_point_fraction`);
* the final overlap of zero-temperature sequential dynamics started from a cue of each
  of the first ``n_cued`` patterns with a fraction ``cue_noise`` of its bits flipped
  (overlap ``1 - 2 cue_noise`` at the start).

Theory: the finite-``N`` signal-to-noise estimate of the fixed-point probability
(:func:`hebbian.theory.gardner.hebb_fixed_point_probability`, after McEliece, Posner,
Rodemich, Venkatesh 1987). The kept diagonal adds ``K/N`` to the signal ``(N-1)/N``
against a crosstalk of width :math:`\\sqrt{(K-1)(N-1)}/N`, so the ratio grows again like
:math:`\\sqrt{K/N}` for ``K >> N``: the patterns become fixed points again. So does
every other state, and a corrupted cue stays where it starts, which the final overlap
shows (it stays at ``1 - 2 cue_noise``).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hebbian.experiments.base import SITE_ORDER, ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.multitasking_threshold import crossing_dilution
from hebbian.experiments.plotting import drawn, panel_row
from hebbian.learning import fixed_point_fraction, hebb
from hebbian.patterns import cue_each, random_patterns

__all__ = ["SelfCoupling"]

_DIAGONAL = {0: "removed", 1: "kept"}


def _rise_load(alphas: np.ndarray, fraction: np.ndarray, level: float = 0.5) -> float:
    """Load above the minimum where ``fraction`` climbs back to ``level`` (NaN if never)."""
    lowest = int(np.argmin(fraction))
    if lowest == 0:
        return float("nan")
    return crossing_dilution(alphas[lowest:], fraction[lowest:], level)


@register
class SelfCoupling(ExperimentKind):
    """Fixed points and cue retrieval with and without the diagonal (module docstring)."""

    name = "self_coupling"
    description = "Hebb's network with and without self-coupling: fixed points and basins vs K/N"
    parameters = {
        "n_neurons": Param("int", "network size N", minimum=10, maximum=2000),
        "alpha": Param("floats", "loads alpha = K/N", minimum=0.0, maximum=50.0),
        "n_samples": Param("int", "disorder samples per point", minimum=1, default=3),
        "n_cued": Param("int", "patterns cued per sample", minimum=1, default=10),
        "cue_noise": Param(
            "float", "fraction of a cue's bits flipped", minimum=0.0, maximum=0.5, default=0.1
        ),
        "n_sweeps": Param("int", "zero-temperature sweeps", minimum=1, default=20),
    }
    obtained_quantities = (
        "rise_half_load_with_diagonal",
        "rise_half_load_theory",
        "overlap_gain_largest_load_with_diagonal",
    )

    def check(self, params, *, where):
        if list(params["alpha"]) != sorted(set(params["alpha"])):
            raise ConfigError(f"{where} alpha must be strictly increasing, got {params['alpha']}")
        if round(min(params["alpha"]) * params["n_neurons"]) < 1:
            raise ConfigError(f"{where} the smallest alpha stores no pattern")

    def points(self, params):
        return [
            {"alpha": a, "sample": s, "diagonal": d}
            for a in params["alpha"]
            for s in range(params["n_samples"])
            for d in (0, 1)
        ]

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        from hebbian.montecarlo.engine import simulate

        N = params["n_neurons"]
        K = round(point["alpha"] * N)
        patterns = random_patterns(K, N, seed=rng)
        model = hebb(patterns, self_coupling=bool(point["diagonal"]))
        C = min(K, params["n_cued"])
        cues = cue_each(patterns[:C], noise=params["cue_noise"], seed=rng)
        ds = simulate(model, temperature=0.0, initial=cues, n_chains=C, seed=rng,
                      n_sweeps=params["n_sweeps"], measure_every=params["n_sweeps"],
                      site_order=SITE_ORDER, device="cpu")  # fmt: skip
        final = ds.m.isel(time=-1).values[np.arange(C), np.arange(C)]
        return {"fixed": fixed_point_fraction(model, patterns), "m": float(final.mean())}

    def assemble(self, params, points, results):
        from hebbian.theory.gardner import hebb_fixed_point_probability

        alphas, n_s, N = params["alpha"], params["n_samples"], params["n_neurons"]
        shape = (len(alphas), n_s, 2)
        data = {}
        names = {"fixed": "fraction of patterns that are fixed points",
                 "m": "final overlap from the cues"}  # fmt: skip
        for key, long_name in names.items():
            values = np.array([r[key] for r in results]).reshape(shape).transpose(2, 0, 1)
            err = (
                values.std(axis=2, ddof=1) / np.sqrt(n_s)
                if n_s > 1
                else np.full((2, len(alphas)), np.nan)
            )
            data[key] = (("diagonal", "alpha"), values.mean(axis=2), {"long_name": long_name})
            data[f"{key}_stderr"] = (("diagonal", "alpha"), err, {"long_name": "standard error"})
        K = np.maximum(np.round(np.array(alphas) * N), 1)
        theory = [hebb_fixed_point_probability(N, K, self_coupling=bool(d)) for d in (0, 1)]
        data["fixed_theory"] = (
            ("diagonal", "alpha"),
            np.array(theory),
            {"long_name": "fixed-point probability, signal to noise"},
        )
        coords = {
            "diagonal": ("diagonal", [_DIAGONAL[0], _DIAGONAL[1]]),
            "alpha": ("alpha", alphas, {"long_name": r"load $\alpha = K/N$"}),
        }
        return xr.Dataset(data, coords=coords)

    def obtained(self, ds):
        import json

        params = json.loads(ds.attrs["parameters"])
        alphas = ds.alpha.values
        kept = ds.sel(diagonal="kept")
        return {
            "rise_half_load_with_diagonal": _rise_load(alphas, kept.fixed.values),
            "rise_half_load_theory": _rise_load(alphas, kept.fixed_theory.values),
            "overlap_gain_largest_load_with_diagonal": float(
                kept.m.isel(alpha=-1) - (1.0 - 2.0 * params["cue_noise"])
            ),
        }

    def plot(self, ds, ax=None):
        import json

        params = json.loads(ds.attrs["parameters"])
        axes = panel_row(ax, 2, width=4.8, height=4.0)
        alphas = ds.alpha.values
        styles = {"removed": ("C0", "o"), "kept": ("C3", "s")}
        left = axes[0]
        for diagonal, (color, marker) in styles.items():
            sub = ds.sel(diagonal=diagonal)
            left.errorbar(alphas, sub.fixed, yerr=sub.fixed_stderr, color=color, marker=marker,
                          ms=4, lw=1, capsize=2, label=f"diagonal {diagonal}")  # fmt: skip
            left.plot(alphas, drawn(sub.fixed_theory), color=color, ls="--", lw=1)
        left.plot([], [], "k--", lw=1, label="signal to noise")
        left.set_xscale("log")
        left.set_xlabel(r"load $\alpha = K/N$")
        left.set_ylabel("fraction of patterns that are fixed points")
        left.set_title(f"Hebb, N = {params['n_neurons']}: fixed points", fontsize=10)
        left.legend(fontsize=7.5)
        if len(axes) == 1:
            return left
        right = axes[1]
        for diagonal, (color, marker) in styles.items():
            sub = ds.sel(diagonal=diagonal)
            right.errorbar(alphas, sub.m, yerr=sub.m_stderr, color=color, marker=marker, ms=4,
                           lw=1, capsize=2, label=f"diagonal {diagonal}")  # fmt: skip
        start = 1.0 - 2.0 * params["cue_noise"]
        right.axhline(start, color="k", ls=":", lw=1, label="overlap of the cue")
        right.set_xscale("log")
        right.set_ylim(0, 1.04)
        right.set_xlabel(r"load $\alpha = K/N$")
        right.set_ylabel("final overlap, T = 0")
        right.set_title(f"Retrieval from cues with {params['cue_noise']:.0%} of bits flipped",
                        fontsize=10)  # fmt: skip
        right.legend(fontsize=7.5)
        return left
