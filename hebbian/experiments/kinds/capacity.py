"""Storage capacity at T = 0: final overlap against the load (Hopfield and p-body networks).

Protocol (the simulations summarised by Amit, Gutfreund, Sompolinsky, Ann. Phys. 173,
30 (1987) and Amit, *Modeling Brain Function* (1989), ch. 6): for each size ``N``, load
``alpha = K/N`` and disorder sample, store ``K`` random patterns (zero-diagonal Hebb
rule), start ``n_chains`` chains exactly at patterns ``0 .. n_chains-1`` and run
zero-temperature sequential dynamics (random site order) for ``n_sweeps`` sweeps; record
each chain's final overlap with its own pattern.

Dense networks (``p >= 3``, Gardner, J. Phys. A 20, 3453 (1987)): ``K = alpha N^(p-1)``
patterns with weights ``1/(p-1)!`` (``H = -(N/p!) sum_k m_k^p``, distinct indices) and
the RS overlay of :func:`hebbian.theory.dense.dense_zero_temperature_retrieval`
(``alpha_c(3) = 0.12610``). Started exactly at the pattern, zero-temperature dynamics of
a small dense network stays trapped near it above ``alpha_c``; with ``cue_noise > 0``
each chain starts from its pattern with that fraction of bits flipped
(:func:`hebbian.patterns.cue`) and must find the pattern. At ``p = 3`` the finite-size
capacity rises with ``N`` and levels off near the RS value (no ``N^(-1/2)`` law), so the
figure shows ``alpha_c(N)`` without the extrapolation. With ``anneal_temperature``
:math:`T_0 > 0` the chains first run ``anneal_stages`` stages of ``anneal_sweeps``
heat-bath sweeps at :math:`T_k = T_0 (n-k)/n` (:func:`hebbian.montecarlo.annealing.
linear_schedule`) and then the zero-temperature sweeps: thermal noise frees chains
caught in the local minima next to a pattern whose retrieval state is gone, so the
finite-size capacity approaches the RS value from below as ``N`` grows instead of
overestimating it. :math:`T_0` must lie below the retrieval line :math:`T_M(\alpha)`
near :math:`\alpha_c` (:func:`hebbian.theory.dense.dense_retrieval_temperature`), or
the transition being first order, a melted pattern is never found again.

Derived quantities: the mean final overlap with its error over disorder samples; the
fraction of successful retrievals (final ``m >= threshold``); the finite-size capacity
``alpha_c(N)``, where that fraction crosses 1/2 (linear interpolation on the grid),
with a bootstrap error over samples; and its extrapolation to large ``N`` with the
finite-size ansatz :math:`\\alpha_c(N) = \\alpha_c(\\infty) + b N^{-1/2}` (weighted least
squares; a common empirical form, assumed here rather than derived). Theory overlay:
the RS T = 0 retrieval overlap
(:func:`hebbian.theory.hopfield.zero_temperature_retrieval`), which ends at
``alpha_c = 0.137905``.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.plotting import drawn
from hebbian.models import HebbianModel
from hebbian.patterns import cue_each, random_patterns

__all__ = ["HopfieldCapacity", "crossing_load", "extrapolate_capacity"]


def extrapolate_capacity(
    n_neurons, alpha_c, alpha_c_err, *, exponent: float = 0.5
) -> tuple[float, float, float]:
    """Fit :math:`\\alpha_c(N) = \\alpha_c(\\infty) + b N^{-1/2}` by weighted least squares.

    ``exponent`` replaces the :math:`1/2` of the finite-size term (1 fits in ``1/N``).

    The fit is the closed form of the two-parameter weighted least squares, with weights
    :math:`w = 1/\\sigma^2`, centred at the weighted mean :math:`\\bar x` of
    :math:`x = N^{-1/2}`: :math:`b = \\sum w (x-\\bar x)(y-\\bar y) / \\sum w (x-\\bar x)^2`,
    :math:`\\alpha_c(\\infty) = \\bar y - b \\bar x` and
    :math:`\\operatorname{Var}\\alpha_c(\\infty) = 1/\\sum w + \\bar x^2/\\sum w (x-\\bar x)^2`.
    It uses only correctly rounded operations (``sqrt``, elementwise products) and
    exactly rounded sums (:func:`math.fsum`), no BLAS or LAPACK, so the result is the
    same to the last bit on every CPU (a LAPACK ``lstsq`` is not, and its last bits move
    the drawn fit line). It equals the ``lstsq`` solution to rounding.

    Returns
    -------
    alpha_inf, alpha_inf_err, slope : float
        NaN when fewer than two distinct sizes have a finite estimate. Errors of zero are
        floored at 1e-4 (the grid resolution makes smaller bootstrap errors unreliable).
    """
    nan = float("nan")
    sizes = np.asarray(n_neurons, dtype=float)
    # correctly rounded for the two exponents in use (the same bits on every CPU)
    if exponent == 0.5:
        x = 1.0 / np.sqrt(sizes)
    elif exponent == 1:
        x = 1.0 / sizes
    else:
        x = sizes ** (-float(exponent))
    y = np.asarray(alpha_c, dtype=float)
    sigma = np.maximum(np.nan_to_num(np.asarray(alpha_c_err, dtype=float), nan=1.0), 1e-4)
    ok = np.isfinite(y)
    if ok.sum() < 2:
        return nan, nan, nan
    x, y, w = x[ok], y[ok], 1.0 / (sigma[ok] * sigma[ok])
    total = math.fsum(w)
    x_mean = math.fsum(w * x) / total
    y_mean = math.fsum(w * y) / total
    dx = x - x_mean
    sxx = math.fsum(w * dx * dx)
    if not sxx > 0.0:  # a single distinct size: the slope is undetermined
        return nan, nan, nan
    slope = math.fsum(w * dx * (y - y_mean)) / sxx
    return y_mean - slope * x_mean, math.sqrt(1.0 / total + x_mean * x_mean / sxx), slope


def crossing_load(alphas: np.ndarray, fraction: np.ndarray, level: float = 0.5) -> float:
    """First load where ``fraction`` falls below ``level`` (linear interpolation).

    NaN when the fraction never falls below the level; the first grid value when it
    starts below.
    """
    below = np.nonzero(fraction < level)[0]
    if below.size == 0:
        return float("nan")
    j = int(below[0])
    if j == 0:
        return float(alphas[0])
    a0, a1, f0, f1 = alphas[j - 1], alphas[j], fraction[j - 1], fraction[j]
    return float(a0 + (f0 - level) * (a1 - a0) / (f0 - f1))


def _rs_retrieval(p: int, alpha: np.ndarray) -> tuple[np.ndarray, float]:
    """RS ``T = 0`` retrieval overlap on ``alpha`` (``nan`` above ``alpha_c``) and ``alpha_c``."""
    if p == 2:
        from hebbian.theory.hopfield import critical_capacity, zero_temperature_retrieval

        th = zero_temperature_retrieval(alpha)
        return np.where(th.exists, th.m, np.nan), float(critical_capacity().alpha)
    from hebbian.theory.dense import dense_critical_capacity, dense_zero_temperature_retrieval

    th = dense_zero_temperature_retrieval(p, alpha)
    return np.asarray(th.m, dtype=float), dense_critical_capacity(p).alpha_c


@register
class HopfieldCapacity(ExperimentKind):
    """Final overlap at T = 0 against the load, for several sizes (module docstring)."""

    name = "hopfield_capacity"
    description = "Hopfield T = 0 retrieval overlap vs load for several N, with RS theory"
    parameters = {
        "n_neurons": Param("ints", "network sizes N", minimum=10, maximum=200_000),
        "alpha": Param("floats", "loads alpha = K/N^(p-1)", minimum=0.0, maximum=2.0),
        "p": Param("int", "interaction order p", minimum=2, maximum=6, default=2),
        "cue_noise": Param(
            "float",
            "fraction of the pattern's bits flipped at the start",
            minimum=0.0,
            maximum=0.5,
            default=0.0,
        ),  # fmt: skip
        "n_samples": Param("int", "disorder samples per (N, alpha)", minimum=1),
        "n_chains": Param("int", "patterns tested per sample", minimum=1, default=4),
        "n_sweeps": Param("int", "zero-temperature sweeps", minimum=1, default=40),
        "anneal_temperature": Param(
            "float",
            "first annealing temperature T0 (0: no annealing)",
            minimum=0.0,
            maximum=5.0,
            default=0.0,
        ),
        "anneal_stages": Param("int", "annealing stages, T0 down to T0/n", minimum=1, default=5),
        "anneal_sweeps": Param(
            "int", "heat-bath sweeps per annealing stage", minimum=1, default=10
        ),
        "threshold": Param(
            "float",
            "retrieval success: final m >= threshold",
            minimum=0.0,
            maximum=1.0,
            default=0.9,
        ),
        "reference_alpha": Param(
            "float", "load of the reported low-load overlap", minimum=0.0, maximum=2.0, default=0.1
        ),
        "n_bootstrap": Param("int", "bootstrap resamples for alpha_c(N)", minimum=10, default=400),
    }
    obtained_quantities = (
        "alpha_c",
        "alpha_c_largest_N",
        "m_at_reference_alpha",
        "m_retrieved_at_reference_alpha",
    )

    def check(self, params, *, where):
        if list(params["alpha"]) != sorted(set(params["alpha"])):
            raise ConfigError(f"{where} alpha must be strictly increasing, got {params['alpha']}")
        if len(set(params["n_neurons"])) < 2:
            raise ConfigError(
                f"{where} n_neurons needs at least two different sizes, got "
                f"{params['n_neurons']}: alpha_c is extrapolated to N -> infinity from the "
                f"finite-size capacities alpha_c(N)"
            )
        for N in params["n_neurons"]:
            k_min = min(round(a * N ** (params["p"] - 1)) for a in params["alpha"])
            if k_min < params["n_chains"]:
                raise ConfigError(
                    f"{where} alpha = {min(params['alpha']):g} at N = {N} stores {k_min} "
                    f"patterns, fewer than n_chains = {params['n_chains']}"
                )
        if not any(abs(a - params["reference_alpha"]) < 1e-9 for a in params["alpha"]):
            raise ConfigError(
                f"{where} reference_alpha = {params['reference_alpha']:g} must be "
                f"one of the alpha values"
            )

    def points(self, params):
        return [
            {"n_neurons": N, "alpha": a, "sample": s}
            for N in params["n_neurons"]
            for a in params["alpha"]
            for s in range(params["n_samples"])
        ]

    def run_size(self, params, point):
        N, C = point["n_neurons"], params["n_chains"]
        K = max(round(point["alpha"] * N ** (params["p"] - 1)), C)
        return {"n_neurons": N, "n_memories": K, "n_chains": C, "n_sweeps": params["n_sweeps"]}

    def point_simulation(self, params, point, rng):
        N, C, p = point["n_neurons"], params["n_chains"], params["p"]
        K = max(round(point["alpha"] * N ** (p - 1)), C)
        weights = None if p == 2 else np.full(K, 1.0 / math.factorial(p - 1))
        model = HebbianModel(random_patterns(K, N, seed=rng), p=p, weights=weights)
        initial = model.memories[:C]
        if params["cue_noise"] > 0:
            initial = cue_each(model.memories[:C], noise=params["cue_noise"], seed=rng)
        run = {
            "model": model,
            "temperature": 0.0,
            "initial": initial,
            "n_sweeps": params["n_sweeps"],
            "n_chains": C,
            "measure_every": params["n_sweeps"],
        }
        if params["anneal_temperature"] > 0:
            from hebbian.montecarlo.annealing import linear_schedule

            run["anneal"] = linear_schedule(
                params["anneal_temperature"], params["anneal_stages"], params["anneal_sweeps"]
            )
        return run

    def point_result(self, params, point, ds, run):
        C = params["n_chains"]
        final = ds.m.isel(time=-1).values  # (chain, memory)
        return {"m": final[np.arange(C), np.arange(C)], "sweeps": ds.sweeps_to_fixed_point.values}

    def assemble(self, params, points, results):

        Ns, alphas = params["n_neurons"], params["alpha"]
        shape = (len(Ns), len(alphas), params["n_samples"], params["n_chains"])
        m = np.array([r["m"] for r in results]).reshape(shape)
        sweeps = np.array([r["sweeps"] for r in results]).reshape(shape)
        per_sample = m.mean(axis=3)
        success = (m >= params["threshold"]).mean(axis=3)  # (N, alpha, sample)
        n_s = params["n_samples"]
        a = np.array(alphas)
        boot_rng = np.random.default_rng(0)
        ac, ac_err = [], []
        for i in range(len(Ns)):
            ac.append(crossing_load(a, success[i].mean(axis=1)))
            draws = boot_rng.integers(0, n_s, size=(params["n_bootstrap"], n_s))
            boot = [crossing_load(a, success[i][:, d].mean(axis=1)) for d in draws]
            ac_err.append(float(np.nanstd(boot)) if np.isfinite(boot).any() else np.nan)
        a_inf, a_inf_err, slope = extrapolate_capacity(Ns, ac, ac_err)
        theory_m, _ = _rs_retrieval(params["p"], a)
        stderr = (
            per_sample.std(axis=2, ddof=1) / np.sqrt(n_s)
            if n_s > 1
            else np.full(per_sample.shape[:2], np.nan)
        )
        coords = {
            "n_neurons": ("n_neurons", Ns, {"long_name": "$N$", "units": "1"}),
            "alpha": (
                "alpha",
                alphas,
                {"long_name": r"load $\alpha = K/N^{p-1}$", "units": "1"},
            ),
            "sample": np.arange(n_s),
            "chain": np.arange(params["n_chains"]),
        }
        ds = xr.Dataset(
            {
                "m_final": (
                    ("n_neurons", "alpha", "sample", "chain"),
                    m,
                    {"long_name": "final overlap with the initial pattern", "units": "1"},
                ),
                "sweeps_to_fixed_point": (
                    ("n_neurons", "alpha", "sample", "chain"),
                    sweeps,
                    {"long_name": "sweeps to a fixed point", "units": "sweeps"},
                ),
                "m": (
                    ("n_neurons", "alpha"),
                    per_sample.mean(axis=2),
                    {"long_name": "mean final overlap $m$", "units": "1"},
                ),
                "m_stderr": (
                    ("n_neurons", "alpha"),
                    stderr,
                    {"long_name": "standard error of $m$ over disorder samples", "units": "1"},
                ),
                "success": (
                    ("n_neurons", "alpha"),
                    success.mean(axis=2),
                    {"long_name": f"fraction with final m >= {params['threshold']}", "units": "1"},
                ),
                "alpha_c_N": (
                    ("n_neurons",),
                    np.array(ac),
                    {"long_name": r"finite-size capacity $\alpha_c(N)$", "units": "1"},
                ),
                "alpha_c_N_err": (
                    ("n_neurons",),
                    np.array(ac_err),
                    {"long_name": r"bootstrap error of $\alpha_c(N)$", "units": "1"},
                ),
                "m_rs": (
                    ("alpha",),
                    theory_m,
                    {"long_name": "RS retrieval overlap at T = 0", "units": "1"},
                ),
                "alpha_c_inf": (
                    (),
                    a_inf,
                    {"long_name": r"extrapolated $\alpha_c(\infty)$", "units": "1"},
                ),
                "alpha_c_inf_err": (
                    (),
                    a_inf_err,
                    {"long_name": r"error of $\alpha_c(\infty)$", "units": "1"},
                ),
                "alpha_c_slope": (
                    (),
                    slope,
                    {
                        "long_name": r"slope $b$ of $\alpha_c(N)$ in "
                        r"$N^{-1/2}$",
                        "units": "1",
                    },
                ),
            },
            coords=coords,
        )
        if params["p"] != 2:  # a Hopfield result keeps its attributes (and its bytes)
            ds.attrs["p"] = params["p"]
        return ds

    def obtained(self, ds):
        import json

        params = json.loads(ds.attrs["parameters"])
        largest = ds.n_neurons.values.max()
        at_reference = {"n_neurons": largest, "alpha": params["reference_alpha"]}
        final = ds.m_final.sel(at_reference, method="nearest").values
        retrieved = final[final >= params["threshold"]]
        return {
            "alpha_c": float(ds.alpha_c_inf),
            "alpha_c_largest_N": float(ds.alpha_c_N.sel(n_neurons=largest)),
            "m_at_reference_alpha": float(ds.m.sel(at_reference, method="nearest")),
            # the chains that ended in the retrieval state, whose overlap RS describes
            "m_retrieved_at_reference_alpha": (
                float(retrieved.mean()) if retrieved.size else float("nan")
            ),
        }

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        p = int(ds.attrs.get("p", 2))
        side = None
        if ax is None:
            _, (ax, side) = plt.subplots(
                1,
                2,
                figsize=(9.6, 4.4),
                gridspec_kw={"width_ratios": [2.6, 1]},
                layout="constrained",
            )
        cmap = plt.get_cmap("viridis")
        Ns = ds.n_neurons.values
        for i, N in enumerate(Ns):
            sub = ds.sel(n_neurons=N)
            ac, err = float(sub.alpha_c_N), float(sub.alpha_c_N_err)
            ax.errorbar(
                sub.alpha,
                sub.m,
                yerr=sub.m_stderr,
                marker="o",
                ms=3.5,
                capsize=2,
                lw=1,
                color=cmap(0.85 * i / max(len(Ns) - 1, 1)),
                label=rf"MC $N={N}$, $\alpha_c(N)={ac:.3f} \pm {err:.3f}$",
            )
        dense = np.linspace(0.0, float(ds.alpha.max()), 400)
        th_m, alpha_rs = _rs_retrieval(p, dense)
        ax.plot(
            dense, drawn(th_m), "k-", lw=1.6, label="RS theory (AGS)" if p == 2 else "RS theory"
        )
        alpha_rs = float(drawn(alpha_rs))
        ax.axvline(alpha_rs, color="k", ls=":", lw=1, label=rf"$\alpha_c^{{RS}}={alpha_rs:.4f}$")
        if p == 2:
            ax.set_xlabel(r"load $\alpha = K/N$")
            title = "Hopfield network at T = 0: retrieval from a stored pattern"
        else:
            ax.set_xlabel(rf"load $\alpha = K/N^{{{p - 1}}}$")
            import json

            start = json.loads(ds.attrs["parameters"]).get("anneal_temperature", 0.0)
            title = (
                f"Dense network, p = {p}: annealed from T = {start:g}, then T = 0"
                if start > 0
                else f"Dense network, p = {p}, T = 0: retrieval from a noisy cue"
            )
        ax.set_ylabel(r"final overlap $m$")
        ax.set_title(title, fontsize=10)
        ax.set_ylim(0, 1.04)
        ax.legend(fontsize=7.5, loc="lower left")
        if side is not None:
            self._plot_extrapolation(ds, side, alpha_rs, fit=p == 2)
        return ax

    @staticmethod
    def _plot_extrapolation(ds, ax, alpha_rs, *, fit=True):
        x = 1.0 / np.sqrt(ds.n_neurons.values.astype(float))
        ax.errorbar(x, ds.alpha_c_N, yerr=ds.alpha_c_N_err, fmt="o", ms=3, capsize=2, color="C3")
        a_inf, b = float(ds.alpha_c_inf), float(ds.alpha_c_slope)
        if fit:
            # two points: a straight line drawn as many segments moves pixels on a
            # last-bit change
            ends = np.array([0.0, x.max() * 1.05])
            ax.plot(ends, a_inf + b * ends, "C3--", lw=1)
        ax.axhline(alpha_rs, color="k", ls=":", lw=1)
        ax.set_xlim(0, 1.1 * x.max())
        ax.set_xlabel(r"$N^{-1/2}$")
        ax.set_ylabel(r"$\alpha_c(N)$ (half of the chains retrieve)")
        if not fit:  # the N^(-1/2) form does not describe it (module docstring)
            ax.set_title("finite-size capacities; dotted: RS", fontsize=9)
            return
        ax.set_title(
            rf"$\alpha_c(\infty) = {a_inf:.3f} \pm {float(ds.alpha_c_inf_err):.3f}$"
            "\n"
            r"fit $\alpha_c + b N^{-1/2}$; dotted: RS",
            fontsize=9,
        )
