"""The hierarchical cascade of a multitasking network: overlaps ``m_k`` against ``k``.

Protocol (Agliari, Barra, Galluzzi, Guerra, Moauro, Phys. Rev. Lett. 109, 268101
(2012)): ``K`` diluted patterns (a fraction ``d`` of blank entries) are stored with the
Hebb rule in ``N`` neurons; the network starts from pattern 1 with its blank sites set
to random signs (:func:`hebbian.patterns.cue` with no flips) and runs zero-temperature
sequential dynamics. A neuron whose site is blank in pattern 1 follows the next pattern
that is not blank there, so the network retrieves pattern 1 on its ``(1 - d) N`` sites,
a second pattern on a fraction ``d (1 - d)`` of the sites, a third on ``d^2 (1 - d)``:
the cascade :math:`m_k = (1 - d) d^{k-1}`
(:func:`hebbian.theory.multitasking.cascade_overlaps`), a fixed point of the dynamics iff
:math:`d + \\dots + d^{K-1} < 1` (:func:`~hebbian.theory.multitasking.
hierarchical_is_fixed_point`).

Which of the patterns ``2..K`` comes second is decided by the fluctuations of the start
(by symmetry each is equally likely), and its sign too; so the overlaps with patterns
``2..K`` are reported by rank: ``m_k`` is the ``(k-1)``-th largest ``|m|`` among them.
Ranking noisy values biases them: where the cascade terms are comparable to the finite-N
fluctuations (about :math:`N^{-1/2}`), the largest lies above its theory value.
Per point: one disorder sample, ``n_chains`` chains from independent starts; results
are averaged over chains and samples (errors: the standard error over samples).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.plotting import drawn
from hebbian.models import HebbianModel
from hebbian.patterns import cue, diluted_patterns

__all__ = ["MultitaskingCascade", "cascade_run", "ranked_overlaps"]


def ranked_overlaps(m: np.ndarray) -> np.ndarray:
    """Return ``m`` (..., K) with ``m_1`` kept and ``|m_2..m_K|`` sorted, largest first."""
    m = np.asarray(m, dtype=float)
    rest = -np.sort(-np.abs(m[..., 1:]), axis=-1)
    return np.concatenate([m[..., :1], rest], axis=-1)


def cascade_run(params: dict, n_neurons: int, dilution: float, rng) -> dict:
    """Describe one point's run: diluted patterns, zero temperature, cued pattern 1.

    ``n_patterns`` patterns of ``n_neurons`` sites; ``n_chains`` chains start from
    pattern 1 with its blank sites random and run ``n_sweeps`` sweeps.
    """
    K, C = params["n_patterns"], params["n_chains"]
    model = HebbianModel(diluted_patterns(K, n_neurons, dilution=dilution, seed=rng))
    return {
        "model": model,
        "temperature": 0.0,
        "initial": cue(model.memories[0], noise=0.0, n_cues=C, seed=rng),
        "n_sweeps": params["n_sweeps"],
        "n_chains": C,
        "measure_every": params["n_sweeps"],
    }


@register
class MultitaskingCascade(ExperimentKind):
    """Zero-temperature cascade of overlaps against the dilution (module docstring)."""

    name = "multitasking_cascade"
    description = "multitasking network at T = 0: the cascade m_k = (1-d) d^(k-1) against d"
    parameters = {
        "n_neurons": Param("int", "network size N", minimum=10, maximum=1_000_000),
        "n_patterns": Param("int", "patterns K", minimum=2, maximum=10),
        "dilution": Param("floats", "dilutions d", minimum=0.0, maximum=0.99),
        "n_samples": Param("int", "disorder samples per d", minimum=1),
        "n_chains": Param("int", "starts per sample", minimum=1, default=2),
        "n_sweeps": Param("int", "zero-temperature sweeps", minimum=1, default=30),
        "reference_dilution": Param(
            "float", "dilution of the reported overlaps", minimum=0.0, maximum=0.99, default=0.2
        ),
    }
    obtained_quantities = ("m_1", "m_2", "m_3", "max_deviation")

    def check(self, params, *, where):
        if list(params["dilution"]) != sorted(params["dilution"]):
            raise ConfigError(f"{where} dilution must be increasing, got {params['dilution']}")
        if not any(abs(d - params["reference_dilution"]) < 1e-9 for d in params["dilution"]):
            raise ConfigError(
                f"{where} reference_dilution = {params['reference_dilution']:g} must be one "
                f"of the dilution values"
            )

    def points(self, params):
        return [
            {"dilution": d, "sample": s}
            for d in params["dilution"]
            for s in range(params["n_samples"])
        ]

    def run_size(self, params, point):
        return {
            "n_neurons": params["n_neurons"],
            "n_memories": params["n_patterns"],
            "n_chains": params["n_chains"],
            "n_sweeps": params["n_sweeps"],
            "dilution": point["dilution"],
        }

    def point_simulation(self, params, point, rng):
        return cascade_run(params, params["n_neurons"], point["dilution"], rng)

    def point_result(self, params, point, ds, run):
        final = ds.m.isel(time=-1).values  # (chain, memory)
        return {
            "m": ranked_overlaps(final).mean(axis=0),
            "sweeps": ds.sweeps_to_fixed_point.values,
        }

    def assemble(self, params, points, results):
        from hebbian.theory.multitasking import cascade_overlaps, hierarchical_is_fixed_point

        d = np.asarray(params["dilution"], dtype=float)
        S, K = params["n_samples"], params["n_patterns"]
        m = np.stack([r["m"] for r in results]).reshape(d.size, S, K)
        sweeps = np.stack([r["sweeps"] for r in results]).reshape(d.size, S, -1)
        err = m.std(axis=1, ddof=1) / np.sqrt(S) if S > 1 else np.full((d.size, K), np.nan)
        rank = np.arange(1, K + 1)
        dims, one = ("dilution", "rank"), {"units": "1"}
        return xr.Dataset(
            {
                "m": (dims, m.mean(axis=1), {"long_name": "overlap $m_k$ (by rank)", **one}),
                "m_stderr": (dims, err, {"long_name": "standard error of $m_k$", **one}),
                "m_samples": (("dilution", "sample", "rank"), m, {"long_name": "$m_k$", **one}),
                "m_theory": (
                    dims,
                    cascade_overlaps(K, d),
                    {"long_name": "cascade $(1-d)d^{k-1}$", **one},
                ),
                "cascade_is_fixed_point": (
                    ("dilution",),
                    hierarchical_is_fixed_point(K, d),
                    {"long_name": "$d + \\dots + d^{K-1} < 1$"},
                ),
                "sweeps_to_fixed_point": (
                    ("dilution", "sample", "chain"),
                    sweeps,
                    {"long_name": "sweeps to a fixed point"},
                ),
            },
            coords={"dilution": d, "rank": rank, "sample": np.arange(S)},
            attrs={
                "n_neurons": params["n_neurons"],
                "n_patterns": K,
                "reference_dilution": params["reference_dilution"],
            },
        )

    def obtained(self, ds):
        at = ds.sel(dilution=float(ds.attrs["reference_dilution"]))
        below = ds.where(ds.cascade_is_fixed_point, drop=True)  # where the cascade holds
        return {
            "m_1": float(at.m.sel(rank=1)),
            "m_2": float(at.m.sel(rank=2)),
            "m_3": float(at.m.sel(rank=3)) if ds.sizes["rank"] >= 3 else float("nan"),
            "max_deviation": float(np.abs(below.m - below.m_theory).max())
            if below.sizes["dilution"]
            else float("nan"),
        }

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7.2, 4.6), layout="constrained")
        d = ds.dilution.values
        dense = np.linspace(0.0, float(d.max()), 200)
        from hebbian.theory.multitasking import cascade_overlaps, hierarchical_threshold_dilution

        K = ds.sizes["rank"]
        theory = drawn(cascade_overlaps(K, dense))
        for k in range(K):
            color = f"C{k}"
            ax.plot(dense, theory[:, k], "-", color=color, lw=1.3)
            ax.errorbar(
                d,
                ds.m.isel(rank=k),
                yerr=ds.m_stderr.isel(rank=k),
                fmt="o",
                ms=4,
                capsize=2,
                color=color,
                label=f"$m_{k + 1}$",
            )
        d_c = float(drawn(hierarchical_threshold_dilution(K)))
        if d_c < 1:
            ax.axvline(d_c, color="0.4", ls=":", lw=1)
            ax.annotate(
                f"$d_c({K}) = {d_c:.3f}$:\ncascade unstable\nbeyond",
                (d_c, 0.62),
                xytext=(5, 0),
                textcoords="offset points",
                fontsize=8,
                color="0.3",
                va="center",
            )
        ax.plot([], [], "-", color="0.3", label="theory $(1-d)\\,d^{k-1}$")
        ax.set(
            xlabel="dilution $d$",
            ylabel="overlap $m_k$ (k-th largest)",
            ylim=(-0.02, 1.02),
            title=f"Multitasking cascade at T = 0 (N = {ds.attrs['n_neurons']}, K = {K})",
        )
        ax.legend(fontsize=8, loc="upper right", framealpha=0.95)
        return ax
