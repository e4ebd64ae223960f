"""Parallel learning from examples: a multitasking network trained on noisy examples.

Protocol (Agliari, Alessandrelli, Barra, Ricci-Tersenghi, J. Stat. Mech. (2023) 113401):
``K`` diluted archetypes ``xi`` (a fraction ``d`` of blanks) are never shown; the
network sees ``M`` examples of each, ``eta^{mu,a} = xi^mu chi^{mu,a}`` with
:math:`P(\\chi = \\pm 1) = (1 \\pm r)/2` (:func:`hebbian.patterns.noisy_examples`; the
blanks stay blank), stored with the unsupervised Hebbian rule

.. math::

    J_{ij} = \\frac{1}{N R M} \\sum_{\\mu=1}^K \\sum_{a=1}^M \\eta^{\\mu,a}_i
    \\eta^{\\mu,a}_j, \\qquad R = r^2 (1 + \\rho), \\qquad
    \\rho = \\frac{1 - r^2}{M r^2},

a :class:`~hebbian.models.HebbianModel` whose memories are the ``K M`` examples, each
with weight ``1 / (R M)``. For each dataset entropy ``rho`` the quality is
``r = (1 + rho M)^(-1/2)``. The network starts from archetype 1 with its blank sites
random and runs Glauber sweeps at a low ``T``; the overlaps with the archetypes are
measured at the end, ``m_1`` kept and ``m_2..m_K`` ranked by size (as in
:mod:`~hebbian.experiments.kinds.multitasking_cascade`).

Theory: :func:`hebbian.theory.multitasking.solve_multitasking_learning`, started from
the cascade ``(1 - d) d^{k-1}`` (from ``(1, 0, ..., 0)`` at ``d = 0``). At low load the
supervised rule (couplings built from the example means) has the same equations
(Agliari et al. 2023), so one solution serves both; only the unsupervised rule is
simulated here, because its couplings are Hebbian in ternary vectors and run on the
engine as they are. Its extra noise, the examples' random overlaps with the state, has a
variance of order ``K / (R^2 M N)``, which is why the sizes are large.

Near the transition from hierarchical to parallel retrieval (which the examples' noise
drives, as temperature does) the solved state is soft: its smallest Hessian eigenvalue
(``stiffness``) goes to zero, relaxation slows down and finite-``N`` deviations grow
like ``1 / (stiffness sqrt(N))``. The comparison with the theory (``max_deviation``)
leaves out the points whose stiffness is below ``min_stiffness``; the figure rings them.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.multitasking_cascade import ranked_overlaps
from hebbian.experiments.plotting import drawn, largest, panel_row
from hebbian.models import HebbianModel
from hebbian.patterns import cue, diluted_patterns, noisy_examples
from hebbian.theory.dense_learning import example_quality

__all__ = ["MultitaskingLearning", "learned_overlaps"]

_THEORY_POINTS = 121


def learned_overlaps(n_patterns: int, rho, dilution: float, temperature: float):
    """Solved archetype overlaps (ranked) and their stability along ``rho``.

    Parameters
    ----------
    n_patterns : int
        ``K``.
    rho : (n,) array_like
        Dataset entropies.
    dilution, temperature : float
        ``d`` and ``T`` (unnormalized convention, ``T_c = 1 - d``).

    Returns
    -------
    m : (n, K) ndarray
        ``m_1`` and the ranked ``m_2..m_K``; ``nan`` where the solution is not a stable,
        converged fixed point.
    stiffness : (n,) ndarray
        Smallest eigenvalue of the free energy's Hessian at the solution (``nan`` where
        ``m`` is): near zero at a transition, where relaxation is slow and the finite-N
        deviations grow like ``1 / (stiffness sqrt(N))``.
    """
    from hebbian.theory.multitasking import cascade_overlaps, solve_multitasking_learning

    rho = np.asarray(rho, dtype=float)
    if dilution > 0:
        start = np.maximum(cascade_overlaps(n_patterns, dilution), 1e-3)
    else:
        start = np.eye(n_patterns)[0]
    state = solve_multitasking_learning(
        np.broadcast_to(start, rho.shape + (n_patterns,)), rho, dilution, temperature
    )
    stable = np.asarray(state.stable, dtype=bool)
    m = ranked_overlaps(np.abs(state.overlaps))
    stiffness = np.where(stable, state.hessian_eigenvalues[..., 0], np.nan)
    return np.where(stable[..., None], m, np.nan), stiffness


@register
class MultitaskingLearning(ExperimentKind):
    """Archetype overlaps against the dataset entropy, simulated and solved (module docstring)."""

    name = "multitasking_learning"
    description = "multitasking network learning diluted archetypes from examples: m_k against rho"
    parameters = {
        "n_neurons": Param("int", "network size N", minimum=10, maximum=1_000_000),
        "n_patterns": Param("int", "archetypes K", minimum=2, maximum=8),
        "n_examples": Param("int", "examples per archetype M", minimum=1, maximum=1000),
        "dilution": Param("floats", "dilutions d (one panel each)", minimum=0.0, maximum=0.95),
        "rho": Param("floats", "dataset entropies rho", minimum=0.0, maximum=100.0),
        "temperature": Param("float", "temperature T", minimum=0.005, maximum=1.0),
        "n_samples": Param("int", "disorder samples per point", minimum=1, default=1),
        "n_chains": Param("int", "starts per sample", minimum=1, default=2),
        "n_sweeps": Param("int", "Glauber sweeps", minimum=1, default=100),
        "reference_rho": Param(
            "float", "rho of the reported pure-state overlap", minimum=0.0, default=0.5
        ),
        "min_stiffness": Param(
            "float",
            "smallest Hessian eigenvalue of a point compared with the theory",
            minimum=0.0,
            default=0.1,
        ),
    }
    obtained_quantities = ("m_pure_at_reference", "max_deviation")

    def check(self, params, *, where):
        for axis in ("dilution", "rho"):
            values = list(params[axis])
            if values != sorted(values):
                raise ConfigError(f"{where} {axis} must be increasing, got {values}")
        if not any(abs(r - params["reference_rho"]) < 1e-9 for r in params["rho"]):
            raise ConfigError(
                f"{where} reference_rho = {params['reference_rho']:g} must be one of the "
                f"rho values"
            )

    def points(self, params):
        return [
            {"dilution": d, "rho": rho, "sample": s}
            for d in params["dilution"]
            for rho in params["rho"]
            for s in range(params["n_samples"])
        ]

    def run_size(self, params, point):
        return {
            "n_neurons": params["n_neurons"],
            "n_memories": params["n_patterns"] * params["n_examples"],
            "n_chains": params["n_chains"],
            "n_sweeps": params["n_sweeps"],
            "dilution": point["dilution"],
        }

    def point_simulation(self, params, point, rng):
        N, K, M = params["n_neurons"], params["n_patterns"], params["n_examples"]
        rho, C = point["rho"], params["n_chains"]
        r = float(example_quality(rho, M))
        archetypes = diluted_patterns(K, N, dilution=point["dilution"], seed=rng)
        examples = noisy_examples(archetypes, quality=r, n_examples=M, seed=rng)
        weight = 1.0 / (r * r * (1.0 + rho) * M)
        return {
            "model": HebbianModel(examples.reshape(K * M, N), weights=np.full(K * M, weight)),
            "temperature": params["temperature"],
            "initial": cue(archetypes[0], noise=0.0, n_cues=C, seed=rng),
            "n_sweeps": params["n_sweeps"],
            "n_chains": C,
            "measure_every": params["n_sweeps"],
            "context": archetypes,
        }

    def point_result(self, params, point, ds, run):
        spins = ds.spins.values.astype(np.float64)  # (chain, neuron)
        archetypes = run["context"].astype(np.float64)
        m = spins @ archetypes.T / archetypes.shape[1]
        return {"m": ranked_overlaps(np.abs(m)).mean(axis=0)}

    def assemble(self, params, points, results):
        d = np.asarray(params["dilution"], dtype=float)
        rho = np.asarray(params["rho"], dtype=float)
        S, K, T = params["n_samples"], params["n_patterns"], params["temperature"]
        m = np.stack([r["m"] for r in results]).reshape(d.size, rho.size, S, K)
        err = m.std(axis=2, ddof=1) / np.sqrt(S) if S > 1 else np.full(m.shape[:2] + (K,), np.nan)
        dense = np.linspace(0.0, float(rho.max()), _THEORY_POINTS)
        solved = [learned_overlaps(K, rho, float(x), T) for x in d]
        theory = np.stack([m_k for m_k, _ in solved])
        stiffness = np.stack([s for _, s in solved])
        curves = np.stack([learned_overlaps(K, dense, float(x), T)[0] for x in d])
        one = {"units": "1"}
        dims = ("dilution", "rho", "rank")
        return xr.Dataset(
            {
                "m": (dims, m.mean(axis=2), {"long_name": "archetype overlap $m_k$", **one}),
                "m_stderr": (dims, err, {"long_name": "standard error of $m_k$", **one}),
                "m_samples": (
                    ("dilution", "rho", "sample", "rank"),
                    m,
                    {"long_name": "archetype overlap $m_k$, per sample", **one},
                ),
                "m_theory": (dims, theory, {"long_name": "solved $m_k$ (stable)", **one}),
                "m_theory_curve": (
                    ("dilution", "rho_fine", "rank"),
                    curves,
                    {"long_name": "solved $m_k$ (stable)", **one},
                ),
                "stiffness": (
                    ("dilution", "rho"),
                    stiffness,
                    {"long_name": "smallest Hessian eigenvalue of the solved state", **one},
                ),
                "quality": (
                    ("rho",),
                    np.asarray(example_quality(rho, params["n_examples"]), dtype=float),
                    {"long_name": "example quality $r$", **one},
                ),
            },
            coords={
                "dilution": d,
                "rho": rho,
                "rank": np.arange(1, K + 1),
                "sample": np.arange(S),
                "rho_fine": dense,
            },
            attrs={
                "n_neurons": params["n_neurons"],
                "n_examples": params["n_examples"],
                "temperature": T,
                "reference_rho": params["reference_rho"],
                "min_stiffness": params["min_stiffness"],
                "rule": "unsupervised",
            },
        )

    def obtained(self, ds):
        pure = ds.sel(rho=float(ds.attrs["reference_rho"])).where(ds.dilution == 0.0, drop=True)
        stiff = ds.stiffness >= float(ds.attrs["min_stiffness"])
        gap = np.abs(ds.m - ds.m_theory).where(stiff)
        return {
            "m_pure_at_reference": float(pure.m.sel(rank=1)[0])
            if pure.sizes["dilution"]
            else float("nan"),
            "max_deviation": largest(gap),
        }

    def plot(self, ds, ax=None):
        """One panel per dilution (only the first when ``ax`` is given)."""
        d = ds.dilution.values
        axes = panel_row(ax, d.size, width=4.6, height=4.4, sharey=True)
        fine = ds.rho_fine.values
        for panel, x in zip(axes, d):
            sub = ds.sel(dilution=x)
            soft = (sub.stiffness < float(ds.attrs["min_stiffness"])).values
            for k in range(ds.sizes["rank"]):
                color = f"C{k}"
                panel.plot(fine, drawn(sub.m_theory_curve.isel(rank=k)), "-", color=color, lw=1.3)
                panel.errorbar(
                    ds.rho,
                    sub.m.isel(rank=k),
                    yerr=sub.m_stderr.isel(rank=k),
                    fmt="o",
                    ms=4,
                    capsize=2,
                    color=color,
                    label=f"MC $m_{k + 1}$",
                )
                ring = sub.m.isel(rank=k)[soft]
                panel.plot(ds.rho[soft], ring, "o", ms=9, mfc="none", mec="0.5")
            panel.set(xlabel=r"dataset entropy $\rho$", title=f"d = {x:g}", ylim=(-0.02, 1.02))
        axes[0].plot([], [], "-", color="0.3", label="RS (low load)")
        axes[0].plot([], [], "o", ms=9, mfc="none", mec="0.5", label="near a transition")
        axes[0].set_ylabel("archetype overlap $m_k$ ($k \\geq 2$ ranked)")
        axes[0].legend(fontsize=8, loc="upper right")
        axes[0].figure.suptitle(
            f"Learning K = {ds.sizes['rank']} diluted archetypes from M = "
            f"{ds.attrs['n_examples']} examples each (unsupervised, N = "
            f"{ds.attrs['n_neurons']}, T = {ds.attrs['temperature']:g})",
            fontsize=10,
        )
        return axes[0]
