r"""Schlag et al.'s synthetic retrieval task with fixed random keys: the knee at d_dot.

Protocol (:mod:`hebbian.attention.fast_weight_task`; Schlag, Irie, Schmidhuber, "Linear
Transformers Are Secretly Fast Weight Programmers", ICML 2021, arXiv:2102.11174,
Section 6.1): ``S`` distinct Gaussian keys of dimension ``dim_key`` with ``S`` one-hot
values, written into a fast-weight memory through a feature map (unit-normalised),
every key queried, loss :math:`\tfrac12\|y - e_v\|^2` averaged.

* **setting 1** (each key once), for each feature map and load ``S/d_dot``: the sum rule
  with these fixed random keys and the least-squares memory (the converged delta rule,
  the best any fast-weight matrix does on those features). The knee is where the
  least-squares loss crosses ``level``; the theory is :math:`\tfrac12\max(0,
  1 - d_{dot}/S)` (exact, the projector on the feature span), which crosses ``level``
  at :math:`S = d_{dot}/(1-2\,\mathrm{level})`. The sum rule's loss with the identity
  map is :math:`\tfrac12(S-1)/d_{key}`
  (:func:`hebbian.theory.attention.hebbian_relative_error` halved).
* **setting 2** (each key written twice, the second value must be recalled), on one
  feature map, for ``overwrite_keys``: the sum rule keeps old and new values with equal
  weight (winner-take-all accuracy 1/2 by symmetry), the delta rule (one pass,
  learning rate 1) replaces them: its accuracy is that of the same keys written once
  (the same draw, ``once_*``), limited only by the crosstalk of random features.

The published losses come from trained models (learned key embeddings and output
layer); with fixed random keys only the knee and the shape compare, not the numbers.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian.attention.layers import FEATURE_MAPS
from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.multitasking_threshold import crossing_dilution
from hebbian.experiments.plotting import drawn, panel_row
from hebbian.theory.attention import fast_weight_least_squares_loss

__all__ = ["FastWeightTask"]

_SETTING1_RULES = ("sum", "lsq")
_SETTING2_RULES = ("sum", "delta")


@register
class FastWeightTask(ExperimentKind):
    """Loss against the number of keys per feature map, and the overwrite task."""

    name = "fast_weight_task"
    description = "fast weights on Schlag et al.'s retrieval task: knee at d_dot, overwrites"
    parameters = {
        "feature_maps": Param("names", "feature maps of setting 1", choices=FEATURE_MAPS),
        "loads": Param("floats", "S / d_dot of setting 1 (increasing)", minimum=0.01,
                       maximum=64.0),
        "dim_key": Param("int", "key dimension", minimum=2, maximum=1024, default=64),
        "n_trials": Param("int", "sequences per point", minimum=2, maximum=100_000,
                          default=4),
        "level": Param("float", "loss that marks the knee", minimum=1e-4, maximum=0.45,
                       default=0.05),
        "overwrite_map": Param("names", "feature map of setting 2 (one)",
                               choices=FEATURE_MAPS, default=["dpfp1"]),
        "overwrite_keys": Param("ints", "S of setting 2 (increasing)", minimum=2,
                                maximum=4096),
    }  # fmt: skip
    obtained_quantities = tuple(f"knee_ratio_{m}" for m in FEATURE_MAPS) + (
        "sum_identity_loss_ratio",
        "sum_max_knee_ratio",
        "overwrite_sum_accuracy",
        "overwrite_delta_accuracy",
        "overwrite_delta_loss",
        "overwrite_sum_loss",
        "overwrite_delta_gap",
    )

    def check(self, params, *, where):
        for key in ("loads", "overwrite_keys"):
            if list(params[key]) != sorted(params[key]):
                raise ConfigError(f"{where} {key} must be increasing, got {params[key]}")
        if len(params["overwrite_map"]) != 1:
            raise ConfigError(f"{where} overwrite_map must name one feature map")

    def _n_keys(self, params, name):
        from hebbian.attention.layers import feature_dimension

        d_dot = feature_dimension(name, params["dim_key"])
        return [max(2, int(round(load * d_dot))) for load in params["loads"]]

    def points(self, params):
        out = []
        for name in params["feature_maps"]:
            for load, s in zip(params["loads"], self._n_keys(params, name)):
                out += [{"setting": 1, "rule": r, "map": name, "load": load, "n_keys": s}
                        for r in _SETTING1_RULES]  # fmt: skip
        name = params["overwrite_map"][0]
        for s in params["overwrite_keys"]:
            out += [{"setting": 2, "rule": r, "map": name, "n_keys": s} for r in _SETTING2_RULES]
        return out

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        from hebbian.attention.fast_weight_task import task_loss

        run = {"n_keys": point["n_keys"], "feature_map_name": point["map"],
               "rule": point["rule"], "dim_key": params["dim_key"],
               "trials": params["n_trials"]}  # fmt: skip
        if point["setting"] == 1:
            result = task_loss(setting=1, seed=rng, **run)
            return {"loss": result.loss, "loss_stderr": result.loss_stderr,
                    "accuracy": result.accuracy}  # fmt: skip
        # the same keys, first values and order in both settings (one seed): the
        # difference of the two measures the cost of the overwrites alone
        seed = int(rng.integers(2**62))
        once, twice = (task_loss(setting=k, seed=seed, **run) for k in (1, 2))
        return {"loss_once": once.loss, "accuracy_once": once.accuracy,
                "loss": twice.loss, "loss_stderr": twice.loss_stderr,
                "accuracy": twice.accuracy}  # fmt: skip

    def assemble(self, params, points, results):
        from hebbian.attention.layers import feature_dimension
        from hebbian.theory.attention import hebbian_relative_error

        maps, loads = params["feature_maps"], np.array(params["loads"])
        keys2 = np.array(params["overwrite_keys"])
        shape1 = (len(_SETTING1_RULES), len(maps), len(loads))
        shape2 = (len(_SETTING2_RULES), len(keys2))
        one = [r for p, r in zip(points, results) if p["setting"] == 1]
        two = [r for p, r in zip(points, results) if p["setting"] == 2]

        def grid(rows, key, shape, order):
            return np.array([r[key] for r in rows], dtype=float).reshape(shape).transpose(order)

        # points run map-major, load, then rule: reorder to (rule, map, load)
        def first(key):
            return grid(one, key, (len(maps), len(loads), len(_SETTING1_RULES)), (2, 0, 1))

        def second(key):
            return grid(two, key, (len(keys2), len(_SETTING2_RULES)), (1, 0))

        d_dot = np.array([feature_dimension(m, params["dim_key"]) for m in maps])
        n_keys = np.array([self._n_keys(params, m) for m in maps])
        lsq_theory = fast_weight_least_squares_loss(n_keys, d_dot[:, None])
        identity = 0.5 * np.asarray(hebbian_relative_error(n_keys, params["dim_key"]))
        assert first("loss").shape == shape1 and second("loss").shape == shape2
        dims1, dims2 = ("rule", "feature_map", "load"), ("overwrite_rule", "overwrite_keys")
        data = {
            "loss": (dims1, first("loss"), {"long_name": "setting 1: mean of 1/2 |y - e_v|^2"}),
            "loss_stderr": (dims1, first("loss_stderr"),
                            {"long_name": "standard error of the loss over sequences"}),
            "accuracy": (dims1, first("accuracy"),
                         {"long_name": "setting 1: fraction of argmax reads right"}),
            "n_keys": (("feature_map", "load"), n_keys, {"long_name": "keys S"}),
            "d_dot": ("feature_map", d_dot, {"long_name": "feature dimension d_dot"}),
            "loss_lsq_theory": (("feature_map", "load"), lsq_theory,
                                {"long_name": "1/2 max(0, 1 - d_dot/S)"}),
            "loss_sum_identity_theory": (("feature_map", "load"), identity,
                                         {"long_name": "1/2 (S - 1)/d_key (identity map)"}),
            "overwrite_loss": (dims2, second("loss"),
                               {"long_name": "setting 2: mean of 1/2 |y - e_new|^2"}),
            "overwrite_loss_stderr": (dims2, second("loss_stderr"),
                                      {"long_name": "standard error of the setting 2 loss"}),
            "overwrite_accuracy": (dims2, second("accuracy"),
                                   {"long_name": "setting 2: fraction of reads of the new value"}),
            "once_loss": (dims2, second("loss_once"),
                          {"long_name": "the same keys written once (setting 1): loss"}),
            "once_accuracy": (dims2, second("accuracy_once"),
                              {"long_name": "the same keys written once: fraction right"}),
        }  # fmt: skip
        coords = {
            "rule": ("rule", list(_SETTING1_RULES)),
            "feature_map": ("feature_map", list(maps)),
            "load": ("load", loads, {"long_name": "S / d_dot"}),
            "overwrite_rule": ("overwrite_rule", list(_SETTING2_RULES)),
            "overwrite_keys": ("overwrite_keys", keys2, {"long_name": "keys S (setting 2)"}),
        }
        return xr.Dataset(data, coords=coords)

    def obtained(self, ds):
        params = json.loads(ds.attrs["parameters"])
        level = params["level"]
        nan = float("nan")
        out = {f"knee_ratio_{m}": nan for m in FEATURE_MAPS}
        sum_knees = []
        for m in ds.feature_map.values:
            s = ds.n_keys.sel(feature_map=m).values.astype(float)
            d = float(ds.d_dot.sel(feature_map=m))
            lsq = ds.loss.sel(rule="lsq", feature_map=m).values
            out[f"knee_ratio_{m}"] = crossing_dilution(s, lsq, level) / d
            summed = ds.loss.sel(rule="sum", feature_map=m).values
            sum_knees.append(crossing_dilution(s, summed, level) / d)
        finite = [k for k in sum_knees if np.isfinite(k)]
        out["sum_max_knee_ratio"] = max(finite) if finite else nan
        if "identity" in ds.feature_map.values:
            sub = ds.sel(feature_map="identity")
            measured = sub.loss.sel(rule="sum").values.sum()
            out["sum_identity_loss_ratio"] = float(measured / sub.loss_sum_identity_theory.sum())
        else:
            out["sum_identity_loss_ratio"] = nan
        sub = ds.sel(overwrite_rule="sum")
        out["overwrite_sum_accuracy"] = float(sub.overwrite_accuracy.mean())
        out["overwrite_sum_loss"] = float(sub.overwrite_loss.min())
        sub = ds.sel(overwrite_rule="delta")
        out["overwrite_delta_accuracy"] = float(sub.overwrite_accuracy.min())
        out["overwrite_delta_loss"] = float(sub.overwrite_loss.max())
        out["overwrite_delta_gap"] = float((sub.once_accuracy - sub.overwrite_accuracy).mean())
        return out

    def plot(self, ds, ax=None):
        params = json.loads(ds.attrs["parameters"])
        axes = panel_row(ax, 2, width=5.4, height=4.2)
        left = axes[0]
        fine = np.linspace(float(ds["load"].min()), float(ds["load"].max()), 200)
        left.plot(fine, drawn(fast_weight_least_squares_loss(fine, 1.0)), "k-", lw=1,
                  label=r"$\frac{1}{2}\max(0, 1 - d_{dot}/S)$")  # fmt: skip
        for i, m in enumerate(ds.feature_map.values):
            sub = ds.sel(feature_map=m)
            d = int(sub.d_dot)
            left.plot(sub["load"], sub.loss.sel(rule="lsq"), "o", color=f"C{i}", mfc="none",
                      ms=4, label=f"{m} (d_dot = {d}) least squares")  # fmt: skip
            left.plot(sub["load"], sub.loss.sel(rule="sum"), "x:", color=f"C{i}", ms=4, lw=0.8)
        left.plot([], [], "kx:", lw=0.8, label="sum rule, fixed random keys")
        left.axhline(params["level"], color="gray", ls=":", lw=1)
        left.set_yscale("symlog", linthresh=0.01)
        left.set_ylim(bottom=0.0)
        left.set_xlabel(r"keys per feature dimension $S/d_{dot}$")
        left.set_ylabel(r"loss $\frac{1}{2}\|y - e_v\|^2$")
        left.set_title(f"Setting 1, d_key = {params['dim_key']}", fontsize=10)
        left.legend(fontsize=7)
        if len(axes) > 1:
            right = axes[1]
            for i, rule in enumerate(ds.overwrite_rule.values):
                sub = ds.sel(overwrite_rule=rule)
                right.plot(sub.overwrite_keys, sub.overwrite_accuracy, "o-", color=f"C{i + 5}",
                           ms=4, label=f"{rule} rule: accuracy")  # fmt: skip
                right.plot(sub.overwrite_keys, sub.overwrite_loss, "s--", color=f"C{i + 5}",
                           ms=4, mfc="none", label=f"{rule} rule: loss")  # fmt: skip
            right.set_xscale("log")
            right.set_yscale("symlog", linthresh=0.1)
            right.set_ylim(bottom=0.0)
            right.set_xlabel("keys S (each written twice)")
            right.set_title(f"Setting 2, {params['overwrite_map'][0]}", fontsize=10)
            right.legend(fontsize=7)
        return left
