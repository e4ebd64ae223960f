r"""Capacity of the attention layers on random pairs: relative error and winner-take-all.

The protocol (one for every layer, so the numbers compare): ``n_pairs`` keys drawn
uniformly on the unit sphere of dimension ``dim`` (Gaussian vectors normalised), values
with ``dim`` random ±1 components, every pair stored, every stored key used as the query.
Two metrics:

* **relative error** :math:`\langle\|\hat v_\mu - v_\mu\|^2 / \|v_\mu\|^2\rangle`, the
  error of the read itself (Zhong et al., arXiv:2505.19488: its inverse is the
  retrieval signal-to-noise ratio);
* **winner-take-all accuracy**: the fraction of reads whose nearest stored value (the
  largest :math:`\hat v_\mu\cdot v_\nu` over the ``n_pairs`` values) is the right one.

The rules (:data:`RULES`), from :mod:`hebbian.attention.layers`: ``hebbian`` (the sum
rule, ``linear_attention``, with a feature map), ``delta`` (``delta_rule``, one pass
unless told otherwise), ``lsq`` (``least_squares``, the converged delta rule),
``softmax`` and ``softmax1`` (``softmax_attention``), ``dense`` and ``dense-exp``
(``dense_attention`` of order ``p``, or exponential at ``beta``) and ``sdm`` (Kanerva's
sparse distributed memory, :class:`~hebbian.attention.sdm.SparseDistributedMemory`): for
``sdm`` the keys are
random binary addresses of ``dim`` bits, and the read is normalised as in Bricken and
Pehlevan (NeurIPS 2021), :math:`\hat v(q) = \sum_\mu w_\mu v_\mu / \sum_\mu w_\mu`
with :math:`w_\mu = |O(q)\cap O(k_\mu)|` (0 where no location is shared).

Trials run batched, in chunks whose largest array holds at most :data:`CHUNK_ENTRIES`
numbers, the draws made on the host from one generator in trial order: a seed gives the
same numbers on NumPy and CuPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hebbian._validation import as_generator, check_choice, check_int, check_real
from hebbian.attention.layers import (
    FEATURE_MAPS,
    delta_rule,
    dense_attention,
    feature_dimension,
    least_squares,
    linear_attention,
    read_memory,
    softmax_attention,
)
from hebbian.attention.sdm import SparseDistributedMemory
from hebbian.device import array_module, to_host

__all__ = [
    "CHUNK_ENTRIES",
    "MAX_DIM",
    "MAX_PAIRS",
    "MAX_LOCATIONS",
    "RULES",
    "RetrievalResult",
    "random_pairs",
    "retrieval_trials",
]

#: The rules of :func:`retrieval_trials`.
RULES = ("hebbian", "delta", "lsq", "softmax", "softmax1", "dense", "dense-exp", "sdm")

#: Most hard locations of one ``sdm`` memory (its counters hold ``dim + 1`` int64 each).
MAX_LOCATIONS = 1 << 20

#: Numbers in the largest array of one chunk of trials.
CHUNK_ENTRIES = 1 << 22

#: Largest key dimension and number of pairs (a trial holds n_pairs x n_pairs scores).
MAX_DIM = 4096
MAX_PAIRS = 16384


@dataclass(frozen=True)
class RetrievalResult:
    """The two metrics of one rule at one size, over ``trials`` random memories.

    Attributes
    ----------
    rel_err, rel_err_stderr : float
        The mean relative error of a read and its standard error over trials.
    wta_accuracy : float
        The fraction of the ``trials * n_pairs`` reads cleaned up to the right value.
    wta_correct, reads : int
        The counts behind ``wta_accuracy``.
    """

    rule: str
    dim: int
    n_pairs: int
    trials: int
    rel_err: float
    rel_err_stderr: float
    wta_accuracy: float
    wta_correct: int
    reads: int

    def as_dict(self) -> dict:
        """Return the fields as a plain dictionary."""
        return dict(self.__dict__)


def random_pairs(trials: int, n_pairs: int, dim: int, rng: np.random.Generator):
    """Draw ``trials`` sets of keys on the unit sphere and ±1 values, on the host.

    Trial by trial (its keys, then its values), so that a seed gives the same memories
    however the trials are split into chunks.

    Returns
    -------
    keys : float64 array (trials, n_pairs, dim)
    values : float64 array (trials, n_pairs, dim)
    """
    keys = np.empty((trials, n_pairs, dim))
    values = np.empty((trials, n_pairs, dim))
    for t in range(trials):
        keys[t] = rng.standard_normal((n_pairs, dim))
        values[t] = np.where(rng.random((n_pairs, dim)) < 0.5, -1.0, 1.0)
    keys /= np.linalg.norm(keys, axis=-1, keepdims=True)
    return keys, values


def _random_bits_and_values(trials: int, n_pairs: int, dim: int, rng: np.random.Generator):
    """Draw binary keys and ±1 values trial by trial (``sdm``)."""
    bits = np.empty((trials, n_pairs, dim), dtype=np.uint8)
    values = np.empty((trials, n_pairs, dim))
    for t in range(trials):
        bits[t] = rng.integers(0, 2, (n_pairs, dim), dtype=np.uint8)
        values[t] = np.where(rng.random((n_pairs, dim)) < 0.5, -1.0, 1.0)
    return bits, values


def _sdm_reads(keys, values, *, n_locations, radius, rng, device):
    """Return the normalised SDM read of every key, one memory per trial."""
    xp = array_module(device)
    reads = []
    for bits, pairs in zip(keys, values, strict=True):
        memory = SparseDistributedMemory(bits.shape[-1], n_locations, radius,
                                         value_dimension=pairs.shape[-1] + 1, seed=rng,
                                         device=device)  # fmt: skip
        # a last value component of ones counts the writes: its read is sum_mu w_mu
        ones = xp.ones((pairs.shape[0], 1), dtype=pairs.dtype)
        memory.write(bits, xp.concatenate([pairs, ones], axis=1).astype(xp.int8))
        sums, _ = memory.read(bits)
        total = sums[:, -1:].astype(xp.float64)
        reads.append(sums[:, :-1] / xp.where(total > 0, total, 1.0))
    return xp.stack(reads)


def _reads(rule, keys, values, *, beta, feature_map_name, order, passes):
    if rule == "hebbian":
        memory = linear_attention(keys, values, feature_map_name=feature_map_name)
        return read_memory(memory, keys, feature_map_name=feature_map_name)
    if rule == "delta":
        memory = delta_rule(keys, values, feature_map_name=feature_map_name, passes=passes)
        return read_memory(memory, keys, feature_map_name=feature_map_name)
    if rule == "lsq":
        memory = least_squares(keys, values, feature_map_name=feature_map_name)
        return read_memory(memory, keys, feature_map_name=feature_map_name)
    if rule == "dense":
        return dense_attention(keys, values, keys, order)
    if rule == "dense-exp":
        return dense_attention(keys, values, keys, beta=beta)
    return softmax_attention(keys, values, keys, beta, normalization=rule)


def retrieval_trials(
    rule: str,
    dim: int,
    n_pairs: int,
    *,
    trials: int = 100,
    beta: float = 8.0,
    feature_map_name: str = "identity",
    order: int = 3,
    passes: int = 1,
    n_locations: int | None = None,
    radius: int | None = None,
    seed=None,
    device: str = "cpu",
) -> RetrievalResult:
    """Store ``n_pairs`` random pairs ``trials`` times and read every key back.

    Parameters
    ----------
    rule : str
        One of :data:`RULES`.
    dim : int
        Key and value dimension, ``2 <= dim <= 4096``.
    n_pairs : int
        Stored pairs, ``1 <= n_pairs <= 16384``.
    trials : int
        Independent memories, ``1 <= trials <= 10**6``.
    beta : float
        Inverse temperature of ``softmax``, ``softmax1`` (``0 <= beta <= 1e6``) and
        ``dense-exp`` (at most 700).
    feature_map_name : str
        Feature map of ``hebbian``, ``delta`` and ``lsq`` (:data:`FEATURE_MAPS`).
    order : int
        Interaction order ``p`` of ``dense``, ``2 <= order <= 12``.
    passes : int
        Passes of ``delta`` over the pairs, ``1 <= passes <= 10**4``.
    n_locations, radius : int
        Hard locations (``1 <= n_locations <= 2**20``) and Hamming radius
        (``0 <= radius <= dim``) of ``sdm``; required for it, ignored otherwise.
    seed : int, Generator or None
    device : {"cpu", "gpu", "auto"}
        Where the layers run; the draws are made on the host.

    Returns
    -------
    RetrievalResult
    """
    rule = check_choice("rule", rule, RULES)
    dim = check_int("dim", dim, minimum=2, maximum=MAX_DIM)
    n_pairs = check_int("n_pairs", n_pairs, minimum=1, maximum=MAX_PAIRS)
    trials = check_int("trials", trials, minimum=1, maximum=10**6)
    beta = check_real("beta", beta, minimum=0.0, maximum=1e6)
    check_choice("feature_map", feature_map_name, FEATURE_MAPS)
    order = check_int("order", order, minimum=2, maximum=12)
    passes = check_int("passes", passes, minimum=1, maximum=10**4)
    if rule == "sdm":
        if n_locations is None or radius is None:
            raise ValueError("rule 'sdm' needs n_locations and radius")
        n_locations = check_int("n_locations", n_locations, minimum=1, maximum=MAX_LOCATIONS)
        radius = check_int("radius", radius, minimum=0, maximum=dim)
    xp = array_module(device)
    rng = as_generator(seed)
    # memories per chunk: their keys, values and features; rules that weigh every pair
    # against every query (and the WTA cleanup) hold n_pairs x n_pairs scores per memory
    memory_chunk = CHUNK_ENTRIES // (n_pairs * max(dim, feature_dimension(feature_map_name, dim)))
    score_chunk = max(1, CHUNK_ENTRIES // (n_pairs * n_pairs))
    chunk = max(1, min(trials, memory_chunk))
    if rule in ("softmax", "softmax1", "dense", "dense-exp", "delta"):
        chunk = min(chunk, score_chunk)
    errors = []
    correct = 0
    done = 0
    labels = xp.arange(n_pairs)[None, :]
    while done < trials:
        size = min(chunk, trials - done)
        if rule == "sdm":
            drawn = _random_bits_and_values(size, n_pairs, dim, rng)
            bits, values = (xp.asarray(a) for a in drawn)
            reads = _sdm_reads(bits, values, n_locations=n_locations, radius=radius, rng=rng,
                               device=device)  # fmt: skip
        else:
            keys, values = (xp.asarray(a) for a in random_pairs(size, n_pairs, dim, rng))
            reads = _reads(rule, keys, values, beta=beta, feature_map_name=feature_map_name,
                           order=order, passes=passes)  # fmt: skip
        squared = xp.sum((reads - values) ** 2, axis=-1) / dim
        errors.append(np.asarray(to_host(xp.mean(squared, axis=-1))))
        for start in range(0, size, score_chunk):
            stop = min(size, start + score_chunk)
            scores = reads[start:stop] @ values[start:stop].swapaxes(-1, -2)
            correct += int(xp.sum(xp.argmax(scores, axis=-1) == labels))
        done += size
    per_trial = np.concatenate(errors)
    stderr = float(per_trial.std(ddof=1) / math.sqrt(trials)) if trials > 1 else float("nan")
    return RetrievalResult(
        rule=rule,
        dim=dim,
        n_pairs=n_pairs,
        trials=trials,
        rel_err=float(per_trial.mean()),
        rel_err_stderr=stderr,
        wta_accuracy=correct / (trials * n_pairs),
        wta_correct=correct,
        reads=trials * n_pairs,
    )
