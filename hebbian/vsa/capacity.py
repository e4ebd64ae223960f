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
* :func:`membership_failures`, :func:`membership_min_dimension` -- the set-membership
  test of Clarkson, Ubaru and Yang, arXiv:2301.10352: ``n`` atoms of a universe of ``U``
  bundled (MAP-I, MAP-B), every atom of the universe tested against a threshold; the
  rate of trials with any wrong answer, and the smallest ``D`` where it is at most
  :math:`\\delta`.

Trials are vectorised (batched matrix products), in chunks of trials whose arrays hold
at most :data:`CHUNK_ENTRIES` components, drawn in trial order from one generator: the
result depends on the seed only, not on the device.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hebbian._validation import as_generator, check_int, check_real
from hebbian.device import to_host
from hebbian.vsa.models import MAX_DIMENSION, BloomFilter, HypervectorModel, hypervector_model

__all__ = [
    "CHUNK_ENTRIES",
    "MEMBERSHIP_SAMPLING",
    "BinomialRate",
    "MembershipSearch",
    "bloom_false_positives",
    "bundle_retrieval_accuracy",
    "membership_failures",
    "membership_min_dimension",
    "membership_threshold",
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


# ---------------------------------------------------------------------------------------
# set membership (Clarkson, Ubaru and Yang, arXiv:2301.10352)

#: The models of the membership Monte Carlo: their bundle is a (binarised) sum.
_MEMBERSHIP_MODELS = ("map-i", "map-b")

#: How the scores of the ``U - n`` non-members are drawn (:func:`membership_failures`).
MEMBERSHIP_SAMPLING = ("conditional", "atoms")


def _member_mean(name: str, n: int) -> float:
    """Mean of :math:`\\langle s, a\\rangle / D` for a member ``a`` of the bundle ``s``.

    MAP-I: 1. MAP-B: :math:`\\binom{n-1}{\\lfloor (n-1)/2 \\rfloor} 2^{1-n}`, the chance
    that the other ``n - 1`` atoms do not outvote ``a`` in a component, less the chance
    that they do (a tie, possible for even ``n``, broken by a fair coin, adds zero).
    """
    if name == "map-i":
        return 1.0
    m = n - 1
    k = m // 2
    return math.comb(m, k) / (1 << m)  # exact integers, one correctly rounded division


def membership_threshold(model: str, dimension: int, n_items: int) -> float:
    """Threshold of the membership test: half the mean score of a member.

    The score of atom ``a`` is the integer :math:`\\langle s, a\\rangle` with the
    bundle ``s`` of ``n`` atoms; a non-member scores 0 on average and a member
    :math:`D\\mu_n`, with :math:`\\mu_n = 1` (MAP-I, ``s`` the sum) or
    :math:`\\mu_n = \\binom{n-1}{\\lfloor (n-1)/2\\rfloor} 2^{1-n} \\simeq
    \\sqrt{2/(\\pi n)}` (MAP-B, ``s`` the sign of the sum, ties broken at random). The
    threshold is the midpoint :math:`\\theta = D\\mu_n/2`, the one of
    :func:`hebbian.theory.vsa.membership_dimension`; ``a`` is declared a member when its
    score exceeds :math:`\\theta` strictly.

    Parameters
    ----------
    model : {"map-i", "map-b"}
    dimension : int
        ``D >= 1``.
    n_items : int
        ``n >= 1``.

    Returns
    -------
    float

    Examples
    --------
    >>> membership_threshold("map-i", 1000, 10), membership_threshold("map-b", 1000, 3)
    (500.0, 250.0)
    """
    if model not in _MEMBERSHIP_MODELS:
        raise ValueError(
            f"model must be one of {', '.join(map(repr, _MEMBERSHIP_MODELS))}, got {model!r}"
        )
    D = check_int("dimension", dimension, minimum=1, maximum=MAX_DIMENSION)
    n = check_int("n_items", n_items, minimum=1)
    return 0.5 * D * _member_mean(model, n)


def _check_membership(model: object, n_items, universe, sampling):
    if not isinstance(model, HypervectorModel):
        raise TypeError(f"model must be a HypervectorModel, got {type(model).__name__}")
    if model.name not in _MEMBERSHIP_MODELS:
        raise ValueError(f"the membership test needs model 'map-i' or 'map-b', got {model.name!r}")
    n = check_int("n_items", n_items, minimum=1)
    U = check_int("universe", universe, minimum=n)
    if sampling not in MEMBERSHIP_SAMPLING:
        raise ValueError(
            f"sampling must be one of {', '.join(map(repr, MEMBERSHIP_SAMPLING))}, "
            f"got {sampling!r}"
        )
    return n, U


def _nonmember_scores(model, bundle, others: int, rng, sampling: str):
    """Scores :math:`\\langle s, a\\rangle` of ``others`` fresh atoms, shape (t, others)."""
    xp, D = model.xp, model.dimension
    t = bundle.shape[0]
    if sampling == "atoms":
        atoms = model.random((t, others), seed=rng).astype(xp.float64)
        return xp.matmul(atoms, bundle.astype(xp.float64)[:, :, None])[..., 0]
    if model.name == "map-b":
        # s in {-1, +1}^D: <s, a> = sum of D independent fair signs, whatever s is
        return xp.asarray(2 * rng.binomial(D, 0.5, size=(t, others)) - D)
    # MAP-I: <s, a> = sum_v v (2 B_v - c_v), B_v ~ Bin(c_v, 1/2), c_v = #{i : |s_i| = v}
    magnitude = np.abs(to_host(bundle))
    counts = np.stack([np.bincount(row, minlength=int(magnitude.max()) + 1) for row in magnitude])
    values = np.flatnonzero(counts.any(axis=0))
    values = values[values > 0]
    c = counts[:, values][:, None, :]
    heads = rng.binomial(c, 0.5, size=(t, others, values.size))
    return xp.asarray((2 * heads - c) @ values)


def _membership_chunks(model, n: int, U: int, T: int, rng, sampling: str):
    """Yield (trials, failed trials) chunk by chunk, drawn in trial order from ``rng``."""
    xp, D = model.xp, model.dimension
    theta = 0.5 * D * _member_mean(model.name, n)
    others = U - n
    if sampling == "atoms":
        per_trial = U * D
    elif model.name == "map-i":
        per_trial = n * D + others * (int(4 * math.sqrt(n)) + 2)
    else:
        per_trial = n * D + others
    chunk = _chunk(per_trial, T)
    for start in range(0, T, chunk):
        t = min(chunk, T - start)
        atoms = model.random((t, n), seed=rng)
        bundle = model.bundle(atoms, axis=-2, seed=rng)
        column = bundle.astype(xp.float64)[:, :, None]
        members = xp.matmul(atoms.astype(xp.float64), column)[..., 0]
        wrong = xp.any(members <= theta, axis=-1)
        if others:
            scores = _nonmember_scores(model, bundle, others, rng, sampling)
            wrong = wrong | xp.any(scores > theta, axis=-1)
        yield t, int(xp.sum(wrong))


def membership_failures(
    model: HypervectorModel,
    n_items: int,
    universe: int,
    *,
    trials: int,
    seed,
    sampling: str = "conditional",
) -> BinomialRate:
    """Rate of membership tests with at least one wrong answer over the whole universe.

    Each trial draws ``n`` random atoms (the set ``S``) and bundles them,
    :math:`s = \\sum_{i\\in S} a_i` (MAP-I) or :math:`\\operatorname{sign}` of it (MAP-B,
    ties broken at random), then tests every atom of a universe of ``U`` (the ``n``
    members and ``U - n`` fresh atoms) with the threshold test of Clarkson, Ubaru and
    Yang (arXiv:2301.10352): ``a`` is declared in ``S`` when
    :math:`\\langle s, a\\rangle > \\theta`, with :math:`\\theta` half the member mean
    (:func:`membership_threshold`). A trial fails when any of the ``U`` answers is
    wrong: a member at or below :math:`\\theta`, or a non-member above it. Their
    theorems bound the dimension at which this happens with probability at most
    :math:`\\delta`, :math:`D = O(n\\ln(U/\\delta))`.

    Parameters
    ----------
    model : HypervectorModel
        ``"map-i"`` or ``"map-b"``, of dimension ``D``.
    n_items : int
        ``n >= 1``, the set size.
    universe : int
        ``U >= n``, the atoms tested.
    trials : int
        Independent sets (new atoms each).
    seed : int, numpy.random.Generator or None
    sampling : {"conditional", "atoms"}, optional
        How the non-member scores are drawn. ``"atoms"``: ``U - n`` atoms of ``D``
        components each and their products with ``s``. ``"conditional"`` (default): the
        same scores drawn from their exact law given ``s``, without the atoms. For
        MAP-B, :math:`\\langle s, a\\rangle` is a sum of ``D`` independent fair signs
        whatever ``s`` is, :math:`2\\,\\mathrm{Bin}(D, 1/2) - D`; for MAP-I it is
        :math:`\\sum_v v (2B_v - c_v)` with :math:`c_v` the number of components of
        :math:`|s|` equal to ``v`` and :math:`B_v \\sim \\mathrm{Bin}(c_v, 1/2)`
        independent. Given ``s`` the non-members are independent of one another and of
        the members, so both ways sample the same joint law of the ``U`` answers; the
        conditional one costs :math:`O(U\\sqrt n)` a trial instead of :math:`O(UD)`.

    Returns
    -------
    BinomialRate
        ``successes`` failed trials (some answer wrong) out of ``count = trials``.

    Notes
    -----
    Cost :math:`O(T n D)` for the members (drawn as atoms either way) plus the
    non-members; memory bounded by :data:`CHUNK_ENTRIES` per chunk of trials.
    """
    n, U = _check_membership(model, n_items, universe, sampling)
    T = check_int("trials", trials, minimum=1)
    rng = as_generator(seed)
    failed = sum(f for _, f in _membership_chunks(model, n, U, T, rng, sampling))
    return BinomialRate(failed, T)


@dataclass(frozen=True)
class MembershipSearch:
    """Result of :func:`membership_min_dimension`.

    Attributes
    ----------
    dimension : int
        The smallest ``D`` found whose measured failure rate is at most ``delta``.
    failing : int
        The largest ``D`` below it whose measured rate exceeds ``delta`` (0 if none was
        tested); ``dimension - failing`` is the resolution of the search.
    evaluations : tuple of (int, int, int)
        ``(D, failed trials, trials run)`` of every evaluation, in order; a failing
        evaluation stops as soon as its failures exceed ``delta * trials``.
    """

    dimension: int
    failing: int
    evaluations: tuple[tuple[int, int, int], ...]


def membership_min_dimension(
    model: str,
    n_items: int,
    universe: int,
    delta: float,
    *,
    trials: int,
    seed,
    start: int | None = None,
    rtol: float = 1.0 / 64.0,
    sampling: str = "conditional",
    device: str = "cpu",
) -> MembershipSearch:
    """Smallest dimension at which the membership test fails with rate at most ``delta``.

    The criterion at ``D``: among ``trials`` independent trials of
    :func:`membership_failures` (fresh draws for every ``D``), at most
    :math:`\\delta T` fail, i.e. the measured rate :math:`\\hat p(D) \\le \\delta` (a
    point estimate, not a confidence bound). The search doubles ``D`` from ``start``
    until the criterion holds (or halves it until it fails), then bisects the bracket
    ``(failing, passing]`` until its width is at most ``max(1, rtol * D)``. It assumes
    the failure rate falls with ``D`` (it does in expectation); the returned ``D``
    passed, and ``failing`` (within the resolution below it) did not.

    Statistics: the measured rate at :math:`p = \\delta` has relative standard error
    :math:`\\varepsilon = \\sqrt{(1-\\delta)/(\\delta T)}` (0.2 for :math:`\\delta = 0.1`,
    ``T = 225``). Near the minimum the failure probability falls steeply, about as
    :math:`U\\,\\Phi(-\\tfrac12\\sqrt{D/n})` for MAP-I, a logarithmic slope
    :math:`d\\ln p / d\\ln D \\approx -\\ln(U/\\delta)` or steeper, so the minimal ``D``
    has a relative scatter of about :math:`\\varepsilon / \\ln(U/\\delta)` (a few
    percent), plus the bisection's ``rtol``.

    Parameters
    ----------
    model : {"map-i", "map-b"}
    n_items : int
        ``n >= 1``.
    universe : int
        ``U >= n``.
    delta : float
        Target failure probability in ``(0, 1)``.
    trials : int
        Trials per evaluated ``D``, at least ``1 / delta`` (so that a rate of ``delta``
        is at least one failure).
    seed : int, numpy.random.Generator or None
        Every evaluation draws from this one generator, in order.
    start : int, optional
        First ``D`` tried; default ``n``.
    rtol : float, optional
        Relative resolution of the bisection, in ``(0, 1)``.
    sampling : {"conditional", "atoms"}, optional
        As in :func:`membership_failures`.
    device : {"cpu", "gpu", "auto"}, optional

    Returns
    -------
    MembershipSearch

    Raises
    ------
    ValueError
        For a bad argument, or when the criterion still fails at
        :data:`hebbian.vsa.models.MAX_DIMENSION`.
    """
    if model not in _MEMBERSHIP_MODELS:
        raise ValueError(
            f"model must be one of {', '.join(map(repr, _MEMBERSHIP_MODELS))}, got {model!r}"
        )
    n = check_int("n_items", n_items, minimum=1)
    U = check_int("universe", universe, minimum=n)
    delta = check_real(
        "delta", delta, minimum=0.0, maximum=1.0, include_minimum=False, include_maximum=False
    )
    T = check_int("trials", trials, minimum=1)
    if T * delta < 1.0:
        raise ValueError(
            f"trials must be at least 1/delta = {1.0 / delta:g} to resolve delta = {delta:g}, "
            f"got {T}"
        )
    D = check_int("start", n if start is None else start, minimum=1, maximum=MAX_DIMENSION)
    rtol = check_real(
        "rtol", rtol, minimum=0.0, maximum=1.0, include_minimum=False, include_maximum=False
    )
    if sampling not in MEMBERSHIP_SAMPLING:
        raise ValueError(
            f"sampling must be one of {', '.join(map(repr, MEMBERSHIP_SAMPLING))}, "
            f"got {sampling!r}"
        )
    rng = as_generator(seed)
    allowed = math.floor(delta * T)
    evaluations: list[tuple[int, int, int]] = []

    def passes(dim: int) -> bool:
        vsa = hypervector_model(model, dim, device=device)
        run = failed = 0
        for t, f in _membership_chunks(vsa, n, U, T, rng, sampling):
            run, failed = run + t, failed + f
            if failed > allowed:
                break
        evaluations.append((dim, failed, run))
        return failed <= allowed

    if passes(D):
        hi, lo = D, 0
        while lo == 0 and hi > 1:
            if passes(hi // 2):
                hi //= 2
            else:
                lo = hi // 2
    else:
        lo = D
        while True:
            if lo >= MAX_DIMENSION:
                raise ValueError(
                    f"the failure rate is still above delta = {delta:g} at the largest "
                    f"dimension {MAX_DIMENSION} (n_items = {n}, universe = {U})"
                )
            hi = min(2 * lo, MAX_DIMENSION)
            if passes(hi):
                break
            lo = hi
    while hi - lo > max(1, math.floor(rtol * hi)):
        mid = (lo + hi) // 2
        if passes(mid):
            hi = mid
        else:
            lo = mid
    return MembershipSearch(hi, lo, tuple(evaluations))
