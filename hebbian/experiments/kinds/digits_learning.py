r"""Dense networks learning handwritten digits from examples: overlap and accuracy against ``M``.

Data: the 1797 handwritten digits of Alpaydin and Kaynak (UCI, 1998), each pixel
binarized at its median over the data set (:math:`\sigma_i = +1` where the count
exceeds the median, else :math:`-1`); the 3 pixels that are then the same in every
image are dropped, leaving ``N = 61`` spins (:func:`hebbian.data.binary_digits`).

Protocol of a sample: each digit's images are shuffled and split into a *reference*
third, a *quality* third, ``n_test`` test images and ``M`` training examples. The
reference third gives the digit's archetype, :math:`\xi^\mu = \operatorname{sign}
\sum \eta` over its images (ties to +1); the quality third gives each pixel's quality,
the fraction :math:`a_i^\mu` of its images that agree with :math:`\xi^\mu_i`
(measured on the archetype's own images it would come out too high: a vote agrees with
at least half of the images it was taken over). The network stores the ``10 M``
training examples with the unsupervised ``p``-body Hebbian rule (Agliari, Albanese,
Alemanno, Alessandrelli, Barra, Giannotti, Lotito, Pedreschi, Physica A 627, 129143
(2023)): weights
``1 / ((p-1)! M)``, distinct indices (the ``R^(p/2)`` of the paper only rescales the
energy, which does not matter at ``T = 0``). Zero-temperature chains then start

* at each digit's *vote*, :math:`\operatorname{sign}\sum_{a\le M}\eta^{\mu,a}` (ties
  broken at random): the final overlap with the reference archetype is the learned
  archetype overlap ``m``;
* at each test image: it is classified as the digit whose vote has the largest overlap
  with the final state (``accuracy``), and, as a baseline without the network, as the
  digit whose vote is nearest to the image itself (``accuracy_nearest``).

Theory. At low load and ``T = 0`` the RS state that treats the examples alike is the
vote itself, so the learned overlap is the vote's overlap with the archetype. For ``M``
independent examples whose pixels agree with the archetype with probability ``a_i``,
:func:`hebbian.theory.dense_learning.archetype_estimate_overlap` gives it pixel by pixel
(``theory_pixels``, the average over pixels and digits). The papers' model gives every
pixel of a digit one quality ``r`` (``theory_uniform``, with ``a = (1 + r)/2`` from the
digit's mean agreement); pixels of real digits differ in quality, and that model
overestimates the vote's overlap. ``m_vote`` is the overlap the votes actually reach.
The data sit far from the theory's other assumptions: the archetypes are correlated
(overlaps up to about 0.6) and, for ``p = 2``, ``K/N = 10/61`` is above the Hopfield
capacity, so the network's state may leave the vote.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from hebbian.data import binary_digits, load_digits
from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.plotting import drawn, panel_row
from hebbian.models import HebbianModel
from hebbian.theory.dense_learning import archetype_estimate_overlap

__all__ = ["DigitsLearning"]

#: Digits (archetypes ``K``) of the data set.
N_DIGITS = 10


def _smallest_class() -> int:
    return int(np.bincount(load_digits()[1]).min())


def _vote(examples: np.ndarray) -> np.ndarray:
    """``sign`` of the sum over the first axis, 0 on a tie."""
    return np.sign(examples.astype(np.int64).sum(axis=0))


@register
class DigitsLearning(ExperimentKind):
    """Learned archetype overlap and classification accuracy against M (module docstring)."""

    name = "digits_learning"
    description = "dense networks learning the handwritten digits: overlap and accuracy vs M"
    parameters = {
        "orders": Param("ints", "interaction orders p", minimum=2, maximum=6),
        "n_examples": Param("ints", "training examples per digit M", minimum=1, maximum=80),
        "n_test": Param("int", "test images per digit", minimum=1, maximum=40, default=10),
        "n_samples": Param("int", "random splits of the data", minimum=1, default=4),
        "n_sweeps": Param("int", "zero-temperature sweeps", minimum=1, default=20),
    }
    obtained_quantities = (
        "vote_max_deviation",
        "uniform_theory_excess",
        "accuracy_nearest",
        "accuracy_best_order",
    )

    def check(self, params, *, where):
        for key in ("orders", "n_examples"):
            if list(params[key]) != sorted(set(params[key])):
                raise ConfigError(f"{where} {key} must be strictly increasing, got {params[key]}")
        smallest = _smallest_class()
        room = smallest - 2 * (smallest // 3) - params["n_test"]
        if max(params["n_examples"]) > room:
            raise ConfigError(
                f"{where} n_examples = {max(params['n_examples'])} leaves no room: the "
                f"smallest digit has {smallest} images, two thirds of them make the "
                f"archetype and measure the qualities, and {params['n_test']} are test "
                f"images, so M <= {room}"
            )

    def points(self, params):
        return [
            {"p": p, "n_examples": M, "sample": s}
            for p in params["orders"]
            for M in params["n_examples"]
            for s in range(params["n_samples"])
        ]

    def run_size(self, params, point):
        return {
            "n_neurons": 61,
            "n_memories": N_DIGITS * point["n_examples"],
            "n_chains": N_DIGITS * (1 + params["n_test"]),
            "n_sweeps": params["n_sweeps"],
        }

    def point_simulation(self, params, point, rng):
        spins, labels, _ = binary_digits()
        M, p, n_test = point["n_examples"], point["p"], params["n_test"]
        reference, tests, train = [], [], []
        quality = []
        for digit in range(N_DIGITS):
            images = spins[rng.permutation(np.flatnonzero(labels == digit))]
            third = len(images) // 3
            reference.append(images[:third])
            quality.append(images[third : 2 * third])
            tests.append(images[2 * third : 2 * third + n_test])
            train.append(images[2 * third + n_test : 2 * third + n_test + M])
        archetypes = np.array([np.where(_vote(r) >= 0, 1, -1) for r in reference])
        # measured on images that did not make the archetype: on its own images a vote
        # agrees with at least half of them, and the qualities would come out too high
        agreement = np.array([(q == a).mean(axis=0) for q, a in zip(quality, archetypes)])
        votes = np.array([_vote(t) for t in train])
        starts = np.where(votes == 0, rng.choice([-1, 1], size=votes.shape), votes)
        examples = np.concatenate(train)
        weight = 1.0 / (math.factorial(p - 1) * M)
        model = HebbianModel(examples, p=p, weights=np.full(len(examples), weight))
        cues = np.concatenate(tests)
        return {
            "model": model,
            "temperature": 0.0,
            "initial": np.concatenate([starts, cues]).astype(np.int8),
            "n_sweeps": params["n_sweeps"],
            "n_chains": N_DIGITS * (1 + n_test),
            "measure_every": params["n_sweeps"],
            "context": (archetypes, agreement, votes, cues),
        }

    def point_result(self, params, point, ds, run):
        archetypes, agreement, votes, cues = run["context"]
        N, M = archetypes.shape[1], point["n_examples"]
        final = ds.spins.values.astype(np.int64)
        learned, classified = final[:N_DIGITS], final[N_DIGITS:]
        truth = np.repeat(np.arange(N_DIGITS), params["n_test"])
        uniform_quality = agreement.mean(axis=1)
        return {
            "m": float(np.mean(np.sum(learned * archetypes, axis=1)) / N),
            "m_vote": float(np.mean(np.sum(votes * archetypes, axis=1)) / N),
            "theory_pixels": float(np.mean(archetype_estimate_overlap(agreement, M))),
            "theory_uniform": float(np.mean(archetype_estimate_overlap(uniform_quality, M))),
            "accuracy": float(np.mean(np.argmax(classified @ votes.T, axis=1) == truth)),
            "accuracy_nearest": float(np.mean(np.argmax(cues @ votes.T, axis=1) == truth)),
        }

    def assemble(self, params, points, results):
        orders, Ms, n_s = params["orders"], params["n_examples"], params["n_samples"]
        shape = (len(orders), len(Ms), n_s)
        names = {
            "m": "archetype overlap of the network's state from the vote",
            "m_vote": "archetype overlap of the vote of the M examples",
            "theory_pixels": "vote overlap, finite-M theory pixel by pixel",
            "theory_uniform": "vote overlap, finite-M theory with one quality per digit",
            "accuracy": "classification accuracy of the network",
            "accuracy_nearest": "classification accuracy of the nearest vote",
        }
        data = {}
        for key, long_name in names.items():
            values = np.array([r[key] for r in results]).reshape(shape)
            data[key] = (("p", "n_examples"), values.mean(axis=2), {"long_name": long_name})
            if n_s > 1:
                err = values.std(axis=2, ddof=1) / math.sqrt(n_s)
            else:
                err = np.full(shape[:2], np.nan)
            data[f"{key}_stderr"] = (("p", "n_examples"), err, {"long_name": "standard error"})
        coords = {
            "p": ("p", orders, {"long_name": "$p$"}),
            "n_examples": ("n_examples", Ms, {"long_name": "examples per digit $M$"}),
        }
        return xr.Dataset(data, coords=coords)

    def obtained(self, ds):
        # the data-side quantities do not depend on p: pooled over the orders' samples
        vote, pixels = ds.m_vote.mean("p"), ds.theory_pixels.mean("p")
        largest_M = {"n_examples": int(ds.n_examples.max())}
        return {
            "vote_max_deviation": float(np.abs(vote - pixels).max()),
            "uniform_theory_excess": float((ds.theory_uniform.mean("p") - vote).max()),
            "accuracy_nearest": float(ds.accuracy_nearest.sel(largest_M).mean()),
            "accuracy_best_order": float(ds.accuracy.sel(largest_M).max()),
        }

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        axes = panel_row(ax, 2, width=4.9, height=4.2)
        cmap = plt.get_cmap("viridis")
        Ms = ds.n_examples.values
        orders = ds.p.values
        colors = [cmap(0.85 * i / max(len(orders) - 1, 1)) for i in range(len(orders))]
        left = axes[0]
        left.plot(Ms, drawn(ds.theory_pixels.mean("p")), "k-", lw=1.5,
                  label="theory, quality pixel by pixel")  # fmt: skip
        left.plot(Ms, drawn(ds.theory_uniform.mean("p")), "k--", lw=1,
                  label="theory, one quality per digit")  # fmt: skip
        left.plot(Ms, ds.m_vote.mean("p"), "s", color="0.4", ms=4, label="vote of the examples")
        for color, p in zip(colors, orders):
            sub = ds.sel(p=p)
            left.errorbar(Ms, sub.m, yerr=sub.m_stderr, marker="o", ms=3.5, lw=1, capsize=2,
                          color=color, label=f"network, p = {p}")  # fmt: skip
        left.set_xscale("log")
        left.set_xlabel("examples per digit $M$")
        left.set_ylabel("overlap with the digit's archetype")
        left.set_title("Learned archetypes (T = 0)", fontsize=10)
        left.set_ylim(None, 1.02)
        left.legend(fontsize=7, loc="upper left")
        if len(axes) == 1:
            return left
        right = axes[1]
        for color, p in zip(colors, orders):
            sub = ds.sel(p=p)
            right.errorbar(Ms, sub.accuracy, yerr=sub.accuracy_stderr, marker="o", ms=3.5,
                           lw=1, capsize=2, color=color, label=f"network, p = {p}")  # fmt: skip
        right.plot(Ms, ds.accuracy_nearest.mean("p"), "s--", color="0.4", ms=4, lw=1,
                   label="nearest vote, no network")  # fmt: skip
        right.axhline(1 / N_DIGITS, color="k", ls=":", lw=1, label="chance")
        right.set_xscale("log")
        right.set_ylim(0, 1)
        right.set_xlabel("examples per digit $M$")
        right.set_ylabel("classification accuracy of test images")
        right.set_title("Classifying unseen digits", fontsize=10)
        right.legend(fontsize=7, loc="upper left", ncol=2)
        return left
