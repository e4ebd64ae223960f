"""Optimal stability of learned couplings against the load, next to Gardner's curve.

Protocol (Krauth and Mezard, J. Phys. A 20, L745 (1987)): for each size ``N``, load
``alpha = K/N`` and disorder sample, draw ``K`` random unbiased patterns and learn them
with MinOver (:func:`hebbian.learning.krauth_mezard`, no self-coupling), which stops a
neuron once its least stability :math:`\\min_\\mu \\xi_i^\\mu h_i^\\mu/\\lVert J_i
\\rVert` is certified within ``tol`` of the best that neuron can reach. Measured: that
least stability averaged over the neurons, :math:`\\kappa_N(\\alpha)`, and the fraction
of neurons certified within the budget of ``max_sweeps`` sweeps over the patterns.

Theory: Gardner's optimal stability :math:`\\kappa(\\alpha)`, the inverse of
:math:`\\alpha_c(\\kappa)^{-1} = \\int_{-\\kappa}^\\infty Dt\\,(t+\\kappa)^2` (Gardner, J.
Phys. A 21, 257 (1988); :func:`hebbian.theory.gardner.optimal_stability`). The figure
draws it as the capacity curve :math:`\\alpha_c(\\kappa)`, with the measured
:math:`(\\kappa_N(\\alpha), \\alpha)` over it. The large-``N`` value is extrapolated
linearly in ``1/N`` (an assumed finite-size form, :func:`~hebbian.experiments.kinds.
capacity.extrapolate_capacity` with ``exponent=1``). The capacity measure is the fixed
point with margin: every pattern has stability at least :math:`\\kappa`.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.capacity import extrapolate_capacity
from hebbian.experiments.plotting import drawn
from hebbian.learning import krauth_mezard
from hebbian.patterns import random_patterns

__all__ = ["PerceptronStability", "check_sizes_and_loads", "size_load_points"]


def check_sizes_and_loads(params: dict, *, where: str) -> None:
    """Refuse a grid of sizes and loads that cannot be extrapolated or stores nothing."""
    if list(params["alpha"]) != sorted(set(params["alpha"])):
        raise ConfigError(f"{where} alpha must be strictly increasing, got {params['alpha']}")
    if len(set(params["n_neurons"])) < 2:
        raise ConfigError(
            f"{where} n_neurons needs at least two sizes for the extrapolation, got "
            f"{params['n_neurons']}"
        )
    if min(round(a * min(params["n_neurons"])) for a in params["alpha"]) < 1:
        raise ConfigError(f"{where} the smallest alpha stores no pattern at the smallest N")


def size_load_points(params: dict) -> list[dict]:
    """One point per size ``N``, load ``alpha`` and disorder sample."""
    return [
        {"n_neurons": N, "alpha": a, "sample": s}
        for N in params["n_neurons"]
        for a in params["alpha"]
        for s in range(params["n_samples"])
    ]


@register
class PerceptronStability(ExperimentKind):
    """MinOver's least stability against the load for several sizes (module docstring)."""

    name = "perceptron_stability"
    description = "optimal stability of MinOver couplings vs K/N for several N, Gardner's curve"
    parameters = {
        "n_neurons": Param("ints", "network sizes N", minimum=10, maximum=2000),
        "alpha": Param("floats", "loads alpha = K/N", minimum=0.0, maximum=1.9),
        "n_samples": Param("int", "disorder samples per (N, alpha)", minimum=1, default=3),
        "tol": Param(
            "float",
            "MinOver's certified gap to the optimum",
            minimum=1e-4,
            maximum=0.5,
            default=0.01,
        ),
        "max_sweeps": Param(
            "int",
            "MinOver's budget, sweeps over the patterns",
            minimum=1,
            maximum=100_000,
            default=1000,
        ),
        "reference_alpha": Param(
            "float", "load of the reported stability", minimum=0.0, maximum=1.9, default=0.5
        ),
    }
    obtained_quantities = ("kappa_extrapolated_at_reference", "max_deviation_largest_N")

    def check(self, params, *, where):
        check_sizes_and_loads(params, where=where)
        if not any(abs(a - params["reference_alpha"]) < 1e-9 for a in params["alpha"]):
            raise ConfigError(
                f"{where} reference_alpha = {params['reference_alpha']:g} must be one of the "
                f"alpha values"
            )

    def points(self, params):
        return size_load_points(params)

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        N = point["n_neurons"]
        patterns = random_patterns(round(point["alpha"] * N), N, seed=rng)
        result = krauth_mezard(
            patterns, tol=params["tol"], max_sweeps=params["max_sweeps"], full_output=True
        )
        least = np.nanmin(result.stabilities, axis=0)
        return {"kappa": float(np.mean(least)), "certified": float(np.mean(result.converged))}

    def assemble(self, params, points, results):
        from hebbian.theory.gardner import optimal_stability

        Ns, alphas, n_s = params["n_neurons"], params["alpha"], params["n_samples"]
        shape = (len(Ns), len(alphas), n_s)
        kappa = np.array([r["kappa"] for r in results]).reshape(shape)
        certified = np.array([r["certified"] for r in results]).reshape(shape)
        err = kappa.std(axis=2, ddof=1) / np.sqrt(n_s) if n_s > 1 else np.full(shape[:2], np.nan)
        mean = kappa.mean(axis=2)
        fits = [
            extrapolate_capacity(Ns, mean[:, j], err[:, j], exponent=1) for j in range(len(alphas))
        ]
        coords = {
            "n_neurons": ("n_neurons", Ns, {"long_name": "$N$"}),
            "alpha": ("alpha", alphas, {"long_name": r"load $\alpha = K/N$"}),
        }
        return xr.Dataset(
            {
                "kappa": (("n_neurons", "alpha"), mean,
                          {"long_name": "least stability, mean over neurons"}),
                "kappa_stderr": (("n_neurons", "alpha"), err, {"long_name": "standard error"}),
                "certified": (("n_neurons", "alpha"), certified.mean(axis=2),
                              {"long_name": "fraction of neurons certified within tol"}),
                "kappa_extrapolated": (("alpha",), np.array([f[0] for f in fits]),
                                       {"long_name": r"$\kappa_N$ extrapolated in $1/N$"}),
                "kappa_extrapolated_err": (("alpha",), np.array([f[1] for f in fits]),
                                           {"long_name": "error of the extrapolation"}),
                "kappa_gardner": (("alpha",), np.asarray(optimal_stability(np.array(alphas))),
                                  {"long_name": r"Gardner's optimal stability $\kappa(\alpha)$"}),
            },
            coords=coords,
        )  # fmt: skip

    def obtained(self, ds):
        params = json.loads(ds.attrs["parameters"])
        largest = ds.kappa.sel(n_neurons=ds.n_neurons.max())
        return {
            "kappa_extrapolated_at_reference": float(
                ds.kappa_extrapolated.sel(alpha=params["reference_alpha"], method="nearest")
            ),
            "max_deviation_largest_N": float(np.abs(largest - ds.kappa_gardner).max()),
        }

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        from hebbian.theory.gardner import gardner_capacity

        if ax is None:
            _, ax = plt.subplots(figsize=(6.8, 4.6), layout="constrained")
        kappas = np.linspace(-0.2, 2.0, 221)
        ax.plot(kappas, drawn(gardner_capacity(kappas)), "k-", lw=1.5,
                label=r"Gardner $\alpha_c(\kappa)$")  # fmt: skip
        cmap = plt.get_cmap("viridis")
        Ns = ds.n_neurons.values
        for i, N in enumerate(Ns):
            sub = ds.sel(n_neurons=N)
            ax.errorbar(sub.kappa, ds.alpha, xerr=sub.kappa_stderr, fmt="o", ms=4, capsize=2,
                        color=cmap(0.85 * i / max(len(Ns) - 1, 1)),
                        label=f"MinOver, N = {N}")  # fmt: skip
        ax.errorbar(ds.kappa_extrapolated, ds.alpha, xerr=ds.kappa_extrapolated_err, fmt="s",
                    mfc="none", ms=6, color="C3", capsize=2,
                    label=r"extrapolated in $1/N$")  # fmt: skip
        ax.set_xlabel(r"stability $\kappa$ (least $\xi_i h_i / \|J_i\|$)")
        ax.set_ylabel(r"load $\alpha = K/N$")
        ax.set_xlim(-0.2, 2.0)
        ax.set_ylim(0, 2.2)
        ax.set_title("Optimal stability: MinOver against Gardner's capacity", fontsize=10)
        ax.legend(fontsize=8)
        return ax
