"""Operational capacity of resonator networks: factor accuracy against the codebook size.

Protocol (Kent, Frady, Sommer, Olshausen, Neural Computation 32, 2332 (2020)): ``F``
random bipolar codebooks of ``D_f`` codevectors in ``N`` dimensions; each trial binds one
random codevector of each factor into the composite and runs the resonator network
(:func:`hebbian.vsa.resonator.resonator_trials`) from the superposition of every
codevector, for at most ``k = 0.001 D_f^F`` iterations (raised to ``min_iterations``
where that is larger: at small codebooks the authors' cap allows a single iteration,
which measures the cap rather than the network); the last state is decoded
factor by factor. Measured, for each choice of weights (``op``: outer product,
``ols``: least squares) and update order (``sequential``: factors updated in place, the
authors' algorithm; ``synchronous``: every factor from the previous iteration): the
accuracy per factor (the fraction of factors decoded correctly, the authors' measure),
the fraction of trials with every factor right, and the iterations.

The factorizer is the resonator network by default; ``methods`` adds Kent et al.'s
optimisation baselines (``als``: alternating least squares, ``pgd``: projected gradient
descent, ``ista`` and ``fista``: iterative soft thresholding and its fast form, ``mw``:
multiplicative weights, ``msc``: map-seeking circuits; :mod:`hebbian.vsa.baselines`) or
the stochastic threshold factorizer of Langenegger et al. (:mod:`hebbian.vsa.stochastic`),
on the same problems' distribution.
``max_iterations`` replaces the authors' cap by a fixed one: their baselines ran to
convergence.

The operational capacity is the codebook size at which the accuracy per factor falls
through ``target`` (0.99), interpolated linearly between the measured sizes, and
:math:`M_{max} = D_f^F` the search space solved there. Published values (the authors'
table): ``N = 1000, F = 2``: 340; ``N = 1500, F = 3``: 79 with the outer product, 99.3
with least squares. The ``[expected]`` values test the accuracy at the published size.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.capacity import crossing_load

__all__ = ["ResonatorCapacity"]

_WEIGHTS = ("op", "ols")
_METHODS = ("resonator", "stochastic", "als", "pgd", "ista", "fista", "mw", "msc")
#: The factorizers other than the resonator, whose weights and order do not matter.
_OTHERS = _METHODS[1:]
#: Kent et al.'s optimisation baselines, with a published capacity each.
_BASELINES = ("als", "pgd", "ista", "fista", "mw", "msc")
_ORDERS = ("sequential", "synchronous")
_LINES = {"op": "-", "ols": "--"}


@register
class ResonatorCapacity(ExperimentKind):
    """Resonator accuracy against the codebook size (module docstring)."""

    name = "resonator_capacity"
    description = "resonator networks: accuracy per factor vs codebook size, op/ols weights"
    parameters = {
        "dimension": Param("int", "dimension N", minimum=16, maximum=100_000),
        "factors": Param("int", "factors F", minimum=2, maximum=8),
        "codebook_sizes": Param("ints", "codebook sizes D_f", minimum=2, maximum=100_000),
        "methods": Param(
            "names",
            "factorizers (hebbian.vsa.trials.METHODS)",
            choices=_METHODS,
            default=["resonator"],
        ),  # fmt: skip
        "weights": Param("names", "weights of the cleanup", choices=_WEIGHTS),
        "orders": Param("names", "update orders", choices=_ORDERS),
        "n_trials": Param(
            "int", "trials per point", minimum=1, maximum=10_000_000, default=300
        ),  # fmt: skip
        "batch_size": Param(
            "int", "trials sharing one codebook draw", minimum=1, maximum=100_000, default=500
        ),  # fmt: skip
        "target": Param(
            "float",
            "accuracy that defines the capacity",
            minimum=0.5,
            maximum=0.9999,
            default=0.99,
        ),  # fmt: skip
        "max_iterations": Param(
            "int",
            "fixed iteration cap (0: 0.001 D_f^F, the authors')",
            minimum=0,
            maximum=10_000_000,
            default=0,
        ),  # fmt: skip
        "min_iterations": Param(
            "int",
            "floor of the iteration cap (1: the authors' cap)",
            minimum=1,
            maximum=1_000_000,
            default=1,
        ),  # fmt: skip
        "published_op": Param(
            "int",
            "published capacity D_f (outer product), 0: none",
            minimum=0,
            maximum=100_000,
            default=0,
        ),  # fmt: skip
        "published_ols": Param(
            "int",
            "published capacity D_f (least squares), 0: none",
            minimum=0,
            maximum=100_000,
            default=0,
        ),  # fmt: skip
        **{
            f"published_{m}": Param(
                "float",
                f"published capacity D_f of {m.upper()}, 0: none",
                minimum=0,
                maximum=100_000,
                default=0,
            )
            for m in _BASELINES
        },
    }
    obtained_quantities = (
        "op_accuracy_at_published",
        "ols_accuracy_at_published",
        "op_capacity",
        "ols_capacity",
        "synchronous_accuracy_at_published",
        *(f"{m}_capacity" for m in _BASELINES),
        "stochastic_capacity",
    )
    max_points = 2000

    def check(self, params, *, where):
        sizes = params["codebook_sizes"]
        if list(sizes) != sorted(sizes):
            raise ConfigError(f"{where} codebook_sizes must be increasing, got {sizes}")
        for name in ("published_op", "published_ols"):
            if params[name] and params[name] not in sizes:
                raise ConfigError(
                    f"{where} {name} = {params[name]} must be one of the codebook_sizes {sizes}"
                )

    def points(self, params):
        return [
            {"factorizer": m, "weights": w, "order": o, "codebook_size": d}
            for m in params["methods"]
            for w in params["weights"]
            for o in params["orders"]
            for d in params["codebook_sizes"]
        ]

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        from hebbian.vsa.trials import default_max_iterations, resonator_trials

        seed = int(rng.integers(2**63 - 1))
        D, F = point["codebook_size"], params["factors"]
        cap = params["max_iterations"] or max(params["min_iterations"],
                                              default_max_iterations([D] * F))  # fmt: skip
        run = resonator_trials(params["dimension"], F, D, params["n_trials"],
                               method=point["factorizer"], weights=point["weights"],
                               order=point["order"],
                               max_iterations=cap, batch_size=params["batch_size"],
                               seed=seed)  # fmt: skip
        keys = ("accuracy", "accuracy_stderr", "accuracy_all", "iterations_median",
                "converged_fraction", "limit_cycle_fraction", "max_iterations")  # fmt: skip
        return {key: float(run[key]) for key in keys}

    def assemble(self, params, points, results):
        methods, weights, orders = params["methods"], params["weights"], params["orders"]
        sizes = params["codebook_sizes"]
        shape = (len(methods), len(weights), len(orders), len(sizes))
        names = {
            "accuracy": "accuracy per factor",
            "accuracy_stderr": "standard error over trials",
            "accuracy_all": "fraction of trials with every factor decoded",
            "iterations_median": "median iterations",
            "converged_fraction": "fraction of trials at a fixed point",
            "limit_cycle_fraction": "fraction of trials in a detected limit cycle",
            "max_iterations": "iteration cap: 0.001 D_f^F, at least min_iterations",
        }
        dims = ("factorizer", "weights", "order", "codebook_size")
        data = {
            key: (dims, np.array([r[key] for r in results]).reshape(shape), {"long_name": text})
            for key, text in names.items()
        }
        coords = {
            "factorizer": ("factorizer", list(methods)),
            "weights": ("weights", list(weights)),
            "order": ("order", list(orders)),
            "codebook_size": ("codebook_size", sizes, {"long_name": "codebook size $D_f$"}),
        }
        return xr.Dataset(data, coords=coords)

    def obtained(self, ds):
        params = json.loads(ds.attrs["parameters"])
        nan = float("nan")
        out = dict.fromkeys(self.obtained_quantities, nan)
        sizes = ds.codebook_size.values.astype(float)
        orders, methods = list(ds.order.values), list(ds.factorizer.values)
        if "sequential" not in orders:
            return out
        sequential = ds.accuracy.sel(order="sequential")
        if "resonator" in methods:
            for w in ds.weights.values:
                curve = sequential.sel(factorizer="resonator", weights=w)
                out[f"{w}_capacity"] = crossing_load(sizes, curve.values, params["target"])
                if params[f"published_{w}"]:
                    out[f"{w}_accuracy_at_published"] = float(
                        curve.sel(codebook_size=params[f"published_{w}"])
                    )
            if "synchronous" in orders and "op" in ds.weights.values and params["published_op"]:
                out["synchronous_accuracy_at_published"] = float(
                    ds.accuracy.sel(factorizer="resonator", weights="op", order="synchronous",
                                    codebook_size=params["published_op"])
                )  # fmt: skip
        for m in _OTHERS:
            if m in methods:  # weights do not matter to these: the first is read
                curve = sequential.sel(factorizer=m).isel(weights=0)
                out[f"{m}_capacity"] = crossing_load(sizes, curve.values, params["target"])
        return out

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        params = json.loads(ds.attrs["parameters"])
        N, F, target = params["dimension"], params["factors"], params["target"]
        if ax is None:
            _, ax = plt.subplots(figsize=(7.0, 4.4), layout="constrained")
        sizes = ds.codebook_size.values
        curves = [(m, w, o) for m in ds.factorizer.values for w in ds.weights.values
                  for o in ds.order.values]  # fmt: skip
        for k, (m, w, o) in enumerate(curves):
            sub = ds.sel(factorizer=m, weights=w, order=o)
            name = f"{w}, {o}" if m == "resonator" else str(m)
            ax.errorbar(sizes, sub.accuracy, yerr=sub.accuracy_stderr, color=f"C{k}",
                        ls=_LINES.get(str(w), "-"), marker="o", ms=4, capsize=2,
                        label=f"{name}: per factor")  # fmt: skip
            ax.plot(sizes, sub.accuracy_all, color=f"C{k}", ls=":", marker=".", ms=3,
                    label=f"{name}: all factors")  # fmt: skip
        published = [name for name in ("op", "ols", *_BASELINES)
                     if params.get(f"published_{name}")]  # fmt: skip
        for k, name in enumerate(published):
            x = params[f"published_{name}"]
            ax.axvline(x, color="k", ls=_LINES.get(name, "-."), lw=0.8)
            # labels at staggered heights (axes fraction): published values may coincide
            ax.text(x, 0.03 + 0.155 * (k % 6), f" published {name}", fontsize=7.5,
                    rotation=90, va="bottom", transform=ax.get_xaxis_transform())  # fmt: skip
        ax.axhline(target, color="k", ls=":", lw=0.8)
        ax.set_xlabel(r"codebook size $D_f$ (search space $D_f^F$)")
        ax.set_ylabel("accuracy")
        lowest = float(min(ds.accuracy.min(), ds.accuracy_all.min()))
        # curves that stay high (the baselines near their capacity) get a zoomed axis
        ax.set_ylim(-0.02 if lowest < 0.8 else lowest - 0.02, 1.005 if lowest >= 0.8 else 1.02)
        floor = params["min_iterations"]
        cap = "0.001 D_f^F" + (f" (at least {floor})" if floor > 1 else "")
        if params["max_iterations"]:
            cap = str(params["max_iterations"])
        names = ", ".join(str(m) for m in ds.factorizer.values)
        ax.set_title(f"{names}: N = {N}, F = {F}, at most {cap} iterations, "
                     f"{params['n_trials']} trials per point", fontsize=9)  # fmt: skip
        ax.legend(fontsize=7.5)
        return ax
