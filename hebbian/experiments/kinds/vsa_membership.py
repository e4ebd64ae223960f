"""Set-membership capacity of hypervector bundles: the minimal dimension against set size.

Protocol (Clarkson, Ubaru, Yang, "Capacity Analysis of Vector Symbolic Architectures",
arXiv:2301.10352): a set ``S`` of ``n`` random atoms out of a universe of ``U`` is stored
as its bundle ``s`` (MAP-I: the integer sum; MAP-B: its sign), and every atom ``a`` of
the universe is declared a member when :math:`\\langle s, a\\rangle` exceeds half the
member mean (:func:`hebbian.vsa.capacity.membership_threshold`). For each model, ``U``
and ``n``, :func:`hebbian.vsa.capacity.membership_min_dimension` finds by doubling and
bisection the smallest ``D`` at which the measured rate of trials with any of the ``U``
answers wrong is at most :math:`\\delta` (``n_trials`` fresh trials per tested ``D``).

Theory. Their theorems give :math:`D = O(n\\ln(U/\\delta))` for MAP-I and MAP-B, so the
ratio :math:`D_{min} / (n\\ln(U/\\delta))` should stay roughly constant over ``n`` and
``U``; the proof of their MAP-B theorem gives the sufficient
:math:`D = 56\\, n\\ln(2U/\\delta)` (:func:`hebbian.theory.vsa.membership_dimension`,
``bound="clarkson"``), and Hoeffding's inequality the sufficient
:math:`8 n\\ln(U/\\delta)` for MAP-I (``bound="hoeffding"``). The Gaussian estimate
:func:`hebbian.theory.vsa.membership_dimension_gaussian` treats the ``U`` scores as
independent Gaussians with their exact moments.
"""

from __future__ import annotations

import json
import math

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.plotting import drawn_log

__all__ = ["VSAMembership"]

_MODELS = ("map-i", "map-b")
_STYLE = {"map-i": "C0", "map-b": "C1"}
_MARKERS = ("o", "s", "^", "D", "v")
_LONG_NAMES = {
    "d_min": "minimal D with measured failure rate <= delta",
    "d_failing": "largest tested D below d_min that failed",
    "evaluations": "dimensions tested by the search",
    "ratio": "d_min / (n ln(U/delta))",
    "d_gaussian": "Gaussian estimate of the minimal D",
    "ratio_gaussian": "Gaussian estimate / (n ln(U/delta))",
    "d_bound": "sufficient D: 8 n ln(U/delta) (MAP-I, Hoeffding), 56 n ln(2U/delta) (MAP-B)",
    "d_clarkson": "56 n ln(2U/delta), the MAP-B bound of Clarkson, Ubaru, Yang",
    "ratio_clarkson": "56 n ln(2U/delta) / (n ln(U/delta))",
    "over_bound": "d_min / sufficient D",
}


def _scale(n, universe, delta):
    """:math:`n\\ln(U/\\delta)`, the scale of the theorems of Clarkson, Ubaru, Yang."""
    return np.asarray(n, dtype=float) * np.log(np.asarray(universe, dtype=float) / delta)


@register
class VSAMembership(ExperimentKind):
    """Minimal dimension for error-free membership tests against the set size."""

    name = "vsa_membership"
    description = "hypervector bundles: minimal D for set membership vs n and U, with bounds"
    parameters = {
        "models": Param("names", "hypervector models", choices=_MODELS),
        "n_items": Param("ints", "set sizes n", minimum=1, maximum=100_000),
        "universes": Param("ints", "universe sizes U", minimum=2, maximum=10_000_000),
        "delta": Param("float", "failure probability delta", minimum=1e-4, maximum=0.5),
        "n_trials": Param("int", "trials per tested D", minimum=2, maximum=1_000_000),
        "rtol": Param(
            "float",
            "relative resolution of the bisection",
            minimum=1e-4,
            maximum=0.5,
            default=1.0 / 64.0,
        ),  # fmt: skip
    }
    obtained_quantities = (
        "ratio_spread",
        "max_over_bound",
        "gaussian_max_rel_deviation",
        "map_i_ratio_mean",
        "map_b_ratio_mean",
        "map_b_clarkson_over_measured_min",
    )

    def check(self, params, *, where):
        from hebbian.experiments.errors import ConfigError

        if params["n_trials"] * params["delta"] < 1.0:
            raise ConfigError(
                f"{where} n_trials * delta must be >= 1 to resolve delta, got "
                f"{params['n_trials']} * {params['delta']:g}"
            )
        if min(params["n_items"]) > max(params["universes"]):
            raise ConfigError(f"{where} every n_items exceeds every universe")

    def points(self, params):
        return [
            {"model": m, "universe": U, "n_items": n}
            for m in params["models"]
            for U in params["universes"]
            for n in params["n_items"]
            if n <= U
        ]

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        from hebbian.vsa.capacity import membership_min_dimension

        found = membership_min_dimension(
            point["model"], point["n_items"], point["universe"], params["delta"],
            trials=params["n_trials"], seed=rng, rtol=params["rtol"],
        )  # fmt: skip
        return {
            "dimension": int(found.dimension),
            "failing": int(found.failing),
            "evaluations": len(found.evaluations),
        }

    def assemble(self, params, points, results):
        from hebbian.theory.vsa import membership_dimension, membership_dimension_gaussian

        models, Us, ns = params["models"], params["universes"], params["n_items"]
        delta = params["delta"]
        shape = (len(models), len(Us), len(ns))
        found = {(p["model"], p["universe"], p["n_items"]): r for p, r in zip(points, results)}
        d_min, failing, evals = (np.full(shape, np.nan) for _ in range(3))
        bound, gauss = np.full(shape, np.nan), np.full(shape, np.nan)
        for i, m in enumerate(models):
            for j, U in enumerate(Us):
                for k, n in enumerate(ns):
                    if (m, U, n) not in found:
                        continue
                    r = found[(m, U, n)]
                    d_min[i, j, k], failing[i, j, k] = r["dimension"], r["failing"]
                    evals[i, j, k] = r["evaluations"]
                    bound[i, j, k] = membership_dimension(m, n, U, delta)
                    gauss[i, j, k] = membership_dimension_gaussian(m, n, U, delta)
        n_grid, u_grid = np.meshgrid(np.array(ns, float), np.array(Us, float))
        scale = _scale(n_grid, u_grid, delta)[None] * np.ones(shape)
        valid = np.isfinite(d_min)
        clarkson = np.where(valid, 56.0 * n_grid * np.log(2.0 * u_grid / delta), np.nan)
        dims = ("model", "universe", "n_items")
        coords = {
            "model": ("model", list(models)),
            "universe": ("universe", np.array(Us), {"long_name": "universe size U"}),
            "n_items": ("n_items", np.array(ns), {"long_name": "set size n"}),
        }
        values = {
            "d_min": d_min,
            "d_failing": failing,
            "evaluations": evals,
            "ratio": d_min / scale,
            "d_gaussian": gauss,
            "ratio_gaussian": gauss / scale,
            "d_bound": bound,
            "d_clarkson": np.broadcast_to(clarkson, shape).copy(),
            "ratio_clarkson": np.broadcast_to(clarkson, shape) / scale,
            "over_bound": d_min / bound,
        }
        return xr.Dataset(
            {key: (dims, v, {"long_name": _LONG_NAMES[key]}) for key, v in values.items()},
            coords=coords,
        )

    def obtained(self, ds):
        ratio = ds.ratio.values
        spread = np.nanmax(ratio, axis=-1) / np.nanmin(ratio, axis=-1)
        nan = float("nan")
        models = [str(m) for m in ds.model.values]

        def mean_ratio(m):
            return float(np.nanmean(ds.ratio.sel(model=m).values)) if m in models else nan

        rel = np.abs(ds.d_min.values / ds.d_gaussian.values - 1.0)
        clarkson = (
            float(np.nanmin((ds.d_clarkson / ds.d_min).sel(model="map-b").values))
            if "map-b" in models
            else nan
        )
        return {
            "ratio_spread": float(np.nanmax(spread)),
            "max_over_bound": float(np.nanmax(ds.over_bound.values)),
            "gaussian_max_rel_deviation": float(np.nanmax(rel)),
            "map_i_ratio_mean": mean_ratio("map-i"),
            "map_b_ratio_mean": mean_ratio("map-b"),
            "map_b_clarkson_over_measured_min": clarkson,
        }

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FormatStrFormatter, NullFormatter

        from hebbian.theory.vsa import membership_dimension_gaussian

        params = json.loads(ds.attrs["parameters"])
        delta = params["delta"]
        if ax is None:
            _, ax = plt.subplots(figsize=(7.2, 4.6), layout="constrained")
        ns = ds.n_items.values
        for j, U in enumerate(ds.universe.values):
            marker = _MARKERS[j % len(_MARKERS)]
            grid = np.unique(np.round(np.geomspace(ns.min(), min(ns.max(), U), 40)).astype(int))
            for model in ds.model.values:
                color = _STYLE[str(model)]
                sub = ds.ratio.sel(model=model, universe=U)
                ax.plot(ns, sub, marker, color=color, mfc="none", ms=5,
                        label=f"{model}, U = {U}")  # fmt: skip
                # MAP-B: even n only (an even n shares its member mean with n + 1: a zigzag)
                line = grid if model == "map-i" else np.unique(2 * np.maximum(grid // 2, 1))
                theory = membership_dimension_gaussian(str(model), line, int(U), delta)
                ax.plot(line, drawn_log(theory / _scale(line, U, delta)), color=color, lw=1,
                        ls="-" if j == 0 else "--")  # fmt: skip
            bound = 56.0 * math.log(2.0 * U / delta) / math.log(U / delta)
            ax.axhline(bound, color="k", lw=1, ls=":" if j == 0 else "-.",
                       label=f"56 ln(2U/δ)/ln(U/δ), U = {U}")  # fmt: skip
        if "map-i" in ds.model.values:
            ax.axhline(8.0, color="C0", ls=":", lw=1, label="8: Hoeffding bound, MAP-I")
        ax.plot([], [], "k-", lw=1, label="Gaussian estimate")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(ns, [str(n) for n in ns])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(FormatStrFormatter("%g"))
        ax.set_xlabel("set size n")
        ax.set_ylabel("minimal D / (n ln(U/δ))")
        ax.set_title(f"Set membership in a bundle, δ = {delta:g}, "
                     f"{params['n_trials']} trials per tested D", fontsize=10)  # fmt: skip
        ax.legend(fontsize=7, ncol=2)
        return ax
