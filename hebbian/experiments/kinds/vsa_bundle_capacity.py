"""Capacity of hypervector bundles: readout accuracy against the number of bound pairs.

Protocol (Frady, Kleyko, Sommer, Neural Computation 30, 1449 (2018)): for each model and
number of items ``K``, ``n_trials`` traces, each the bundle of ``K`` bindings of random
keys to values drawn from a codebook of ``M`` random atoms; every value is read back by
unbinding its key and a winner-take-all cleanup over the ``M`` atoms
(:func:`hebbian.vsa.bundle_retrieval_accuracy`). Measured: the fraction of correct
readouts, with its binomial standard error.

Theory (:func:`hebbian.theory.vsa.bundle_accuracy`): the hit and the ``M - 1`` rejects
taken as independent Gaussians, :math:`p_{corr} = \\int dh\\,\\varphi(h)\\,
\\Phi(h + d')^{M-1}`, with :math:`d' = \\sqrt{D/K}` (MAP-I), :math:`\\sqrt{D/(K+1)}`
(HRR, Plate's extra noise), :math:`\\sqrt{2D/K}` (FHRR) and Kanerva's binarised bundle
(MAP-B, BSC; about :math:`\\sqrt{2D/(\\pi K)}`), derived in ``docs/theory/vsa.md``; the
curves use each model's exact hit and reject variances (``form="moments"``), which the
published tables simplify to equal ones. For HRR, whose hit and rejects are the least
Gaussian (products of Gaussian components), the formula is a cruder approximation: its
deviation is reported apart. The capacity is the largest ``K`` read out with accuracy
0.99 (measured: where the simulated accuracy crosses it, by linear interpolation on the
grid).
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.capacity import crossing_load
from hebbian.experiments.plotting import drawn
from hebbian.theory.vsa import VSA_MODELS

__all__ = ["VSABundleCapacity"]

_STYLE = {"map-i": ("C0", "o"), "map-b": ("C1", "s"), "bsc": ("C2", "^"),
          "hrr": ("C3", "D"), "fhrr": ("C4", "v")}  # fmt: skip


@register
class VSABundleCapacity(ExperimentKind):
    """Bundle readout accuracy against K per hypervector model (module docstring)."""

    name = "vsa_bundle_capacity"
    description = "hypervector models: readout accuracy of a bundle vs its size, with theory"
    parameters = {
        "models": Param("names", "hypervector models", choices=VSA_MODELS),
        "dimension": Param("int", "dimension D", minimum=16, maximum=100_000),
        "codebook_size": Param(
            "int", "atoms of the cleanup memory M", minimum=2, maximum=100_000
        ),  # fmt: skip
        "n_items": Param("ints", "bound pairs K in a bundle", minimum=1, maximum=100_000),
        "n_trials": Param(
            "int", "traces per (model, K)", minimum=1, maximum=1_000_000, default=100
        ),  # fmt: skip
        "accuracy": Param(
            "float",
            "accuracy that defines the capacity",
            minimum=0.5,
            maximum=0.9999,
            default=0.99,
        ),  # fmt: skip
    }
    obtained_quantities = (
        "max_abs_deviation",
        "hrr_max_abs_deviation",
        "map_i_capacity",
        "map_i_capacity_theory",
        "fhrr_over_map_i_capacity",
    )

    def check(self, params, *, where):
        if list(params["n_items"]) != sorted(params["n_items"]):
            raise ConfigError(f"{where} n_items must be increasing, got {params['n_items']}")

    def points(self, params):
        return [{"model": m, "n_items": K} for m in params["models"] for K in params["n_items"]]

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        from hebbian.vsa import bundle_retrieval_accuracy, hypervector_model

        model = hypervector_model(point["model"], params["dimension"])
        rate = bundle_retrieval_accuracy(model, point["n_items"], params["codebook_size"],
                                         trials=params["n_trials"], seed=rng)  # fmt: skip
        return {"correct": int(rate.successes), "count": int(rate.count)}

    def assemble(self, params, points, results):
        from hebbian.theory.vsa import bundle_accuracy

        models, Ks = params["models"], np.array(params["n_items"])
        D, M = params["dimension"], params["codebook_size"]
        shape = (len(models), len(Ks))
        correct = np.array([r["correct"] for r in results]).reshape(shape)
        count = np.array([r["count"] for r in results]).reshape(shape)
        rate = correct / count
        theory = np.array([bundle_accuracy(m, D, Ks, M, form="moments") for m in models]).reshape(
            shape
        )
        coords = {
            "model": ("model", list(models)),
            "n_items": ("n_items", Ks, {"long_name": "bound pairs K"}),
        }
        return xr.Dataset(
            {
                "accuracy": (("model", "n_items"), rate,
                             {"long_name": "fraction of correct readouts"}),
                "accuracy_stderr": (("model", "n_items"), np.sqrt(rate * (1 - rate) / count),
                                    {"long_name": "binomial standard error"}),
                "readouts": (("model", "n_items"), count, {"long_name": "readouts"}),
                "accuracy_theory": (("model", "n_items"), theory,
                                    {"long_name": "WTA formula with the exact moments"}),
            },
            coords=coords,
        )  # fmt: skip

    def obtained(self, ds):
        from hebbian.theory.vsa import bundle_capacity

        params = json.loads(ds.attrs["parameters"])
        target = params["accuracy"]
        Ks = ds.n_items.values.astype(float)
        deviation = np.abs(ds.accuracy - ds.accuracy_theory).max(dim="n_items")
        nan = float("nan")
        exact = [m for m in ds.model.values if m != "hrr"]
        out = {
            "max_abs_deviation": float(deviation.sel(model=exact).max()) if exact else nan,
            "hrr_max_abs_deviation": (
                float(deviation.sel(model="hrr")) if "hrr" in ds.model.values else nan
            ),
        }
        capacity = {m: crossing_load(Ks, ds.accuracy.sel(model=m).values, target)
                    for m in ds.model.values}  # fmt: skip
        out["map_i_capacity"] = capacity.get("map-i", nan)
        out["map_i_capacity_theory"] = float(
            bundle_capacity("map-i", params["dimension"], params["codebook_size"], target)
        )
        out["fhrr_over_map_i_capacity"] = (
            capacity["fhrr"] / capacity["map-i"] if {"fhrr", "map-i"} <= set(capacity) else nan
        )
        return out

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        from hebbian.theory.vsa import bundle_accuracy, bundle_capacity

        params = json.loads(ds.attrs["parameters"])
        D, M, target = params["dimension"], params["codebook_size"], params["accuracy"]
        if ax is None:
            _, ax = plt.subplots(figsize=(7.2, 4.6), layout="constrained")
        Ks = ds.n_items.values
        grid = np.unique(np.round(np.geomspace(Ks.min(), Ks.max(), 200)).astype(int))
        for model in ds.model.values:
            color, marker = _STYLE[str(model)]
            sub = ds.sel(model=model)
            k_max = int(bundle_capacity(str(model), D, M, target))
            curve = bundle_accuracy(str(model), D, grid, M, form="moments")
            ax.plot(grid, drawn(curve), color=color, lw=1)
            ax.errorbar(Ks, sub.accuracy, yerr=sub.accuracy_stderr, fmt=marker, ms=4,
                        capsize=2, color=color, mfc="none",
                        label=f"{model} (theory K_max = {k_max})")  # fmt: skip
        ax.axhline(target, color="k", ls=":", lw=1)
        ax.plot([], [], "k-", lw=1, label="theory (Frady et al. 2018)")
        ax.set_xscale("log")
        ax.set_xlabel("bound pairs K in the bundle")
        ax.set_ylabel("fraction of values read back")
        ax.set_title(f"Bundle capacity, D = {D}, codebook M = {M}, "
                     f"{params['n_trials']} traces per point", fontsize=10)  # fmt: skip
        ax.set_ylim(-0.02, 1.02)
        ax.legend(fontsize=8)
        return ax
