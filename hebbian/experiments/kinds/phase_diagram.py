"""The Amit-Gutfreund-Sompolinsky phase diagram of the Hopfield model in (alpha, T).

Theory (AGS, Ann. Phys. 173, 30 (1987); :mod:`hebbian.theory.hopfield_lines`): the freezing
line ``T_g = 1 + sqrt(alpha)``, the retrieval spinodal ``T_M(alpha)``, the line
``T_c(alpha)`` where retrieval becomes the global minimum (re-entrant), and the
de Almeida-Thouless line of the retrieval state. They divide the plane into the
paramagnet (T > T_g), the spin glass (T_M < T < T_g), metastable retrieval
(T_c < T < T_M) and retrieval as the global minimum (T < T_c).

Monte Carlo: for each (alpha, T) and disorder sample, a network of ``N`` neurons starts
``n_chains`` chains at pattern 0 and runs heat-bath dynamics (zero-temperature dynamics
at T = 0); after ``n_burn`` sweeps the overlap with pattern 0 is averaged over
``n_sweeps`` sweeps and the chains. The RS retrieval overlap ``m_rs`` on the same grid
(0 where no retrieval solution exists) is stored beside it.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.plotting import drawn
from hebbian.models import HebbianModel
from hebbian.patterns import random_patterns

__all__ = ["HopfieldPhaseDiagram", "PHASES", "classify_phases"]

#: Phase labels, in the order of the integer codes of ``classify_phases``.
PHASES = ("paramagnet", "spin glass", "retrieval (metastable)", "retrieval (global minimum)")


def classify_phases(temperature, t_g, t_m, t_c, t_c_low=None):
    """Phase code of each point from the RS lines (see :data:`PHASES`).

    Retrieval is the global minimum for ``t_c_low < T < t_c`` (``t_c_low`` is the lower
    crossing of the re-entrant ``T_c`` line; NaN or None when there is none).
    """
    T = np.asarray(temperature, dtype=float)
    t_c_low = np.zeros_like(t_c) if t_c_low is None else np.nan_to_num(t_c_low, nan=-1.0)
    code = np.where(T > t_g, 0, 1)
    retrieval = np.nan_to_num(t_m, nan=-1.0) >= T
    code = np.where(retrieval, 2, code)
    global_min = retrieval & (np.nan_to_num(t_c, nan=-1.0) >= T) & (T >= t_c_low)
    return np.where(global_min, 3, code)


@register
class HopfieldPhaseDiagram(ExperimentKind):
    """RS phase lines and a Monte Carlo map of the retrieval overlap (module docstring)."""

    name = "hopfield_phase_diagram"
    description = "AGS (alpha, T) phase diagram: RS lines T_g, T_M, T_c, T_AT and a MC map of m"
    parameters = {
        "n_neurons": Param("int", "network size N", minimum=10, maximum=200_000),
        "alpha": Param("floats", "loads of the Monte Carlo grid", minimum=1e-4, maximum=1.0),
        "temperature": Param(
            "floats", "temperatures of the Monte Carlo grid", minimum=0.0, maximum=5.0
        ),
        "n_samples": Param("int", "disorder samples per grid point", minimum=1),
        "n_chains": Param(
            "int", "chains per sample, all started at pattern 0", minimum=1, default=2
        ),
        "n_burn": Param("int", "sweeps discarded", minimum=0, default=50),
        "n_sweeps": Param("int", "measured sweeps", minimum=2, default=100),
        "line_alpha": Param(
            "floats", "loads where the RS lines are computed", minimum=0.0, maximum=1.0
        ),
        "deep_retrieval_fraction": Param(
            "float",
            "MC vs RS compared where T <= this fraction of T_M(alpha)",
            minimum=0.0,
            maximum=1.0,
            default=0.7,
        ),
    }
    obtained_quantities = (
        "T_g(0.05)",
        "T_M(0.05)",
        "T_c(0.02)",
        "alpha_c(T=0)",
        "mc_rs_max_deviation",
    )

    def points(self, params):
        return [
            {"alpha": a, "temperature": T, "sample": s}
            for a in params["alpha"]
            for T in params["temperature"]
            for s in range(params["n_samples"])
        ]

    def run_size(self, params, point):
        N = params["n_neurons"]
        return {
            "n_neurons": N,
            "n_memories": max(1, round(point["alpha"] * N)),
            "n_chains": params["n_chains"],
            "n_sweeps": params["n_burn"] + params["n_sweeps"],
            "temperature": point["temperature"],
        }

    def point_simulation(self, params, point, rng):
        N = params["n_neurons"]
        K = max(1, round(point["alpha"] * N))
        model = HebbianModel(random_patterns(K, N, seed=rng))
        return {
            "model": model,
            "temperature": point["temperature"],
            "initial": model.memories[0],
            "n_sweeps": params["n_sweeps"],
            "n_burn": params["n_burn"],
            "n_chains": params["n_chains"],
        }

    def point_result(self, params, point, ds, run):
        m0 = ds.m.isel(memory=0)
        return {"m": float(m0.mean()), "abs_m": float(np.abs(m0).mean())}

    def assemble(self, params, points, results):
        from hebbian.theory.hopfield import solve_hopfield
        from hebbian.theory.hopfield_lines import phase_lines

        a, T = np.array(params["alpha"]), np.array(params["temperature"])
        shape = (a.size, T.size, params["n_samples"])
        m = np.array([r["m"] for r in results]).reshape(shape)
        rs = solve_hopfield(a[:, None], T[None, :], branch="retrieval")
        m_rs = np.where(rs.converged, rs.m, 0.0)
        grid_lines = phase_lines(a)
        phase = classify_phases(
            T[None, :],
            grid_lines.freezing[:, None],
            grid_lines.retrieval_spinodal[:, None],
            grid_lines.retrieval_transition[:, None],
            grid_lines.retrieval_transition_low[:, None],
        )
        # the tip of the re-entrant T_c line lies in 0.0519 < alpha < 0.0531: resolve it
        tip = np.linspace(0.0515, 0.0535, 81)
        la = np.union1d(np.array(params["line_alpha"]), tip[tip <= max(params["line_alpha"])])
        lines = phase_lines(la)
        n_s = params["n_samples"]
        stderr = m.std(axis=2, ddof=1) / np.sqrt(n_s) if n_s > 1 else np.full(shape[:2], np.nan)
        unit = {"units": "1"}
        return xr.Dataset(
            attrs={"n_neurons": params["n_neurons"]},
            data_vars={
                "m_samples": (
                    ("alpha", "temperature", "sample"),
                    m,
                    {"long_name": "MC overlap with pattern 0, per sample", **unit},
                ),
                "m": (
                    ("alpha", "temperature"),
                    m.mean(axis=2),
                    {"long_name": "MC overlap $m$ with the initial pattern", **unit},
                ),
                "m_stderr": (
                    ("alpha", "temperature"),
                    stderr,
                    {"long_name": "standard error of $m$ over samples", **unit},
                ),
                "m_rs": (
                    ("alpha", "temperature"),
                    m_rs,
                    {"long_name": "RS retrieval overlap (0: no retrieval solution)", **unit},
                ),
                "phase": (
                    ("alpha", "temperature"),
                    phase,
                    {
                        "long_name": "RS phase: "
                        + "; ".join(f"{i} = {p}" for i, p in enumerate(PHASES)),
                        **unit,
                    },
                ),
                "T_g": (
                    ("line_alpha",),
                    lines.freezing,
                    {"long_name": "freezing temperature $T_g$", **unit},
                ),
                "T_M": (
                    ("line_alpha",),
                    lines.retrieval_spinodal,
                    {"long_name": "retrieval spinodal $T_M$", **unit},
                ),
                "T_c": (
                    ("line_alpha",),
                    lines.retrieval_transition,
                    {"long_name": "retrieval global-minimum line $T_c$ (upper)", **unit},
                ),
                "T_c_low": (
                    ("line_alpha",),
                    lines.retrieval_transition_low,
                    {"long_name": "lower crossing of the re-entrant $T_c$", **unit},
                ),
                "T_AT": (
                    ("line_alpha",),
                    lines.almeida_thouless,
                    {"long_name": "de Almeida-Thouless line of retrieval", **unit},
                ),
            },
            coords={
                "alpha": ("alpha", a, {"long_name": r"load $\alpha$", **unit}),
                "temperature": ("temperature", T, {"long_name": "temperature $T$", **unit}),
                "sample": np.arange(n_s),
                "line_alpha": ("line_alpha", la, {"long_name": r"load $\alpha$", **unit}),
            },
        )

    def obtained(self, ds):
        from hebbian.theory.hopfield import critical_capacity
        from hebbian.theory.hopfield_lines import (
            freezing_temperature,
            retrieval_spinodal_temperature,
            retrieval_transition_temperature,
        )

        params = json.loads(ds.attrs["parameters"])
        t_m = retrieval_spinodal_temperature(ds.alpha.values)
        deep = ds.temperature.values[None, :] <= params["deep_retrieval_fraction"] * t_m[:, None]
        deviation = np.abs(ds.m.values - ds.m_rs.values)[deep]
        return {
            "T_g(0.05)": float(freezing_temperature(0.05)),
            "T_M(0.05)": float(retrieval_spinodal_temperature(0.05)),
            "T_c(0.02)": float(retrieval_transition_temperature(0.02)),
            "alpha_c(T=0)": float(critical_capacity().alpha),
            "mc_rs_max_deviation": float(deviation.max()) if deviation.size else float("nan"),
        }

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        cuts = None
        if ax is None:
            _, (ax, cuts) = plt.subplots(
                1,
                2,
                figsize=(11, 5.0),
                gridspec_kw={"width_ratios": [1.35, 1]},
                layout="constrained",
            )
        a, T = ds.alpha.values, ds.temperature.values
        mesh = ax.pcolormesh(
            a, T, ds.m.values.T, shading="nearest", cmap="Blues", vmin=0, vmax=1, alpha=0.85
        )
        ax.figure.colorbar(
            mesh, ax=ax, pad=0.01, label=f"MC overlap $m$ (N = {ds.attrs['n_neurons']})"
        )
        la = ds.line_alpha.values
        ax.plot(la, drawn(ds.T_g), "k-", lw=1.5, label=r"$T_g = 1+\sqrt{\alpha}$")
        ax.plot(la, drawn(ds.T_M), "C3-", lw=1.5, label=r"$T_M$ (retrieval spinodal)")
        # upper branch out to the tip, then the lower (re-entrant) branch back to T = 0
        # (rounded first, so that the last bits of a lower branch at T = 0 choose nothing)
        upper, low = drawn(ds.T_c.values), drawn(ds.T_c_low.values)
        has_low = np.isfinite(low) & (low > 0)
        path_a = np.concatenate([la[np.isfinite(upper)], la[has_low][::-1]])
        path_t = np.concatenate([upper[np.isfinite(upper)], low[has_low][::-1]])
        ax.plot(path_a, path_t, "C2-", lw=1.5, label=r"$T_c$ (retrieval = global minimum)")
        ax.plot(la, drawn(ds.T_AT), "C1--", lw=1.2, label=r"$T_{AT}$ (RS unstable below)")
        # phase names, each inside its region (the paramagnet is the wedge above T_g)
        ax.text(0.004, 1.215, "paramagnet", fontsize=9)
        ax.text(0.11, 0.75, "spin glass", fontsize=9)
        ax.text(0.012, 0.25, "retrieval\n(global min.)", fontsize=8, color="w")
        ax.text(0.075, 0.1, "retrieval\n(metastable)", fontsize=8, color="w")
        ax.set_xlim(0, max(a.max(), la.max()))
        ax.set_ylim(0, max(T.max(), 1.3))
        ax.set_xlabel(r"load $\alpha$")
        ax.set_ylabel("temperature $T$")
        ax.set_title("Hopfield phase diagram: RS lines (AGS) and Monte Carlo", fontsize=10)
        # below the axes: inside, the legend would hide Monte Carlo cells and cross T_g
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)
        if cuts is not None:
            self._plot_cuts(ds, cuts)
        return ax

    @staticmethod
    def _plot_cuts(ds, ax):
        from hebbian.theory.hopfield import solve_hopfield

        T_dense = np.linspace(0.0, float(ds.temperature.max()), 200)
        picks = ds.alpha.values[:: max(1, ds.alpha.size // 4)][:4]
        for i, a in enumerate(picks):
            sub = ds.sel(alpha=a)
            ax.errorbar(
                sub.temperature,
                sub.m,
                yerr=sub.m_stderr,
                fmt="o",
                ms=3.5,
                capsize=2,
                color=f"C{i}",
                label=rf"MC $\alpha={a:g}$",
            )
            rs = solve_hopfield(a, T_dense, branch="retrieval")
            ax.plot(T_dense, drawn(np.where(rs.converged, rs.m, np.nan)), color=f"C{i}", lw=1.2)
        ax.set_xlabel("temperature $T$")
        ax.set_ylabel("overlap $m$")
        ax.set_title("cuts: MC (points) and RS retrieval (lines)", fontsize=10)
        ax.legend(fontsize=7.5)
