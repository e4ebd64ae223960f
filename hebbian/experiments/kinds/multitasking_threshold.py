"""The hierarchical threshold ``d_c(K)`` of a multitasking network, seen in simulation.

Protocol (Agliari, Barra, Galluzzi, Guerra, Moauro, Phys. Rev. Lett. 109, 268101
(2012)): as in :mod:`~hebbian.experiments.kinds.multitasking_cascade`, ``K`` diluted
patterns, zero-temperature dynamics from pattern 1 with its blank sites random, at two
or more sizes ``N``. Measured: the fraction of pattern 1's non-blank sites that the
dynamics turn against it. Below the threshold :math:`d_c(K)` (where
:math:`d + \\dots + d^{K-1} = 1`; :math:`d_c(3) = 0.618`) the cascade is a fixed point
and no such site exists; above it the sites whose later patterns all oppose pattern 1
flip (:func:`hebbian.theory.multitasking.cascade_misaligned_fraction`, for ``K = 3``
:math:`((1-d)/2)^2`). Finite ``N`` rounds the jump over a width of about the overlap
noise :math:`N^{-1/2}`.

The threshold is read off the largest ``N``: where the measured fraction crosses half of
the theoretical jump at :math:`d_c` (linear interpolation on the grid of ``d``).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.multitasking_cascade import cascade_run
from hebbian.experiments.plotting import drawn

__all__ = ["MultitaskingThreshold", "crossing_dilution"]


def crossing_dilution(dilution: np.ndarray, fraction: np.ndarray, level: float) -> float:
    """Return the first ``d`` where ``fraction`` reaches ``level`` (interpolated; NaN if none).

    Any rising curve: the self-coupling and fast-weight kinds use it too. NaN as well
    when the first point is at or above ``level``.
    """
    above = np.nonzero(np.asarray(fraction) >= level)[0]
    if above.size == 0 or above[0] == 0:
        return float("nan")
    j = int(above[0])
    d0, d1, f0, f1 = dilution[j - 1], dilution[j], fraction[j - 1], fraction[j]
    return float(d0 + (level - f0) * (d1 - d0) / (f1 - f0))


@register
class MultitaskingThreshold(ExperimentKind):
    """Misaligned fraction of pattern 1's sites against the dilution (module docstring)."""

    name = "multitasking_threshold"
    description = "multitasking network at T = 0: the cascade breaks at d_c(K), at several N"
    parameters = {
        "n_neurons": Param("ints", "network sizes N", minimum=10, maximum=1_000_000),
        "n_patterns": Param("int", "patterns K", minimum=2, maximum=10),
        "dilution": Param("floats", "dilutions d", minimum=0.0, maximum=0.99),
        "n_samples": Param("int", "disorder samples per (N, d)", minimum=1),
        "n_chains": Param("int", "starts per sample", minimum=1, default=2),
        "n_sweeps": Param("int", "zero-temperature sweeps", minimum=1, default=40),
    }
    obtained_quantities = ("d_c", "d_c_smallest_N", "max_deviation_above")

    def check(self, params, *, where):
        if list(params["dilution"]) != sorted(params["dilution"]):
            raise ConfigError(f"{where} dilution must be increasing, got {params['dilution']}")
        if len(params["n_neurons"]) < 2:
            raise ConfigError(
                f"{where} n_neurons needs at least two sizes, got {params['n_neurons']}: "
                f"the threshold sharpens as N grows"
            )

    def points(self, params):
        return [
            {"n_neurons": N, "dilution": d, "sample": s}
            for N in params["n_neurons"]
            for d in params["dilution"]
            for s in range(params["n_samples"])
        ]

    def run_size(self, params, point):
        return {
            "n_neurons": point["n_neurons"],
            "n_memories": params["n_patterns"],
            "n_chains": params["n_chains"],
            "n_sweeps": params["n_sweeps"],
            "dilution": point["dilution"],
        }

    def point_simulation(self, params, point, rng):
        return cascade_run(params, point["n_neurons"], point["dilution"], rng)

    def point_result(self, params, point, ds, run):
        first = run["model"].memories[0]
        on = first != 0
        against = ds.spins.values[:, on] != first[on]  # (chain, sites of pattern 1)
        return {"misaligned": float(against.mean()) if on.any() else 0.0}

    def assemble(self, params, points, results):
        from hebbian.theory.multitasking import (
            cascade_misaligned_fraction,
            hierarchical_threshold_dilution,
        )

        Ns = np.asarray(params["n_neurons"])
        d = np.asarray(params["dilution"], dtype=float)
        S, K = params["n_samples"], params["n_patterns"]
        f = np.array([r["misaligned"] for r in results]).reshape(Ns.size, d.size, S)
        err = f.std(axis=2, ddof=1) / np.sqrt(S) if S > 1 else np.full(f.shape[:2], np.nan)
        one = {"units": "1"}
        return xr.Dataset(
            {
                "misaligned": (
                    ("n_neurons", "dilution"),
                    f.mean(axis=2),
                    {"long_name": "fraction of pattern 1's sites turned against it", **one},
                ),
                "misaligned_stderr": (
                    ("n_neurons", "dilution"),
                    err,
                    {"long_name": "standard error over samples", **one},
                ),
                "misaligned_samples": (
                    ("n_neurons", "dilution", "sample"),
                    f,
                    {"long_name": "fraction turned against pattern 1, per sample", **one},
                ),
                "misaligned_theory": (
                    ("dilution",),
                    cascade_misaligned_fraction(K, d),
                    {"long_name": "cascade theory", **one},
                ),
            },
            coords={"n_neurons": Ns, "dilution": d, "sample": np.arange(S)},
            attrs={"n_patterns": K, "d_c_theory": hierarchical_threshold_dilution(K)},
        )

    def obtained(self, ds):
        from hebbian.theory.multitasking import cascade_misaligned_fraction

        K, d_c = int(ds.attrs["n_patterns"]), float(ds.attrs["d_c_theory"])
        level = 0.5 * float(cascade_misaligned_fraction(K, min(d_c + 1e-9, 0.99)))
        d = ds.dilution.values
        crossings = [
            crossing_dilution(d, ds.misaligned.sel(n_neurons=N).values, level)
            for N in ds.n_neurons.values
        ]
        clear = d > d_c + 0.03  # away from the finite-N rounding of the jump
        largest = ds.misaligned.isel(n_neurons=-1).values
        deviation = np.abs(largest - ds.misaligned_theory.values)[clear]
        return {
            "d_c": crossings[-1],
            "d_c_smallest_N": crossings[0],
            "max_deviation_above": float(deviation.max()) if deviation.size else float("nan"),
        }

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7.2, 4.4), layout="constrained")
        d = ds.dilution.values
        d_c = float(drawn(ds.attrs["d_c_theory"]))
        dense = np.linspace(float(d.min()), float(d.max()), 400)
        from hebbian.theory.multitasking import cascade_misaligned_fraction

        K = int(ds.attrs["n_patterns"])
        ax.plot(
            dense,
            drawn(cascade_misaligned_fraction(K, dense)),
            "k-",
            lw=1.3,
            label="cascade theory",
        )
        cmap = plt.get_cmap("viridis")
        n = ds.sizes["n_neurons"]
        for i, N in enumerate(ds.n_neurons.values):
            ax.errorbar(
                d,
                ds.misaligned.sel(n_neurons=N),
                yerr=ds.misaligned_stderr.sel(n_neurons=N),
                fmt="o-",
                ms=3.5,
                lw=0.8,
                capsize=2,
                color=cmap(i / max(n - 1, 1) * 0.85),
                label=f"MC N = {N}",
            )
        ax.axvline(d_c, color="0.4", ls=":", lw=1)
        ax.annotate(
            f"$d_c({K}) = {d_c:.3f}$",
            (d_c, 0.75 * float(ds.misaligned_theory.max())),
            xytext=(-6, 0),
            textcoords="offset points",
            ha="right",
            fontsize=8,
            color="0.3",
        )
        ax.set(
            xlabel="dilution $d$",
            ylabel="fraction of pattern 1's sites\nturned against it",
            title=f"The cascade breaks at $d_c$: T = 0, K = {K}",
        )
        ax.legend(fontsize=8, loc="upper right")
        return ax
