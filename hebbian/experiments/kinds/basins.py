"""Basins of attraction of the learning rules: final overlap over (patterns, flipped bits).

Protocol of Tolmachev and Manton (arXiv 2010.01472 (2020), their ``flips_and_patterns``
simulation), with the measure named: for each rule, choice of diagonal (kept as a
self-coupling or removed), number of patterns ``K`` and repetition,

1. draw ``K`` random unbiased patterns of ``N`` neurons and the couplings learning
   starts from, :math:`J^{(0)} = s R/N` with :math:`R = (A + A^T)/2`, ``A`` standard
   Gaussian, zero diagonal (``s = start_scale``; 1 in the protocol). The rules of
   :data:`hebbian.learning.START_RULES` learn from it; the pseudo-inverse (a closed
   form) and MinOver (whose optimum is certified from zero) start from zero;
2. learn the patterns (:func:`hebbian.learning.learn`);
3. for each number of flipped bits ``f``, cue a randomly chosen pattern with ``f``
   distinct random bits flipped, run ``n_steps`` synchronous zero-temperature steps
   (Little dynamics, :math:`\\sigma \\leftarrow \\operatorname{sign}(J\\sigma)`, a zero
   field keeps its spin; :func:`hebbian.montecarlo.engine.simulate`), and record the
   overlap of the final state with the cued pattern.

The measure is the basin one: the mean final overlap over the repetitions, drawn as a
contour map in the (``K``, ``f``) plane, with the contour of the overlap ``threshold``
(0.95) marked.

Theory (exact one-step argument, :func:`hebbian.theory.gardner.projection_one_flip_overlap`):
with its diagonal kept, the pseudo-inverse leaves a single flipped bit ``i`` in place
when :math:`J_{ii} > 1/2`, so its one-flip basin vanishes at :math:`\\alpha = 1/2`; with
the diagonal removed the bit is always corrected, and the basins stay finite up to
:math:`\\alpha \\to 1` (Kanter and Sompolinsky, Phys. Rev. A 35, 380 (1987)). The rules'
fixed-point capacities are marked on the maps for reference (Hebb ``N/(2 ln N)``,
McEliece et al. 1987; Storkey ``N/sqrt(2 ln N)``, Storkey 1997).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.capacity import crossing_load
from hebbian.experiments.plotting import drawn
from hebbian.learning import ITERATIVE_RULES, KAPPA_RULES, RULES, START_RULES, learn
from hebbian.patterns import random_patterns

__all__ = ["Basins", "symmetric_start"]

_DIAGONAL = {0: "removed", 1: "kept"}

#: Redraws of a pattern set that is linearly dependent, for the pseudo-inverse.
_REDRAWS = 100


def symmetric_start(n_neurons: int, scale: float, rng: np.random.Generator) -> np.ndarray:
    """Draw the start of Tolmachev and Manton: ``scale R/N``, ``R = (A + A^T)/2``, zero diagonal.

    ``A`` has independent standard Gaussian entries, so the off-diagonal entries of ``R``
    have variance 1/2 and the start adds a field of variance about ``scale^2/(2N)``.
    """
    A = rng.standard_normal((n_neurons, n_neurons))
    R = (A + A.T) / 2.0
    np.fill_diagonal(R, 0.0)
    return scale * R / n_neurons


def _learn(params, rule, keep, K, rng):
    """Patterns and the model that learnt them (independent patterns for the projector)."""
    N = params["n_neurons"]
    options = {"self_coupling": keep}
    if rule in ITERATIVE_RULES:
        options["max_sweeps"] = params["max_sweeps"]
    if rule in KAPPA_RULES:
        options["kappa"] = params["kappa"]
    if rule in START_RULES and params["start_scale"] > 0:
        options["start"] = symmetric_start(N, params["start_scale"], rng)
    for _ in range(_REDRAWS):
        patterns = random_patterns(K, N, seed=rng)
        try:
            return patterns, learn(rule, patterns, **options)
        except ValueError as error:  # dependent patterns: the projector is not defined
            if rule != "pseudo-inverse" or "linearly independent" not in str(error):
                raise
    raise RuntimeError(f"{_REDRAWS} draws of {K} patterns of {N} neurons were all dependent")


@register
class Basins(ExperimentKind):
    """Mean final overlap over patterns and flipped bits, per rule (module docstring)."""

    name = "basins"
    description = "learning rules: mean final overlap from cues vs patterns and flipped bits"
    parameters = {
        "n_neurons": Param("int", "network size N", minimum=4, maximum=1000),
        "rules": Param("names", "learning rules", choices=tuple(RULES)),
        "memories": Param("ints", "numbers of patterns K", minimum=1, maximum=4000),
        "flips": Param("ints", "numbers of flipped bits of a cue", minimum=0, maximum=1000),
        "n_samples": Param("int", "repetitions per (rule, diagonal, K)", minimum=1, default=10),
        "n_steps": Param("int", "synchronous steps", minimum=1, maximum=10_000, default=50),
        "start_scale": Param(
            "float",
            "scale s of the start s R/N (0: from zero)",
            minimum=0.0,
            maximum=100.0,
            default=1.0,
        ),  # fmt: skip
        "kappa": Param(
            "float", "margin of the gardner rule", minimum=0.0, maximum=10.0, default=0.0
        ),  # fmt: skip
        "max_sweeps": Param(
            "int", "sweeps of the iterative rules", minimum=1, maximum=100_000, default=100
        ),  # fmt: skip
        "threshold": Param(
            "float", "overlap contour marked as retrieval", minimum=0.0, maximum=1.0, default=0.95
        ),  # fmt: skip
    }
    obtained_quantities = (
        "pseudo_inverse_kept_one_flip_collapse_load",
        "pseudo_inverse_kept_one_flip_collapse_load_theory",
        "pseudo_inverse_removed_one_flip_overlap_to_half_load",
        "hebb_removed_one_flip_retrieval_load",
    )

    def check(self, params, *, where):
        N = params["n_neurons"]
        for name in ("memories", "flips"):
            if list(params[name]) != sorted(params[name]):
                raise ConfigError(f"{where} {name} must be increasing, got {params[name]}")
        if max(params["flips"]) > N // 2:
            raise ConfigError(
                f"{where} flips must be at most N/2 = {N // 2} (more flips cue the reversed "
                f"pattern), got {max(params['flips'])}"
            )
        if "pseudo-inverse" in params["rules"] and max(params["memories"]) > N:
            raise ConfigError(
                f"{where} the pseudo-inverse stores at most K = N = {N} independent "
                f"patterns, got memories up to {max(params['memories'])}"
            )

    def points(self, params):
        return [
            {"rule": rule, "diagonal": d, "memories": K}
            for rule in params["rules"]
            for d in (0, 1)
            for K in params["memories"]
        ]

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        from hebbian.montecarlo.engine import simulate

        N, flips = params["n_neurons"], params["flips"]
        K = point["memories"]
        overlaps = np.empty((params["n_samples"], len(flips)))
        for s in range(params["n_samples"]):
            patterns, model = _learn(params, point["rule"], bool(point["diagonal"]), K, rng)
            cued = rng.integers(K, size=len(flips))
            cues = patterns[cued].copy()
            for row, f in enumerate(flips):
                cues[row, rng.choice(N, size=f, replace=False)] *= -1
            ds = simulate(model, temperature=0.0, dynamics="synchronous", initial=cues,
                          n_chains=len(flips), n_sweeps=params["n_steps"],
                          measure_every=params["n_steps"], seed=rng, device="cpu")  # fmt: skip
            final = ds.spins.values.astype(np.int64)
            overlaps[s] = np.einsum("cn,cn->c", final, patterns[cued].astype(np.int64)) / N
        return {"overlaps": overlaps}

    def assemble(self, params, points, results):
        from hebbian.theory.gardner import projection_one_flip_overlap

        rules, Ks, flips, n_s = (params["rules"], params["memories"], params["flips"],
                                 params["n_samples"])  # fmt: skip
        N = params["n_neurons"]
        values = np.array([r["overlaps"] for r in results]).reshape(
            len(rules), 2, len(Ks), n_s, len(flips)
        )
        err = (values.std(axis=3, ddof=1) / np.sqrt(n_s) if n_s > 1
               else np.full(values.shape[:3] + (len(flips),), np.nan))  # fmt: skip
        dims = ("rule", "diagonal", "memories", "flips")
        independent = np.array(Ks) <= N
        theory = np.full(len(Ks), np.nan)
        theory[independent] = projection_one_flip_overlap(N, np.array(Ks)[independent])
        data = {
            "overlap": (dims, values.mean(axis=3), {"long_name": "mean final overlap"}),
            "overlap_stderr": (dims, err, {"long_name": "standard error"}),
            "projection_one_flip_theory": (
                ("memories",),
                theory,
                {"long_name": "pseudo-inverse with its diagonal, one flip: theory"},
            ),
        }
        coords = {
            "rule": ("rule", list(rules)),
            "diagonal": ("diagonal", [_DIAGONAL[0], _DIAGONAL[1]]),
            "memories": ("memories", Ks, {"long_name": "patterns K"}),
            "flips": ("flips", flips, {"long_name": "flipped bits of the cue"}),
            "alpha": ("memories", np.array(Ks) / N, {"long_name": r"load $\alpha = K/N$"}),
        }
        return xr.Dataset(data, coords=coords)

    def obtained(self, ds):
        import json

        params = json.loads(ds.attrs["parameters"])
        N = params["n_neurons"]
        nan = float("nan")
        out = dict.fromkeys(self.obtained_quantities, nan)
        if 1 not in ds.flips.values:
            return out
        alphas = ds.alpha.values
        one = ds.overlap.sel(flips=1)
        if "pseudo-inverse" in ds.rule.values:
            kept = one.sel(rule="pseudo-inverse", diagonal="kept").values
            # halfway between 1 (corrected) and 1 - 2/N (stuck), read as a load
            middle = 1.0 - 1.0 / N
            out["pseudo_inverse_kept_one_flip_collapse_load"] = crossing_load(alphas, kept, middle)
            out["pseudo_inverse_kept_one_flip_collapse_load_theory"] = crossing_load(
                alphas, ds.projection_one_flip_theory.values, middle
            )
            removed = one.sel(rule="pseudo-inverse", diagonal="removed")
            half = removed.where(ds.alpha <= 0.5, drop=True)
            if half.size:
                out["pseudo_inverse_removed_one_flip_overlap_to_half_load"] = float(half.min())
        if "hebb" in ds.rule.values:
            hebb = one.sel(rule="hebb", diagonal="removed").values
            out["hebb_removed_one_flip_retrieval_load"] = crossing_load(
                alphas, hebb, params["threshold"]
            )
        return out

    def plot(self, ds, ax=None):
        import json

        import matplotlib.pyplot as plt

        from hebbian.theory.gardner import mceliece_capacity, storkey_capacity

        params = json.loads(ds.attrs["parameters"])
        N, threshold = params["n_neurons"], params["threshold"]
        rules = [str(r) for r in ds.rule.values]
        if ax is not None:
            axes = np.array([[ax]])
        else:
            _, axes = plt.subplots(
                2, len(rules), figsize=(2.6 * len(rules) + 1.0, 5.4), layout="constrained",
                sharex=True, sharey=True, squeeze=False,
            )  # fmt: skip
        marks = {
            "hebb": (float(mceliece_capacity(N)), r"$N/(2\ln N)$"),
            "storkey": (float(storkey_capacity(N)), r"$N/\sqrt{2\ln N}$"),
        }
        levels = np.linspace(0.0, 1.0, 11)
        Ks, flips = ds.memories.values, ds.flips.values
        filled = None
        for row, diagonal in enumerate(("removed", "kept")):
            for col, rule in enumerate(rules):
                if row >= axes.shape[0] or col >= axes.shape[1]:
                    continue
                panel = axes[row, col]
                z = ds.overlap.sel(rule=rule, diagonal=diagonal).values.T
                if len(Ks) > 1 and len(flips) > 1:
                    filled = panel.contourf(Ks, flips, drawn(z), levels=levels, extend="min",
                                            cmap="viridis", vmin=0.0, vmax=1.0)  # fmt: skip
                    panel.contour(Ks, flips, drawn(z), levels=[threshold], colors="w",
                                  linewidths=1.2)  # fmt: skip
                if rule in marks:
                    x, text = marks[rule]
                    panel.axvline(drawn(x), color="w", ls=":", lw=1)
                if rule == "pseudo-inverse" and diagonal == "kept":
                    panel.axvline(N / 2, color="r", ls="--", lw=1)
                title = f"{rule}\ndiagonal {diagonal}"
                panel.set_title(title, fontsize=8.5)
                if row == axes.shape[0] - 1:
                    panel.set_xlabel("patterns K")
                if col == 0:
                    panel.set_ylabel("flipped bits")
        if filled is not None and ax is None:
            bar = plt.colorbar(filled, ax=axes, shrink=0.8)
            bar.set_label(f"mean final overlap ({params['n_steps']} synchronous steps)")
        figure = axes[0, 0].figure
        if ax is None:
            figure.suptitle(
                f"Basins, N = {N}, {params['n_samples']} repetitions: white contour = "
                f"overlap {threshold:g}; dotted: fixed-point capacity; red dashed: "
                f"pseudo-inverse one-flip collapse K = N/2",
                fontsize=9,
            )
        return axes[0, 0]
