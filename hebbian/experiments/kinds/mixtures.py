"""Symmetric mixture states of the Hopfield model at low load.

Theory (Amit, Gutfreund, Sompolinsky, Phys. Rev. A 32, 1007 (1985);
:mod:`hebbian.theory.mixtures`): the symmetric odd ``n``-mixture
:math:`\\sigma = \\operatorname{sign}(\\xi^1 + \\dots + \\xi^n)` has, at T = 0 and
:math:`\\alpha \\to 0`, the energy :math:`E_n = -\\langle|z_n|\\rangle^2/(2n)`
(:math:`E_1 = -0.5`, :math:`E_3 = -0.375`, :math:`E_5 = -0.3516`), and the 3-mixture is
a local minimum of the free energy only below :math:`T_3 = 0.4598`.

Monte Carlo, part 1 (energies): in a network of ``N`` neurons storing
``n_patterns`` random patterns, start at the symmetric ``n``-mixture and run
zero-temperature dynamics; report :math:`-\\frac12\\sum_\\mu m_\\mu^2`, the energy per
spin without the constant ``+alpha/2`` of the zero-diagonal convention, which is the
``alpha -> 0`` energy of the theory.

Monte Carlo, part 2 (stability of the 3-mixture): start at the 3-mixture and run heat
bath at temperature ``T``. At finite ``N`` the barrier that protects the metastable
mixture is tiny (about 1.5 T at N = 4000 and T = 0.35), so the mixture decays well below
:math:`T_3` and "has it decayed?" does not measure :math:`T_3`. What Monte Carlo does
measure is the local stiffness: while the chain stays in the mixture basin (before the
spread :math:`\\max_{\\mu\\le3} m_\\mu - \\min_{\\mu\\le3} m_\\mu` first exceeds
``escape_spread``), the overlaps fluctuate in the two transverse directions
:math:`u \\perp (1,1,1)` with :math:`v = N\\operatorname{Var}(u\\cdot m) = T c/(1-c)`,
where :math:`1-c = \\lambda` is the transverse eigenvalue of the mean-field Hessian
:math:`A = 1 - \\beta\\langle\\xi\\xi^T\\operatorname{sech}^2\\beta m\\cdot\\xi\\rangle`
(Gaussian fluctuations of the magnetisations; the Landau Hessian is
:math:`\\lambda/(1-\\lambda)`). Hence :math:`\\lambda_{MC} = T/(v + T)` (median of
``v`` over samples), compared with the theory curve; the estimate of :math:`T_3` is the
zero of a quadratic fit of :math:`\\lambda_{MC}(T)`, with a bootstrap error over
samples. This extrapolation is biased low at accessible sizes (fed the exact theory
values on 0.30 <= T <= 0.38 it returns 0.43; on 0.30 <= T <= 0.42, 0.456), so the
quantities checked against published values are the RS :math:`T_3` and the largest
deviation of the measured stiffness from the theory curve, over the temperatures where
more than half of the runs stayed in the basin long enough. The fraction of runs that
left the basin is reported too.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.plotting import drawn
from hebbian.models import HebbianModel
from hebbian.patterns import random_patterns

__all__ = ["HopfieldMixtures", "mixture_state", "stiffness_zero"]

#: Orthonormal directions transverse to the symmetric 3-mixture (1, 1, 1).
_TRANSVERSE = (np.array([1.0, -1.0, 0.0]) / np.sqrt(2), np.array([1.0, 1.0, -2.0]) / np.sqrt(6))


def stiffness_zero(temperature: np.ndarray, stiffness: np.ndarray) -> float:
    """Zero of a quadratic least-squares fit of the stiffness against temperature.

    Uses the finite points (NaN marks temperatures without a reliable measurement);
    returns the smallest root above the lowest such temperature (NaN if fewer than 3
    points at 3 distinct temperatures, or no root below T = 1).

    The fit and the roots are computed in closed form (:func:`_quadratic_fit`, then the
    cancellation-free quadratic formula), with no BLAS or LAPACK call, so that the result
    is the same to the last bit on every CPU; it equals ``np.roots(np.polyfit(...))`` to
    rounding.
    """
    T, lam = np.asarray(temperature, float), np.asarray(stiffness, float)
    ok = np.isfinite(lam)
    if ok.sum() < 3:
        return float("nan")
    T, lam = T[ok], lam[ok]
    lo, hi = float(T.min()), float(T.max())
    if not hi > lo:
        return float("nan")
    mid, half = 0.5 * (lo + hi), 0.5 * (hi - lo)
    coef = _quadratic_fit((T - mid) / half, lam)
    if coef is None:
        return float("nan")
    c0, c1, c2 = coef  # in u = (T - mid) / half
    if c2 == 0.0:
        roots_u = [-c0 / c1] if c1 != 0.0 else []
    else:
        disc = c1 * c1 - 4.0 * c2 * c0
        if disc < 0.0:
            return float("nan")
        q = -0.5 * (c1 + math.copysign(math.sqrt(disc), c1))
        roots_u = [q / c2, c0 / q] if q != 0.0 else [0.0]
    roots = sorted(mid + half * u for u in roots_u)
    real = [r for r in roots if lo < r < 1.0]
    return float(real[0]) if real else float("nan")


def _quadratic_fit(u: np.ndarray, y: np.ndarray) -> tuple[float, float, float] | None:
    """Least-squares ``y ~ c0 + c1 u + c2 u^2`` for ``u`` in [-1, 1]; None if singular.

    Normal equations (well conditioned for ``u`` spread over [-1, 1]) with exactly
    rounded sums (:func:`math.fsum`), solved by Cramer's rule: the same bits on every CPU.
    """
    powers = [np.ones_like(u), u, u * u, u * u * u, (u * u) * (u * u)]
    g = [math.fsum(p) for p in powers]  # g[k] = sum u^k
    r = [math.fsum(powers[k] * y) for k in range(3)]
    gram = [[g[0], g[1], g[2]], [g[1], g[2], g[3]], [g[2], g[3], g[4]]]

    def det(m):
        return (
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        )

    d = det(gram)
    if not abs(d) > 1e-12 * g[0] ** 3:
        return None
    out = []
    for j in range(3):
        m = [[r[i] if k == j else gram[i][k] for k in range(3)] for i in range(3)]
        out.append(det(m) / d)
    return out[0], out[1], out[2]


def mixture_state(memories: np.ndarray, n: int) -> np.ndarray:
    """Build the symmetric mixture :math:`\\mathrm{sign}(\\sum_{\\mu<n}\\xi^\\mu)`, odd ``n``."""
    if n < 1 or n % 2 == 0:
        raise ValueError(f"the symmetric mixture needs an odd n >= 1, got {n}")
    return np.sign(memories[:n].astype(np.int64).sum(axis=0)).astype(np.int8)


@register
class HopfieldMixtures(ExperimentKind):
    """Mixture-state energies at T = 0 and the 3-mixture stability temperature."""

    name = "hopfield_mixtures"
    description = "Low-load mixture states: T = 0 energies of 1-, 3-, 5-mixtures, 3-mixture T_3"
    parameters = {
        "n_neurons": Param("int", "network size N", minimum=10, maximum=200_000),
        "n_patterns": Param("int", "stored patterns (low load)", minimum=1),
        "mixtures": Param("ints", "odd mixture sizes n for the T = 0 energies", minimum=1),
        "n_samples": Param("int", "disorder samples per point", minimum=1),
        "energy_sweeps": Param("int", "zero-temperature sweeps", minimum=1, default=20),
        "temperature": Param(
            "floats", "temperatures of the stability scan", minimum=0.01, maximum=0.99
        ),
        "stability_sweeps": Param(
            "int", "heat-bath sweeps of the stability scan", minimum=40, default=300
        ),
        "escape_spread": Param(
            "float",
            "spread that marks leaving the mixture basin",
            minimum=0.01,
            maximum=1.0,
            default=0.2,
        ),
        "settle_sweeps": Param(
            "int", "sweeps skipped before the fluctuation window", minimum=0, default=20
        ),
        "min_window": Param(
            "int", "fewest in-basin sweeps for a fluctuation estimate", minimum=10, default=30
        ),
        "n_bootstrap": Param("int", "bootstrap resamples for T_3", minimum=10, default=400),
    }
    obtained_quantities = ("E_1", "E_3", "E_5", "T_3", "T_3_mc", "stiffness_max_deviation")

    def check(self, params, *, where):
        for n in params["mixtures"]:
            if n % 2 == 0 or n > params["n_patterns"]:
                raise ConfigError(
                    f"{where} mixture size {n} must be odd and <= n_patterns = "
                    f"{params['n_patterns']}"
                )
        if params["n_patterns"] < 3:
            raise ConfigError(f"{where} n_patterns must be >= 3 for the 3-mixture scan")

    def points(self, params):
        energy = [
            {"part": "energy", "n": n, "sample": s}
            for n in params["mixtures"]
            for s in range(params["n_samples"])
        ]
        stability = [
            {"part": "stability", "temperature": T, "sample": s}
            for T in params["temperature"]
            for s in range(params["n_samples"])
        ]
        return energy + stability

    def run_size(self, params, point):
        energy = point["part"] == "energy"
        return {
            "n_neurons": params["n_neurons"],
            "n_memories": params["n_patterns"],
            "n_sweeps": params["energy_sweeps" if energy else "stability_sweeps"],
            "temperature": 0.0 if energy else point["temperature"],
        }

    def point_simulation(self, params, point, rng):
        N, K = params["n_neurons"], params["n_patterns"]
        model = HebbianModel(random_patterns(K, N, seed=rng))
        if point["part"] == "energy":
            return {
                "model": model,
                "temperature": 0.0,
                "initial": mixture_state(model.memories, point["n"]),
                "n_sweeps": params["energy_sweeps"],
            }
        return {
            "model": model,
            "temperature": point["temperature"],
            "initial": mixture_state(model.memories, 3),
            "n_sweeps": params["stability_sweeps"],
        }

    def point_result(self, params, point, ds, run):
        N = params["n_neurons"]
        if point["part"] == "energy":
            m = ds.m.isel(time=-1, chain=0).values
            return {
                "energy": float(-0.5 * np.sum(m**2)),
                "m_condensed": float(m[: point["n"]].mean()),
            }
        m3 = ds.m.isel(chain=0, memory=slice(0, 3)).values
        spread = m3.max(axis=1) - m3.min(axis=1)
        left = np.nonzero(spread > params["escape_spread"])[0]
        end = max(int(left[0]) - 10, 0) if left.size else len(m3)
        window = m3[params["settle_sweeps"] : end]
        if len(window) < params["min_window"]:
            v = float("nan")
        else:
            v = float(N * np.mean([np.var(window @ u) for u in _TRANSVERSE]))
        return {"transverse_variance": v, "escaped": float(left.size > 0)}

    def assemble(self, params, points, results):
        from hebbian.theory.mixtures import (
            curie_weiss_magnetization,
            mixture_energy_zero_temperature,
            mixture_hessian_eigenvalues,
            mixture_overlap,
            mixture_stability_temperature,
        )

        n_s, ns, T = params["n_samples"], params["mixtures"], np.array(params["temperature"])
        energy = np.array([r["energy"] for r in results if "energy" in r]).reshape(len(ns), n_s)
        m_cond = np.array([r["m_condensed"] for r in results if "energy" in r])
        m_cond = m_cond.reshape(len(ns), n_s)
        stab = [r for r in results if "transverse_variance" in r]
        v = np.array([r["transverse_variance"] for r in stab]).reshape(T.size, n_s)
        escaped = np.array([r["escaped"] for r in stab]).reshape(T.size, n_s).mean(axis=1)
        # reliable: more than half of the runs gave an in-basin fluctuation window
        reliable = np.isfinite(v).sum(axis=1) > n_s / 2
        with np.errstate(all="ignore"):
            lam = np.where(reliable, T / (_nanmedian(v) + T), np.nan)
            boot_rng = np.random.default_rng(0)
            boot = []
            for _ in range(params["n_bootstrap"]):
                pick = boot_rng.integers(0, n_s, n_s)
                boot.append(
                    stiffness_zero(T, np.where(reliable, T / (_nanmedian(v[:, pick]) + T), np.nan))
                )
        t3_mc = stiffness_zero(T, lam)
        t3_err = float(np.nanstd(boot)) if np.isfinite(boot).any() else float("nan")
        lam_theory = np.asarray(mixture_hessian_eigenvalues(3, T))[:, 1]
        unit = {"units": "1"}
        sem = (
            (lambda x: x.std(axis=1, ddof=1) / np.sqrt(n_s))
            if n_s > 1
            else (lambda x: np.full(x.shape[0], np.nan))
        )
        return xr.Dataset(
            attrs={
                "n_neurons": params["n_neurons"],
                "n_patterns": params["n_patterns"],
                "stability_sweeps": params["stability_sweeps"],
            },
            data_vars={
                "energy_samples": (
                    ("n", "sample"),
                    energy,
                    {"long_name": r"MC $-\frac{1}{2}\sum_\mu m_\mu^2$ at T = 0", **unit},
                ),
                "energy": (
                    ("n",),
                    energy.mean(axis=1),
                    {"long_name": "MC energy per spin of the n-mixture (alpha -> 0 form)", **unit},
                ),
                "energy_stderr": (("n",), sem(energy), {"long_name": "standard error", **unit}),
                "m_condensed": (
                    ("n",),
                    m_cond.mean(axis=1),
                    {"long_name": "MC mean overlap with the mixed patterns", **unit},
                ),
                "energy_theory": (
                    ("n",),
                    [mixture_energy_zero_temperature(n) for n in ns],
                    {"long_name": "AGS 1985 energy $E_n$", **unit},
                ),
                "m_theory": (
                    ("n",),
                    [float(mixture_overlap(n, 0.0)) for n in ns],
                    {"long_name": "AGS 1985 overlap $m_n$ at T = 0", **unit},
                ),
                "transverse_variance": (
                    ("temperature", "sample"),
                    v,
                    {
                        "long_name": r"$N\,\mathrm{Var}(u\cdot m)$ in the "
                        "mixture basin",
                        **unit,
                    },
                ),
                "stiffness": (
                    ("temperature",),
                    lam,
                    {"long_name": r"MC transverse stiffness $\lambda = T/(v+T)$", **unit},
                ),
                "stiffness_theory": (
                    ("temperature",),
                    lam_theory,
                    {"long_name": "transverse Hessian eigenvalue (AGS 1985)", **unit},
                ),
                "escaped": (
                    ("temperature",),
                    escaped,
                    {"long_name": "fraction of runs that left the mixture basin", **unit},
                ),
                "m_pure": (
                    ("temperature",),
                    curie_weiss_magnetization(T),
                    {"long_name": "Curie-Weiss pure-state overlap $m_1(T)$", **unit},
                ),
                "m3_theory": (
                    ("temperature",),
                    mixture_overlap(3, T),
                    {"long_name": "3-mixture overlap $m_3(T)$", **unit},
                ),
                "T_3_mc": (
                    (),
                    t3_mc,
                    {"long_name": "MC estimate of $T_3$ (stiffness zero)", **unit},
                ),
                "T_3_mc_err": (
                    (),
                    t3_err,
                    {"long_name": "bootstrap error of the MC $T_3$", **unit},
                ),
                "T_3_theory": (
                    (),
                    mixture_stability_temperature(3),
                    {"long_name": "RS stability temperature $T_3$", **unit},
                ),
            },
            coords={
                "n": ("n", ns, {"long_name": "mixture size $n$", **unit}),
                "temperature": ("temperature", T, {"long_name": "temperature $T$", **unit}),
                "sample": np.arange(n_s),
            },
        )

    def obtained(self, ds):
        out = {
            f"E_{n}": float(ds.energy.sel(n=n)) if n in ds.n.values else float("nan")
            for n in (1, 3, 5)
        }
        out["T_3"] = float(ds.T_3_theory)
        out["T_3_mc"] = float(ds.T_3_mc)
        dev = np.abs(ds.stiffness.values - ds.stiffness_theory.values)
        measured = np.isfinite(dev).any()
        out["stiffness_max_deviation"] = float(np.nanmax(dev)) if measured else float("nan")
        return out

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        stiffness_ax = escaped_ax = None
        if ax is None:
            fig = plt.figure(figsize=(10.5, 4.8), layout="constrained")
            axes = fig.subplot_mosaic(
                [["energy", "stiffness"], ["energy", "escaped"]], height_ratios=[2.4, 1]
            )
            ax, stiffness_ax, escaped_ax = axes["energy"], axes["stiffness"], axes["escaped"]
        ns = ds.n.values
        ax.errorbar(
            ns,
            ds.energy,
            yerr=ds.energy_stderr,
            fmt="o",
            ms=6,
            capsize=3,
            label=f"MC, N = {ds.attrs['n_neurons']}, K = {ds.attrs['n_patterns']}",
        )
        theory = drawn(ds.energy_theory.values)
        ax.plot(ns, theory, "k_", ms=22, mew=2, label="AGS 1985 $E_n$")
        for n, e in zip(ns, theory):
            ax.annotate(
                f"{e:.4f}".replace("-", "\N{MINUS SIGN}"),
                (n, e),
                textcoords="offset points",
                xytext=(14, -3),
                fontsize=8,
            )
        # room on the right for the value printed beside the last mixture
        ax.set_xlim(ns.min() - 0.8, ns.max() + 1.6)
        ax.margins(y=0.08)
        ax.set_xticks(ns)
        ax.set_xlabel("mixture size $n$")
        ax.set_ylabel(r"energy per spin $E_n$ at $T=0$, $\alpha\to 0$")
        ax.set_title("Symmetric mixture states: energies", fontsize=10)
        ax.legend(fontsize=8, loc="upper left")
        if stiffness_ax is not None:
            self._plot_stability(ds, stiffness_ax, escaped_ax)
        return ax

    @staticmethod
    def _plot_stability(ds, ax, escaped_ax):
        from hebbian.theory.mixtures import mixture_hessian_eigenvalues

        T = ds.temperature.values
        dense = np.linspace(T.min(), min(0.99, T.max() + 0.05), 200)
        ax.plot(
            dense,
            drawn(np.asarray(mixture_hessian_eigenvalues(3, dense))[:, 1]),
            "k-",
            lw=1.2,
            label="theory: transverse eigenvalue",
        )
        # the MC stiffness carries the last bits of a BLAS product (point_result): round it too
        ax.plot(T, drawn(ds.stiffness), "o", ms=5, color="C0", label="MC: $T/(v+T)$ in the basin")
        ax.axhline(0, color="0.5", lw=0.5)
        # T_3 is where the stiffness vanishes: mark both estimates on the lambda = 0 line
        t3_rs, t3_mc = float(drawn(ds.T_3_theory)), float(drawn(ds.T_3_mc))
        t3_err = float(drawn(ds.T_3_mc_err))
        ax.plot(
            [t3_rs],
            [0.0],
            "D",
            ms=6,
            mfc="none",
            mec="k",
            mew=1.2,
            label=rf"RS $T_3 = {t3_rs:.3f}$",
        )
        ax.errorbar(
            [t3_mc],
            [0.0],
            xerr=[t3_err],
            fmt="s",
            ms=5,
            capsize=3,
            color="C0",
            label=rf"MC $T_3 = {t3_mc:.3f} \pm {t3_err:.3f}$ (quadratic fit)",
        )
        ax.set_ylabel(r"transverse stiffness $\lambda$")
        ax.set_title("Local stability of the 3-mixture", fontsize=10)
        ax.legend(fontsize=7.5, loc="upper right")
        if escaped_ax is None:
            ax.set_xlabel("temperature $T$")
            return
        escaped_ax.sharex(ax)
        ax.tick_params(labelbottom=False)
        escaped_ax.plot(T, ds.escaped, "s-", ms=3.5, color="C3", lw=1)
        escaped_ax.set_ylim(-0.08, 1.08)
        escaped_ax.set_yticks([0, 0.5, 1])
        escaped_ax.set_xlabel("temperature $T$")
        escaped_ax.set_ylabel(
            f"fraction that left\nthe basin ({ds.attrs['stability_sweeps']} sweeps)", fontsize=9
        )
        ax.figure.align_ylabels([ax, escaped_ax])


def _nanmedian(x: np.ndarray) -> np.ndarray:
    """Median over the last axis ignoring NaN; NaN (no warning) where all are NaN."""
    out = np.full(x.shape[:-1], np.nan)
    ok = np.isfinite(x).any(axis=-1)
    out[ok] = np.nanmedian(x[ok], axis=-1)
    return out
