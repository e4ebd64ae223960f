"""Dense networks learning archetypes from examples at low load: ``m`` against ``rho``.

Protocol (Agliari, Albanese, Alemanno, Alessandrelli, Barra, Giannotti, Lotito,
Pedreschi, Physica A 627, 129143 (2023), unsupervised; the supervised companion, Physica
A 626, 129076 (2023), has the same low-load equations): ``K`` binary archetypes ``xi``
are never shown; the network stores ``M`` examples of each,
``eta^{mu,a} = xi^mu chi^{mu,a}``, :math:`P(\\chi = \\pm 1) = (1 \\pm r)/2`, with the
unsupervised ``p``-body Hebbian rule

.. math::

    H = -\\frac{N}{p!\\,M R^{p/2}} \\sum_{\\mu, a}
        \\Bigl(\\frac{\\eta^{\\mu,a}\\cdot\\sigma}{N}\\Bigr)^p ,\\qquad
    R = r^2 (1 + \\rho),

a :class:`~hebbian.models.HebbianModel` of the ``K M`` examples with weights
``1 / ((p-1)! M R^{p/2})`` (distinct indices). For each dataset entropy ``rho`` the
quality is ``r = (1 + rho M)^(-1/2)``. The network starts at archetype 1 and runs
sweeps at temperature ``T``; measured: the archetype overlap ``m`` at the end.

Theory: :func:`hebbian.theory.dense_learning.solve_dense_learning` in its exact
finite-``M`` mode (binomial example means), which the two rules share at low load. At
``T = 0`` it is ``m = P(etabar xi > 0) - P(etabar xi < 0)``, close to the large-``M`` law
``erf(1 / sqrt(2 rho))`` (0.8407 against 0.8427 at ``M = 51``, ``rho = 0.5``) for
every ``p``.

Example states. The theory describes the state that treats the examples of an archetype
alike. For ``p >= 3`` each example carries a weight that grows like
``rho^(p/2) M^(p/2-1)``, and at large ``rho`` the network started at the archetype ends
on one of its examples instead (its overlap with that example reaches 1, and ``m``
falls to about ``r``). A run counts as an example state when its overlap with some
example of archetype 1 is at least :data:`EXAMPLE_STATE`. ``m`` is averaged over the
other runs and compared with the theory; ``example_fraction`` reports the share of
example states.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.plotting import drawn, largest, panel_row
from hebbian.models import HebbianModel
from hebbian.patterns import noisy_examples, random_patterns
from hebbian.theory.dense_learning import example_quality

__all__ = ["EXAMPLE_STATE", "DenseLearning"]

_THEORY_POINTS = 101

#: Overlap with one example of archetype 1 above which a run counts as having retrieved
#: that example (an example state has 1; the archetype state about ``r^2 (1 + rho) n``,
#: 0.2 at ``rho = 0.5``).
EXAMPLE_STATE = 0.5


@register
class DenseLearning(ExperimentKind):
    """Archetype overlap against the dataset entropy for several ``p`` (module docstring)."""

    name = "dense_learning"
    description = "dense networks learning archetypes from examples: m against rho, several p"
    parameters = {
        "n_neurons": Param("int", "network size N", minimum=10, maximum=1_000_000),
        "orders": Param("ints", "interaction orders p (a panel each)", minimum=2, maximum=6),
        "n_patterns": Param("int", "archetypes K", minimum=1, maximum=20),
        "n_examples": Param("int", "examples per archetype M", minimum=1, maximum=1000),
        "rho": Param("floats", "dataset entropies rho", minimum=0.0, maximum=100.0),
        "temperature": Param("floats", "temperatures T", minimum=0.0, maximum=1.0),
        "n_samples": Param("int", "disorder samples per point", minimum=1, default=1),
        "n_chains": Param("int", "chains per sample", minimum=1, default=2),
        "n_sweeps": Param("int", "sweeps", minimum=1, default=20),
        "reference_rho": Param("float", "rho of the reported overlaps", minimum=0.0, default=0.5),
    }
    obtained_quantities = ("m_p2_at_reference", "m_p3_at_reference", "max_deviation")

    def check(self, params, *, where):
        for axis in ("orders", "rho", "temperature"):
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
            {"p": p, "temperature": T, "rho": rho, "sample": s}
            for p in params["orders"]
            for T in params["temperature"]
            for rho in params["rho"]
            for s in range(params["n_samples"])
        ]

    def run_size(self, params, point):
        return {
            "n_neurons": params["n_neurons"],
            "n_memories": params["n_patterns"] * params["n_examples"],
            "n_chains": params["n_chains"],
            "n_sweeps": params["n_sweeps"],
        }

    def point_simulation(self, params, point, rng):
        N, K, M, p = params["n_neurons"], params["n_patterns"], params["n_examples"], point["p"]
        rho, C = point["rho"], params["n_chains"]
        r = float(example_quality(rho, M))
        archetypes = random_patterns(K, N, seed=rng)
        examples = noisy_examples(archetypes, quality=r, n_examples=M, seed=rng)
        weight = 1.0 / (math.factorial(p - 1) * M * (r * r * (1.0 + rho)) ** (p / 2))
        model = HebbianModel(examples.reshape(K * M, N), p=p, weights=np.full(K * M, weight))
        return {
            "model": model,
            "temperature": point["temperature"],
            "initial": np.tile(archetypes[0], (C, 1)),
            "n_sweeps": params["n_sweeps"],
            "n_chains": C,
            "measure_every": params["n_sweeps"],
            "context": (archetypes[0], examples[0]),
        }

    def point_result(self, params, point, ds, run):
        spins = ds.spins.values.astype(np.float64)  # (chain, neuron)
        archetype, examples = (x.astype(np.float64) for x in run["context"])
        m = spins @ archetype / archetype.size  # (chain,)
        largest = np.max(np.abs(spins @ examples.T), axis=1) / archetype.size
        on_example = largest >= EXAMPLE_STATE
        return {
            "m": float(m.mean()),
            "m_archetype_state": float(m[~on_example].mean()) if (~on_example).any() else np.nan,
            "example_fraction": float(on_example.mean()),
        }

    def assemble(self, params, points, results):
        from hebbian.theory.dense_learning import solve_dense_learning

        ps = np.asarray(params["orders"])
        T = np.asarray(params["temperature"], dtype=float)
        rho = np.asarray(params["rho"], dtype=float)
        S, M = params["n_samples"], params["n_examples"]
        shape = (ps.size, T.size, rho.size, S)
        m_all = np.array([r["m"] for r in results]).reshape(shape)
        m = np.array([r["m_archetype_state"] for r in results]).reshape(shape)
        example = np.array([r["example_fraction"] for r in results]).reshape(shape)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-nan: every run on examples
            m_mean = np.nanmean(m, axis=3)
            err = np.nanstd(m, axis=3, ddof=1) / np.sqrt(np.sum(np.isfinite(m), axis=3))
        fine = np.linspace(0.0, float(rho.max()), _THEORY_POINTS)[1:]
        grid = np.empty((ps.size, T.size, rho.size))
        curve = np.empty((ps.size, T.size, fine.size))
        for i, p in enumerate(ps):
            for j, t in enumerate(T):
                grid[i, j] = solve_dense_learning(int(p), rho, t, n_examples=M).m
                curve[i, j] = solve_dense_learning(int(p), fine, t, n_examples=M).m
        gauss = solve_dense_learning(2, fine, 0.0).m  # the large-M T = 0 law, any p
        one = {"units": "1"}
        cube = ("p", "temperature", "rho")
        return xr.Dataset(
            {
                "m": (
                    cube,
                    m_mean,
                    {"long_name": "archetype overlap $m$ (runs in the archetype state)", **one},
                ),
                "m_stderr": (cube, err, {"long_name": "standard error of $m$", **one}),
                "m_samples": (
                    cube + ("sample",),
                    m,
                    {"long_name": "$m$ per sample (archetype-state chains)", **one},
                ),
                "m_all_runs": (
                    cube,
                    m_all.mean(axis=3),
                    {"long_name": "archetype overlap $m$, every run", **one},
                ),
                "example_fraction": (
                    cube,
                    example.mean(axis=3),
                    {"long_name": "fraction of runs that retrieved one example", **one},
                ),
                "m_theory": (cube, grid, {"long_name": f"RS, M = {M} examples", **one}),
                "m_theory_curve": (
                    ("p", "temperature", "rho_fine"),
                    curve,
                    {"long_name": f"RS, M = {M} examples", **one},
                ),
                "m_large_M": (
                    ("rho_fine",),
                    gauss,
                    {"long_name": "erf(1/sqrt(2 rho)) (T = 0, large M)", **one},
                ),
                "quality": (
                    ("rho",),
                    np.asarray(example_quality(rho, M), dtype=float),
                    {"long_name": "example quality $r$", **one},
                ),
            },
            coords={
                "p": ps,
                "temperature": T,
                "rho": rho,
                "sample": np.arange(S),
                "rho_fine": fine,
            },
            attrs={
                "n_neurons": params["n_neurons"],
                "n_patterns": params["n_patterns"],
                "n_examples": M,
                "reference_rho": params["reference_rho"],
                "rule": "unsupervised",
            },
        )

    def obtained(self, ds):
        ref = float(ds.attrs["reference_rho"])

        def at(p):
            if p not in ds.p.values or 0.0 not in ds.temperature.values:
                return float("nan")
            return float(ds.m.sel(p=p, temperature=0.0, rho=ref))

        gap = np.abs(ds.m - ds.m_theory)
        return {
            "m_p2_at_reference": at(2),
            "m_p3_at_reference": at(3),
            "max_deviation": largest(gap),
        }

    def plot(self, ds, ax=None):
        """One panel per ``p`` (only the first when ``ax`` is given)."""
        ps = ds.p.values
        axes = panel_row(ax, ps.size, width=4.4, height=4.2, sharey=True)
        fine = ds.rho_fine.values
        for panel, p in zip(axes, ps):
            panel.plot(fine, drawn(ds.m_large_M), "k:", lw=1.2, label=r"erf$(1/\sqrt{2\rho})$")
            for j, t in enumerate(ds.temperature.values):
                sub = ds.sel(p=p, temperature=t)
                color = f"C{j}"
                panel.plot(fine, drawn(sub.m_theory_curve), "-", color=color, lw=1.3)
                panel.errorbar(
                    ds.rho, sub.m, yerr=sub.m_stderr, fmt="o", ms=4, capsize=2, color=color,
                    label=f"MC, T = {t:g}",
                )  # fmt: skip
                lost = (sub.example_fraction > 0).values
                panel.plot(ds.rho[lost], sub.example_fraction[lost], "x", color=color, ms=6)
            panel.set(xlabel=r"dataset entropy $\rho$", title=f"p = {p}", ylim=(-0.02, 1.02))
        axes[0].plot([], [], "-", color="0.3", label=f"RS, M = {ds.attrs['n_examples']}")
        axes[0].plot([], [], "x", color="0.3", label="fraction of runs on one example")
        axes[0].set_ylabel("archetype overlap $m$")
        axes[0].legend(fontsize=8, loc="lower left")
        axes[0].figure.suptitle(
            f"Dense networks learning K = {ds.attrs['n_patterns']} archetypes from "
            f"M = {ds.attrs['n_examples']} examples each (unsupervised, N = "
            f"{ds.attrs['n_neurons']})",
            fontsize=10,
        )
        return axes[0]
