"""Capacity at a margin: the load up to which the perceptron rules reach stability kappa.

Protocol: for each size ``N``, load ``alpha = K/N`` and disorder sample, draw ``K``
random unbiased patterns (no self-coupling) and ask, neuron by neuron, whether its row
of couplings can give every pattern a stability
:math:`\\xi_i^\\mu h_i^\\mu/\\lVert J_i\\rVert \\ge \\kappa`, for each margin ``kappa``:

* **adatron** -- the couplings of optimal stability, computed by the AdaTron
  (:func:`hebbian.learning.adatron`; Anlauf and Biehl, Europhys. Lett. 10, 687 (1989)),
  certified within ``tol`` of each neuron's optimum (the limit of Krauth and Mezard's
  MinOver, J. Phys. A 20, L745 (1987), reached faster): the neuron counts at margin
  ``kappa`` when its least stability is at least ``kappa``; one run answers for every
  margin;
* **gardner** -- Gardner's perceptron with margin ``kappa`` (:func:`hebbian.learning.
  gardner`) within ``max_sweeps`` sweeps: the neuron counts when the rule converged.

The capacity at margin ``kappa`` for size ``N`` is the load where half of the neurons
count (linear interpolation on the grid), its error a bootstrap over the samples; the
large-``N`` value is extrapolated linearly in ``1/N`` (an assumed finite-size form:
at ``kappa = 0`` Cover's count puts the half point of ``N - 1`` inputs at exactly
``alpha = 2(N-1)/N``). The measure is the fixed point with margin.

Theory: Gardner's :math:`\\alpha_c(\\kappa)^{-1} = \\int_{-\\kappa}^\\infty Dt\\,
(t+\\kappa)^2` (Gardner, J. Phys. A 21, 257 (1988);
:func:`hebbian.theory.gardner.gardner_capacity`). Gardner proved that her perceptron
converges whenever the margin can be reached, but in a number of updates that diverges
as the load approaches the capacity: with a finite budget its capacity falls short.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.capacity import crossing_load, extrapolate_capacity
from hebbian.experiments.kinds.perceptron_stability import check_sizes_and_loads, size_load_points
from hebbian.experiments.plotting import drawn
from hebbian.learning import adatron, gardner
from hebbian.patterns import random_patterns

__all__ = ["MarginCapacity"]

_RULES = ("adatron", "gardner")
_LABELS = {"adatron": "optimal (AdaTron)", "gardner": "Gardner's perceptron"}


def _half_loads(alphas: np.ndarray, counted: np.ndarray, n_bootstrap: int) -> tuple:
    """Half-point load of ``counted`` (alpha, sample) and its bootstrap error."""
    half = crossing_load(alphas, counted.mean(axis=1))
    n_s = counted.shape[1]
    if n_s < 2:
        return half, float("nan")
    draws = np.random.default_rng(0).integers(0, n_s, size=(n_bootstrap, n_s))
    boot = np.array([crossing_load(alphas, counted[:, d].mean(axis=1)) for d in draws])
    return half, float(np.nanstd(boot)) if np.isfinite(boot).any() else float("nan")


@register
class MarginCapacity(ExperimentKind):
    """Fraction of neurons reaching margin kappa against the load (module docstring)."""

    name = "margin_capacity"
    description = "perceptron rules: capacity at margin kappa for several N, Gardner's curve"
    parameters = {
        "n_neurons": Param("ints", "network sizes N", minimum=10, maximum=2000),
        "kappa": Param("floats", "margins kappa", minimum=0.0, maximum=5.0),
        "alpha": Param("floats", "loads alpha = K/N", minimum=0.0, maximum=1.9),
        "n_samples": Param("int", "disorder samples per (N, alpha)", minimum=1, default=3),
        "tol": Param(
            "float",
            "MinOver's certified gap to the optimum",
            minimum=1e-4,
            maximum=0.5,
            default=0.002,
        ),  # fmt: skip
        "optimal_sweeps": Param(
            "int",
            "MinOver's budget, sweeps over the patterns",
            minimum=1,
            maximum=100_000,
            default=1000,
        ),  # fmt: skip
        "max_sweeps": Param(
            "int",
            "Gardner perceptron's budget, sweeps over the patterns",
            minimum=1,
            maximum=100_000,
            default=100,
        ),  # fmt: skip
        "n_bootstrap": Param(
            "int", "bootstrap draws of the half-point error", minimum=1, default=200
        ),  # fmt: skip
    }
    obtained_quantities = (
        "optimal_capacity_extrapolated_at_half_kappa",
        "optimal_capacity_extrapolated_at_unit_kappa",
        "gardner_capacity_extrapolated_at_half_kappa",
        "optimal_max_deviation_extrapolated",
    )

    def check(self, params, *, where):
        check_sizes_and_loads(params, where=where)
        if list(params["kappa"]) != sorted(params["kappa"]):
            raise ConfigError(f"{where} kappa must be increasing, got {params['kappa']}")

    def points(self, params):
        return size_load_points(params)

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        N = point["n_neurons"]
        patterns = random_patterns(round(point["alpha"] * N), N, seed=rng)
        optimal = adatron(patterns, tol=params["tol"], max_sweeps=params["optimal_sweeps"],
                          full_output=True)  # fmt: skip
        least = optimal.min_stability
        counted = {"adatron": [float(np.mean(least >= k)) for k in params["kappa"]]}
        counted["gardner"] = [
            float(np.mean(gardner(patterns, kappa=k, max_sweeps=params["max_sweeps"],
                                  full_output=True).converged))
            for k in params["kappa"]
        ]  # fmt: skip
        return counted

    def assemble(self, params, points, results):
        from hebbian.theory.gardner import gardner_capacity

        Ns, kappas, alphas = params["n_neurons"], params["kappa"], params["alpha"]
        n_s = params["n_samples"]
        a = np.array(alphas)
        shape = (len(Ns), len(alphas), n_s, len(kappas))
        fraction, half, half_err, inf, inf_err = {}, {}, {}, {}, {}
        for rule in _RULES:
            # (N, alpha, sample, kappa) -> (N, kappa, alpha, sample)
            f = np.array([r[rule] for r in results]).reshape(shape).transpose(0, 3, 1, 2)
            fraction[rule] = f.mean(axis=3)
            h = np.array([[_half_loads(a, f[i, k], params["n_bootstrap"])
                           for k in range(len(kappas))] for i in range(len(Ns))])  # fmt: skip
            half[rule], half_err[rule] = h[..., 0], h[..., 1]
            fits = [extrapolate_capacity(Ns, h[:, k, 0], h[:, k, 1], exponent=1)
                    for k in range(len(kappas))]  # fmt: skip
            inf[rule] = np.array([fit[0] for fit in fits])
            inf_err[rule] = np.array([fit[1] for fit in fits])
        stack = lambda d: np.stack([d[m] for m in _RULES])  # noqa: E731
        coords = {
            "rule": ("rule", list(_RULES)),
            "n_neurons": ("n_neurons", Ns, {"long_name": "$N$"}),
            "kappa": ("kappa", kappas, {"long_name": r"margin $\kappa$"}),
            "alpha": ("alpha", alphas, {"long_name": r"load $\alpha = K/N$"}),
        }
        return xr.Dataset(
            {
                "fraction": (("rule", "n_neurons", "kappa", "alpha"), stack(fraction),
                             {"long_name": "fraction of neurons reaching the margin"}),
                "half_load": (("rule", "n_neurons", "kappa"), stack(half),
                              {"long_name": "load where half of the neurons reach it"}),
                "half_load_err": (("rule", "n_neurons", "kappa"), stack(half_err),
                                  {"long_name": "bootstrap error over the samples"}),
                "capacity_extrapolated": (("rule", "kappa"), stack(inf),
                                          {"long_name": r"half load extrapolated in $1/N$"}),
                "capacity_extrapolated_err": (("rule", "kappa"), stack(inf_err),
                                              {"long_name": "error of the extrapolation"}),
                "capacity_gardner": (("kappa",), np.asarray(gardner_capacity(np.array(kappas))),
                                     {"long_name": r"Gardner's $\alpha_c(\kappa)$"}),
            },
            coords=coords,
        )  # fmt: skip

    def obtained(self, ds):
        nan = float("nan")
        out = dict.fromkeys(self.obtained_quantities, nan)
        kappas = ds.kappa.values
        for name, kappa, rule in (
            ("optimal_capacity_extrapolated_at_half_kappa", 0.5, "adatron"),
            ("optimal_capacity_extrapolated_at_unit_kappa", 1.0, "adatron"),
            ("gardner_capacity_extrapolated_at_half_kappa", 0.5, "gardner"),
        ):
            if np.any(np.abs(kappas - kappa) < 1e-9):
                out[name] = float(ds.capacity_extrapolated.sel(rule=rule, kappa=kappa))
        deviation = ds.capacity_extrapolated.sel(rule="adatron") - ds.capacity_gardner
        if int(deviation.notnull().sum()):
            out["optimal_max_deviation_extrapolated"] = float(np.abs(deviation).max())
        return out

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        from hebbian.theory.gardner import gardner_capacity

        params = json.loads(ds.attrs["parameters"])
        if ax is None:
            _, axes = plt.subplots(1, 2, figsize=(11.0, 4.4), layout="constrained")
        else:
            axes = [ax]
        left = axes[0]
        grid = np.linspace(0.0, 1.6, 161)
        left.plot(grid, drawn(gardner_capacity(grid)), "k-", lw=1.5,
                  label=r"Gardner $\alpha_c(\kappa)$")  # fmt: skip
        cmap = plt.get_cmap("viridis")
        Ns = ds.n_neurons.values
        markers = {"adatron": "o", "gardner": "v"}
        for rule in _RULES:
            for i, N in enumerate(Ns):
                sub = ds.sel(rule=rule, n_neurons=N)
                left.errorbar(ds.kappa, sub.half_load, yerr=sub.half_load_err,
                              fmt=markers[rule], ms=4, capsize=2, mfc="none" if
                              rule == "gardner" else None,
                              color=cmap(0.85 * i / max(len(Ns) - 1, 1)),
                              label=f"{_LABELS[rule]}, N = {N}")  # fmt: skip
            sub = ds.sel(rule=rule)
            left.errorbar(ds.kappa, sub.capacity_extrapolated, yerr=sub.capacity_extrapolated_err,
                          fmt="s", ms=6, capsize=2, mfc="none",
                          color="C3" if rule == "adatron" else "C1",
                          label=f"{_LABELS[rule]}: extrapolated in $1/N$")  # fmt: skip
        left.set_xlabel(r"margin $\kappa$")
        left.set_ylabel(r"capacity: half of the neurons reach $\kappa$")
        left.set_ylim(0, 2.1)
        left.set_title("Capacity at a margin (measure: fixed point with margin)", fontsize=10)
        left.legend(fontsize=6.5, ncol=2)
        if len(axes) == 1:
            return left
        right = axes[1]
        N = int(Ns.max())
        styles = {"adatron": "-", "gardner": "--"}
        for k, kappa in enumerate(ds.kappa.values):
            for rule in _RULES:
                right.plot(ds.alpha, ds.fraction.sel(rule=rule, n_neurons=N, kappa=kappa),
                           ls=styles[rule], marker=markers[rule], ms=3, color=f"C{k}",
                           label=f"{rule}, kappa = {kappa:g}")  # fmt: skip
            right.axvline(drawn(float(ds.capacity_gardner[k])), color=f"C{k}", ls=":", lw=1)
        right.set_xlabel(r"load $\alpha = K/N$")
        right.set_ylabel("fraction of neurons reaching the margin")
        right.set_title(f"N = {N}; Gardner's perceptron within {params['max_sweeps']} sweeps",
                        fontsize=10)  # fmt: skip
        right.legend(fontsize=7)
        return left
