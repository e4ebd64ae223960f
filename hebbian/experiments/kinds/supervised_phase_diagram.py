"""Supervised Hebbian learning at high load: the ``(alpha, rho)`` plane, MC over RS lines.

Protocol (Alemanno, Aquaro, Kanter, Barra, Agliari, EPL 141, 11001 (2023); the dense
version: Agliari et al., Physica A 626, 129076 (2023)): ``K = alpha N`` binary archetypes,
``M`` examples of each with quality ``r = (1 + rho M)^(-1/2)``. The supervised network
of order ``p`` stores the example sums of each class,

.. math::

    H = -\\frac{N}{p!\\,R^{p/2} M^p}\\sum_\\mu \\Bigl(\\frac{s^\\mu\\cdot\\sigma}{N}\\Bigr)^p,
    \\qquad s^\\mu = \\sum_{a=1}^M \\eta^{\\mu,a},\\qquad R = r^2 (1 + \\rho),

(``K = alpha N^(p-1)``; at ``p = 2``, :math:`J_{ij} = \\sum_\\mu s^\\mu_i s^\\mu_j /
(N R M^2)`), a :class:`~hebbian.models.HebbianModel` with integer memories ``s``
(entries in ``[-M, M]``; the engine runs them exactly for ``p = 2`` and ``3``) and
weights ``1 / ((p-1)! R^{p/2} M^p)``. Each of ``n_chains`` chains starts at a different
archetype (with a fraction ``cue_noise`` of its bits flipped) and runs zero-temperature
sweeps; measured: each chain's final overlap with its own archetype. Started exactly at
the archetype, a small ``p = 3`` network stays trapped near it above the RS line
(``docs/theory/dense.md``), hence the noisy cue there.

Theory: the high-load supervised RS equations
(:func:`hebbian.theory.dense_learning.solve_dense_learning` at ``T = 0``, exact
``M``-example means) and the critical line ``alpha_c(rho)``
(:func:`~hebbian.theory.dense_learning.dense_learning_capacity`), drawn for the orders
``line_orders``.

Finite ``N`` moves the simulated boundary above the RS line (at ``rho = 0`` this is the
Hopfield model, whose zero-temperature retrieval at ``N = 2000`` survives to about
``alpha = 0.16``; see ``amit1987_hopfield_capacity``). The overlaps are therefore
compared with RS only deep in the retrieval region, ``alpha <= depth alpha_c(rho)``.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.capacity import crossing_load
from hebbian.experiments.plotting import drawn, largest
from hebbian.models import HebbianModel
from hebbian.patterns import cue_each, noisy_examples, random_patterns
from hebbian.theory.dense_learning import example_quality

__all__ = ["SupervisedPhaseDiagram"]

_LINE_POINTS = 41


@register
class SupervisedPhaseDiagram(ExperimentKind):
    """Supervised retrieval on an ``(alpha, rho)`` grid (module docstring)."""

    name = "supervised_phase_diagram"
    description = "supervised Hebbian learning: retrieval on an (alpha, rho) grid, RS lines"
    parameters = {
        "n_neurons": Param("int", "network size N", minimum=10, maximum=200_000),
        "n_examples": Param("int", "examples per archetype M", minimum=1, maximum=1000),
        "p": Param("int", "order p (integer memories: 2 or 3)", minimum=2, maximum=3, default=2),
        "alpha": Param("floats", "loads alpha = K / N^(p-1)", minimum=0.0, maximum=1.0),
        "cue_noise": Param(
            "float",
            "fraction of the archetype's bits flipped at the start",
            minimum=0.0,
            maximum=0.5,
            default=0.0,
        ),  # fmt: skip
        "rho": Param("floats", "dataset entropies rho", minimum=0.0, maximum=10.0),
        "n_samples": Param("int", "disorder samples per point", minimum=1, default=1),
        "n_chains": Param("int", "archetypes cued per sample", minimum=1, default=4),
        "n_sweeps": Param("int", "zero-temperature sweeps", minimum=1, default=30),
        "depth": Param(
            "float",
            "compare with RS where alpha <= depth alpha_c(rho)",
            minimum=0.0,
            maximum=1.0,
            default=0.6,
        ),  # fmt: skip
        "line_orders": Param("ints", "p of the RS lines drawn", minimum=2, maximum=6),
    }
    obtained_quantities = ("mc_rs_max_deviation", "alpha_c_rho0")

    def check(self, params, *, where):
        for axis in ("alpha", "rho", "line_orders"):
            values = list(params[axis])
            if values != sorted(values):
                raise ConfigError(f"{where} {axis} must be increasing, got {values}")
        smallest = min(params["alpha"]) * params["n_neurons"] ** (params["p"] - 1)
        if round(smallest) < params["n_chains"]:
            raise ConfigError(
                f"{where} alpha = {min(params['alpha']):g} at N = {params['n_neurons']} stores "
                f"{round(smallest)} archetypes, fewer than n_chains = {params['n_chains']}"
            )

    def points(self, params):
        return [
            {"rho": rho, "alpha": a, "sample": s}
            for rho in params["rho"]
            for a in params["alpha"]
            for s in range(params["n_samples"])
        ]

    def run_size(self, params, point):
        return {
            "n_neurons": params["n_neurons"],
            "n_memories": max(1, round(point["alpha"] * params["n_neurons"] ** (params["p"] - 1))),
            "n_chains": params["n_chains"],
            "n_sweeps": params["n_sweeps"],
        }

    def point_simulation(self, params, point, rng):
        N, M, C, p = params["n_neurons"], params["n_examples"], params["n_chains"], params["p"]
        K = max(1, round(point["alpha"] * N ** (p - 1)))
        rho = point["rho"]
        r = float(example_quality(rho, M))
        archetypes = random_patterns(K, N, seed=rng)
        sums = noisy_examples(archetypes, quality=r, n_examples=M, seed=rng).sum(
            axis=1, dtype=np.int16
        )
        weight = 1.0 / (math.factorial(p - 1) * (r * r * (1.0 + rho)) ** (p / 2) * M**p)
        initial = archetypes[:C]
        if params["cue_noise"] > 0:
            initial = cue_each(archetypes[:C], noise=params["cue_noise"], seed=rng)
        return {
            "model": HebbianModel(sums, p=p, weights=np.full(K, weight)),
            "temperature": 0.0,
            "initial": initial,
            "n_sweeps": params["n_sweeps"],
            "n_chains": C,
            "measure_every": params["n_sweeps"],
            "context": archetypes[:C],
        }

    def point_result(self, params, point, ds, run):
        spins = ds.spins.values.astype(np.float64)  # (chain, neuron)
        cued = run["context"].astype(np.float64)
        return {"m": np.sum(spins * cued, axis=1) / spins.shape[1]}

    def assemble(self, params, points, results):
        from hebbian.theory.dense_learning import dense_learning_capacity, solve_dense_learning

        a = np.asarray(params["alpha"], dtype=float)
        rho = np.asarray(params["rho"], dtype=float)
        S, C, M, p = params["n_samples"], params["n_chains"], params["n_examples"], params["p"]
        m = np.stack([r["m"] for r in results]).reshape(rho.size, a.size, S * C)
        retrieved = (m > 0.5).mean(axis=2)
        rs = solve_dense_learning(p, rho[:, None], 0.0, alpha=a[None, :], n_examples=M)
        alpha_c = np.asarray(dense_learning_capacity(p, rho, n_examples=M), dtype=float)
        fine = np.linspace(0.0, float(rho.max()), _LINE_POINTS)
        orders = np.asarray(params["line_orders"])
        lines = np.stack([dense_learning_capacity(int(p), fine, n_examples=M) for p in orders])
        one = {"units": "1"}
        grid = ("rho", "alpha")
        return xr.Dataset(
            {
                "m": (grid, m.mean(axis=2), {"long_name": "final archetype overlap", **one}),
                "m_runs": (grid + ("run",), m, {"long_name": "overlap per run", **one}),
                "retrieved": (grid, retrieved, {"long_name": "fraction with m > 0.5", **one}),
                "m_theory": (grid, np.asarray(rs.m), {"long_name": "RS overlap (T = 0)", **one}),
                "alpha_c": (("rho",), alpha_c, {"long_name": f"RS alpha_c(rho), p = {p}"}),
                "alpha_c_line": (
                    ("line_order", "rho_fine"),
                    lines,
                    {"long_name": "RS alpha_c(rho) at T = 0"},
                ),
            },
            coords={
                "rho": rho,
                "alpha": a,
                "run": np.arange(S * C),
                "rho_fine": fine,
                "line_order": orders,
            },
            attrs={
                "n_neurons": params["n_neurons"],
                "n_examples": M,
                "depth": params["depth"],
                "rule": "supervised",
                **({"p": p} if p != 2 else {}),  # a p = 2 result keeps its bytes
            },
        )

    def obtained(self, ds):
        deep = ds.alpha <= float(ds.attrs["depth"]) * ds.alpha_c
        gap = np.abs(ds.m - ds.m_theory).where(deep)
        at_zero = ds.where(ds.rho == 0.0, drop=True)
        crossing = (
            crossing_load(at_zero.alpha.values, at_zero.retrieved.isel(rho=0).values)
            if at_zero.sizes["rho"]
            else float("nan")
        )
        return {
            "mc_rs_max_deviation": largest(gap),
            "alpha_c_rho0": crossing,
        }

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7.4, 5.0), layout="constrained")
        a, rho = ds.alpha.values, ds.rho.values
        mesh = ax.pcolormesh(
            rho, a, ds.m.values.T, shading="nearest", cmap="Blues", vmin=0, vmax=1, alpha=0.85
        )
        p = int(ds.attrs.get("p", 2))
        ax.figure.colorbar(mesh, ax=ax, pad=0.01, label=f"MC final archetype overlap (p = {p})")
        styles = ("k-", "C3--", "C2-.", "C1:")
        for style, order in zip(styles, ds.line_order.values):
            ax.plot(ds.rho_fine, drawn(ds.alpha_c_line.sel(line_order=order)), style, lw=1.5,
                    label=f"RS $\\alpha_c(\\rho)$, p = {order}")  # fmt: skip
        ax.set(
            xlabel=r"dataset entropy $\rho$",
            ylabel=r"load $\alpha = K/N$ (p = 2); $K/N^{p-1}$ (lines)"
            if p == 2
            else rf"load $\alpha = K/N^{{{p - 1}}}$",
            title=(
                f"Supervised learning{'' if p == 2 else f' (p = {p})'}, "
                f"M = {ds.attrs['n_examples']} examples, N = {ds.attrs['n_neurons']}, T = 0"
            ),
            ylim=(0, float(max(a.max(), 0.16)) * 1.05),
        )
        ax.legend(fontsize=8, loc="upper right")
        return ax
