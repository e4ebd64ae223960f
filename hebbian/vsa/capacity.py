"""Monte Carlo of the capacity of hypervector models: bundles, sequences, Bloom filters.

* :func:`bundle_retrieval_accuracy` -- the key-value readout of Frady, Kleyko and Sommer,
  Neural Computation 30, 1449 (2018): ``K`` bound pairs superposed in one trace, each
  value read back by unbinding its key and winner-take-all cleanup over ``M`` atoms.
  Their prediction is :math:`p_{corr} = \\int dh\\, \\varphi(h)\\, \\Phi(h + d')^{M-1}`
  with :math:`d' = \\sqrt{D/K}` (MAP-I, HRR), :math:`\\sqrt{2D/(\\pi K)}` (MAP-B, BSC),
  :math:`\\sqrt{2D/K}` (FHRR).
* :func:`sequence_retrieval_accuracy` -- their sequence trace
  :math:`x = \\sum_{m=1}^{K} \\rho^{K-m}(a_m)`, read out at every lag.
* :func:`bloom_false_positives` -- the false-positive rate of an OR-bundled set of
  sparse atoms; Bloom, Comm. ACM 13, 422 (1970); Clarkson, Ubaru and Yang,
  arXiv:2301.10352.

Trials are vectorised (batched matrix products), in chunks of trials whose arrays hold
at most :data:`CHUNK_ENTRIES` components, drawn in trial order from one generator: the
result depends on the seed only, not on the device.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hebbian._validation import as_generator, check_int, check_real
from hebbian.vsa.models import BloomFilter, HypervectorModel

__all__ = [
    "CHUNK_ENTRIES",
    "BinomialRate",
    "bloom_false_positives",
    "bundle_retrieval_accuracy",
    "sequence_retrieval_accuracy",
]

#: The models whose bundle is a sum, which a decaying (weighted) trace generalises.
_SUMMED = ("map-i", "hrr", "fhrr")

#: Components (trials x vectors x D) of the largest array of one chunk of trials.
CHUNK_ENTRIES = 1 << 22


@dataclass(frozen=True)
class BinomialRate:
    """A Monte Carlo rate: ``successes`` out of ``count`` Bernoulli outcomes.

    ``successes`` and ``count`` are integers, or integer arrays of one shape (one rate
    per entry, e.g. per lag of :func:`sequence_retrieval_accuracy`).

    Attributes
    ----------
    successes, count : int or numpy.ndarray
    """

    successes: int | np.ndarray
    count: int | np.ndarray

    @property
    def rate(self):
        """``successes / count``."""
        return np.asarray(self.successes) / np.asarray(self.count)

    @property
    def standard_error(self):
        """The binomial standard error :math:`\\sqrt{p(1-p)/n}` at the measured ``p``."""
        p = self.rate
        return np.sqrt(p * (1.0 - p) / np.asarray(self.count))

    def pooled(self) -> BinomialRate:
        """All entries together: one rate."""
        return BinomialRate(int(np.sum(self.successes)), int(np.sum(self.count)))


def _chunk(per_trial: int, trials: int) -> int:
    return max(1, min(trials, CHUNK_ENTRIES // max(per_trial, 1)))


def _check_model(model: object, what: str) -> HypervectorModel:
    if not isinstance(model, HypervectorModel):
        raise TypeError(f"model must be a HypervectorModel, got {type(model).__name__}")
    if isinstance(model, BloomFilter):
        raise ValueError(
            f"{what} needs a model with binding or permutation readout; for the 'bloom' "
            "model use bloom_false_positives"
        )
    return model


def bundle_retrieval_accuracy(
    model: HypervectorModel, n_items: int, codebook_size: int, *, trials: int, seed
) -> BinomialRate:
    """Fraction of values read back correctly from a bundle of ``K`` key-value bindings.

    Each trial draws a codebook of ``M`` random atoms, ``K`` random keys (atoms) and
    ``K`` values uniformly from the codebook (with replacement), forms the trace

    .. math:: s = \\bigoplus_{k=1}^{K} \\mathrm{bind}(\\mathrm{key}_k,
              \\mathrm{value}_k)

    (``model.bundle``: the integer sum for MAP-I, sign for MAP-B, majority for BSC, sum
    for HRR and FHRR), and reads every key out by ``cleanup(unbind(s, key_k),
    codebook)``: correct when the winner is the stored value. This is the protocol of
    Frady, Kleyko and Sommer, Neural Computation 30, 1449 (2018), whose
    :math:`p_{corr}(d', M)` it tests.

    Parameters
    ----------
    model : HypervectorModel
        Any model with binding (not ``"bloom"``).
    n_items : int
        ``K >= 1``, the bound pairs in the trace.
    codebook_size : int
        ``M >= 1``, the atoms of the cleanup memory.
    trials : int
        Independent traces (new codebook, keys and values each).
    seed : int, numpy.random.Generator or None

    Returns
    -------
    BinomialRate
        ``successes`` correct readouts out of ``count = trials * K``.

    Notes
    -----
    Cost :math:`O(T K M D)` for the cleanup products plus the draws,
    :math:`O(T (K + M) D)`; memory bounded by :data:`CHUNK_ENTRIES` per chunk of trials.
    """
    model = _check_model(model, "bundle_retrieval_accuracy")
    K = check_int("n_items", n_items, minimum=1)
    M = check_int("codebook_size", codebook_size, minimum=1)
    T = check_int("trials", trials, minimum=1)
    rng = as_generator(seed)
    xp = model.xp
    chunk = _chunk((K + M) * model.dimension, T)
    correct = 0
    for start in range(0, T, chunk):
        t = min(chunk, T - start)
        codebook = model.random((t, M), seed=rng)
        keys = model.random((t, K), seed=rng)
        index = xp.asarray(rng.integers(0, M, size=(t, K)))
        values = xp.take_along_axis(codebook, index[..., None], axis=1)
        trace = model.bundle(model.bind(keys, values), axis=-2, seed=rng)
        estimates = model.unbind(trace[:, None, :], keys)
        winners = model.cleanup(estimates, codebook)
        correct += int(xp.sum(winners == index))
    return BinomialRate(correct, T * K)


def sequence_retrieval_accuracy(
    model: HypervectorModel,
    length: int,
    codebook_size: int,
    *,
    trials: int,
    seed,
    decay: float = 1.0,
) -> BinomialRate:
    """Accuracy of the sequence trace of Frady, Kleyko and Sommer at every lag.

    Each trial draws a codebook :math:`\\Phi` of ``M`` atoms and a sequence of ``K``
    symbols :math:`a_1, \\dots, a_K` uniformly from it, forms

    .. math:: x = \\bigoplus_{m=1}^{K} \\rho^{K-m}(\\Phi a_m)

    with :math:`\\rho` the cyclic shift ``model.permute`` and :math:`\\oplus` the
    model's bundle (with ``decay`` :math:`\\lambda < 1`, the leaky working memory
    :math:`x = \\sum_m \\lambda^{K-m}\\rho^{K-m}(\\Phi a_m)`, a weighted sum, for the
    models whose bundle is a sum: MAP-I, HRR, FHRR), and reads lag ``j`` (the symbol
    :math:`a_{K-j}`, ``j = 0`` the most recent) by
    :math:`\\hat a = \\arg\\max_c \\mathrm{sim}(\\rho^{-j} x, \\Phi_c)` (``cleanup``).
    Reference: Frady, Kleyko and Sommer, Neural Computation 30, 1449
    (2018).

    Parameters
    ----------
    model : HypervectorModel
        Not ``"bloom"``.
    length : int
        ``K >= 1``.
    codebook_size : int
        ``M >= 1``.
    trials : int
    seed : int, numpy.random.Generator or None
    decay : float, optional
        :math:`\\lambda \\in (0, 1]`; below 1 only for ``map-i``, ``hrr`` and ``fhrr``.

    Returns
    -------
    BinomialRate
        Arrays of shape ``(K,)`` indexed by the lag ``j``: ``successes[j]`` correct
        readouts out of ``count[j] = trials``; ``.pooled()`` for all lags together.

    Notes
    -----
    Cost :math:`O(T K M D)`; every permutation is one gather over the batch.
    """
    model = _check_model(model, "sequence_retrieval_accuracy")
    K = check_int("length", length, minimum=1)
    M = check_int("codebook_size", codebook_size, minimum=1)
    T = check_int("trials", trials, minimum=1)
    decay = check_real("decay", decay, minimum=0.0, maximum=1.0, include_minimum=False)
    if decay < 1.0 and model.name not in _SUMMED:
        raise ValueError(
            f"decay < 1 needs a model whose bundle is a sum ({', '.join(_SUMMED)}), got "
            f"{model.name!r} with decay = {decay}"
        )
    rng = as_generator(seed)
    xp = model.xp
    chunk = _chunk((K + M) * model.dimension, T)
    shifts = xp.arange(K - 1, -1, -1)  # rho^{K-m} for m = 1..K
    fading = xp.asarray(decay ** np.arange(K - 1, -1, -1, dtype=float))[:, None]
    lags = xp.arange(K)
    correct = xp.zeros(K, dtype=xp.int64)
    for start in range(0, T, chunk):
        t = min(chunk, T - start)
        codebook = model.random((t, M), seed=rng)
        symbols = xp.asarray(rng.integers(0, M, size=(t, K)))
        items = xp.take_along_axis(codebook, symbols[..., None], axis=1)
        permuted = model.permute(items, shifts)
        if decay < 1.0:
            trace = xp.sum(fading * permuted, axis=-2)
        else:
            trace = model.bundle(permuted, axis=-2, seed=rng)
        queries = model.permute(trace[:, None, :], -lags)  # lag j at position j
        winners = model.cleanup(queries, codebook)
        correct += xp.sum(winners == symbols[:, ::-1], axis=0)
    counts = np.full(K, T, dtype=np.int64)
    host = correct if xp is np else xp.asnumpy(correct)
    return BinomialRate(np.asarray(host, dtype=np.int64), counts)


def bloom_false_positives(
    dimension: int,
    n_items: int,
    n_hashes: int,
    *,
    trials: int,
    universe: int,
    seed,
    device: str = "cpu",
) -> BinomialRate:
    """Measured false-positive rate of a Bloom filter of ``n`` random sparse atoms.

    Each trial draws ``universe`` atoms of the ``"bloom"`` model (``k = n_hashes`` ones
    each), bundles the first ``n = n_items`` by OR, and tests the other
    ``universe - n`` with :meth:`BloomFilter.contains`: a pass is a false positive.
    Standard theory (Bloom 1970): the rate is about :math:`(1 - e^{-kn/D})^k`
    (:func:`hebbian.theory.vsa.bloom_false_positive_rate`), smallest at
    :math:`k = (D/n)\\ln 2`; exactly,
    it is the mean over the bundle's weight :math:`|s|` of
    :math:`\\binom{|s|}{k} / \\binom{D}{k}`, the chance that ``k`` distinct positions
    all fall on ones of the bundle.

    Parameters
    ----------
    dimension : int
        ``D``.
    n_items : int
        ``n >= 0`` bundled atoms.
    n_hashes : int
        ``k`` in ``[1, D]``.
    trials : int
    universe : int
        Atoms per trial, ``> n``; ``universe - n`` of them are tested.
    seed : int, numpy.random.Generator or None
    device : str, optional

    Returns
    -------
    BinomialRate
        ``successes`` false positives out of ``count = trials * (universe - n)`` tests.

    Notes
    -----
    Cost :math:`O(T U D)` (the atoms are dense uint8 arrays), memory bounded by
    :data:`CHUNK_ENTRIES` per chunk of trials.
    """
    model = BloomFilter(dimension, n_hashes, device=device)
    n = check_int("n_items", n_items, minimum=0)
    T = check_int("trials", trials, minimum=1)
    U = check_int("universe", universe, minimum=n + 1)
    rng = as_generator(seed)
    xp = model.xp
    chunk = _chunk(U * model.dimension, T)
    positives = 0
    for start in range(0, T, chunk):
        t = min(chunk, T - start)
        atoms = model.random((t, U), seed=rng)
        if n:
            bundle = model.bundle(atoms[:, :n], axis=-2)
        else:
            bundle = xp.zeros((t, model.dimension), dtype=xp.uint8)
        positives += int(xp.sum(model.contains(bundle[:, None, :], atoms[:, n:])))
    return BinomialRate(positives, T * (U - n))
