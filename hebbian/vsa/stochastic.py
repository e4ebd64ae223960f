"""The threshold-activated stochastic factorizer (the in-memory factorizer of IBM).

Langenegger, Karunaratne, Hersche, Benini, Sebastian and Rahimi, "In-memory
factorization of holographic perceptual representations", Nature Nanotechnology 18, 479
(2023), run the resonator network of :mod:`hebbian.vsa.resonator` (outer-product
weights, factors updated one after the other) with two changes: the similarity vector
of each factor is *noisy* (the analogue noise of the phase-change-memory crossbars that
compute it, modelled as Gaussian) and *sparse* (only the similarities above a threshold
reconstruct the next estimate). The noise breaks the limit cycles and spurious fixed
points in which the deterministic network gets stuck, so the factorizer keeps searching
and solves search spaces far beyond the resonator's operational capacity when allowed
many iterations. Karunaratne et al., "On the role of noise in factorizers for
disentangling distributed representations", arXiv:2412.00354 (2024), drop the added
noise and draw it once instead, from an *asymmetric* pair of codebooks: the codebook
that reconstructs the estimate differs from the one that computes the similarities by
a fraction of flipped bits.

* :func:`stochastic_factorize` -- the factorizer on a batch of composites, every option
  explicit.
* :func:`stochastic_solver` -- the same with the default noise and threshold for the
  dimension, under the call signature of :data:`hebbian.vsa.trials.FACTORIZERS`
  (``method="stochastic"``).
* :func:`default_noise`, :func:`default_threshold`, :func:`authors_max_iterations` --
  the defaults, and the authors' iteration budget.

The code is written once for NumPy and CuPy, like :func:`~hebbian.vsa.resonator.resonate`;
the random numbers are drawn on the host from the NumPy generator given and moved to the
device, so a seed gives the same draws on the CPU and the GPU.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np

from hebbian._blas import blas_threads
from hebbian._validation import check_real
from hebbian.device import to_host
from hebbian.vsa.resonator import (
    ResonatorResult,
    _generator,
    _int,
    _module_of,
    check_problem,
    retire,
)

__all__ = [
    "NOISE_TABLE",
    "STOP_SIMILARITY",
    "JITTER",
    "THRESHOLD_PASSES",
    "authors_max_iterations",
    "default_noise",
    "default_threshold",
    "stochastic_factorize",
    "stochastic_solver",
]

#: Standard deviation of the similarity noise against the dimension, the authors'
#: defaults (IBM/in-memory-factorizer, models/densebipolarbatched.py), linearly
#: interpolated in between and held constant outside by :func:`default_noise`.
NOISE_TABLE = (
    (256, 0.0136),
    (512, 0.01074),
    (1024, 0.008),
    (2048, 0.0058),
    (3072, 0.0045),
    (4096, 0.0038),
    (5120, 0.0033),
    (6144, 0.0029),
)

#: Random codevectors expected above the default threshold (:func:`default_threshold`):
#: the authors' rule for their threshold, with their 7 replaced by 4, which gives
#: their explicit :math:`T = 0.136` at :math:`N = D_f = 256` (0.1346).
THRESHOLD_PASSES = 4

#: The noise the authors add to the thresholded similarities whenever the similarity
#: noise is on (:func:`stochastic_solver` does too): it turns an all-zero similarity
#: vector into a random superposition instead of the all-(+1) state.
JITTER = 0.001

#: Early stop: a trial stops once the largest similarity of every factor exceeds this
#: level in one iteration (the authors' default convergence-detection threshold; some
#: of their hardware configurations use 0.6).
STOP_SIMILARITY = 0.625


def _real(name, value, **bounds) -> float:
    """:func:`check_real`, with a wrong type also refused as a one-line ValueError."""
    try:
        return check_real(name, value, **bounds)
    except TypeError as exc:
        raise ValueError(str(exc)) from None


def default_noise(dimension: int) -> float:
    """Return the authors' standard deviation of the similarity noise at dimension ``N``.

    Linear interpolation in :math:`N` of :data:`NOISE_TABLE` (0.0136 at
    :math:`N = 256`, 0.008 at 1024, 0.0038 at 4096), rounded to four decimals as the
    authors do, and held at the end values outside :math:`[256, 6144]`.

    >>> default_noise(256), default_noise(768), default_noise(10_000)
    (0.0136, 0.0094, 0.0029)
    """
    N = _int("dimension", dimension, 1)
    sizes, sigmas = zip(*NOISE_TABLE)
    return round(float(np.interp(N, sizes, sigmas)), 4)


def default_threshold(dimension: int, codebook_size: int) -> float:
    """Our default activation threshold: :math:`T = \\Phi^{-1}(1 - 4/D)/\\sqrt N`.

    The authors' fallback rule (IBM/in-memory-factorizer, models/densebipolarbatched.py,
    used when no threshold is given): the similarity of a random codevector is about
    :math:`\\mathcal N(0, 1/N)`, and :math:`T` is the level that
    :data:`THRESHOLD_PASSES` of the :math:`D` codevectors pass on average (their
    ``topa``, 7; we take 4, which gives 0.1346 at :math:`N = D = 256`, where their
    standard factorizer, experiments/100b_dense, sets 0.136 explicitly). Rounded to
    four decimals; 0 when :math:`D \\le 8`.

    >>> default_threshold(256, 256), default_threshold(256, 40), default_threshold(256, 8)
    (0.1346, 0.0801, 0.0)
    """
    N = _int("dimension", dimension, 1)
    D = _int("codebook_size", codebook_size, 1)
    if D <= 2 * THRESHOLD_PASSES:
        return 0.0
    level = NormalDist().inv_cdf(1.0 - THRESHOLD_PASSES / D) / math.sqrt(N)
    return round(level, 4)


def authors_max_iterations(codebook_size: int, factors: int, scale: float = 1.0) -> int:
    """Return the authors' iteration budget ``int(scale * D**(F - 1) / F)``, at least 1.

    IBM/in-memory-factorizer, main_capacity.py (``scale`` is their ``iter.fac``, 1 in
    their capacity runs): 300 at :math:`D = 30, F = 3`, against Kent et al.'s
    :math:`0.001\\,D^F = 27` (:func:`hebbian.vsa.trials.default_max_iterations`).

    >>> authors_max_iterations(30, 3), authors_max_iterations(999, 3)
    (300, 332667)
    """
    D = _int("codebook_size", codebook_size, 1)
    F = _int("factors", factors, 1)
    scale = _real("scale", scale, minimum=0.0, include_minimum=False)
    return max(1, int(scale * D ** (F - 1) / F))


def _flip_bits(book: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Return a copy of ``book`` with ``int(fraction * size)`` random entries negated."""
    flipped = np.array(book, dtype=np.int8, copy=True)
    count = int(fraction * flipped.size)
    if count:
        where = rng.choice(flipped.size, size=count, replace=False)
        flipped.reshape(-1)[where] *= -1
    return flipped


def _run(xp, s, forward, backward_t, noise, jitter, threshold, stop, max_iterations, rng):
    """Factor the (T, N) float32 composites ``s``: host results.

    ``forward[f]`` is :math:`X_f` (N, D_f) in float32, ``backward_t[f]`` the backward
    codebook transposed (D_f, N) in float64. The similarities are kept in units of
    :math:`1/N` (``h = X_f^T u``, integers, exact in float32), so the threshold and the
    noise are scaled by ``N``; with no noise the fields are integers, computed exactly.
    """
    T, N = s.shape
    F = len(forward)
    indices = np.zeros((T, F), dtype=np.int64)
    signs = np.ones((T, F), dtype=np.int8)
    iterations = np.zeros(T, dtype=np.int64)
    converged = np.zeros(T, dtype=bool)
    final = np.zeros((T, F, N), dtype=np.int8)
    if T == 0:
        return indices, signs, iterations, converged, final
    sigma, spread, level, top = noise * N, jitter * N, threshold * N, stop * N

    s = s.copy()
    x = []
    for X in forward:
        start = xp.where(X.sum(axis=1) >= 0, 1, -1).astype(s.dtype)  # sgn(sum of columns)
        x.append(xp.repeat(start[None, :], T, axis=0))
    prod = s.copy()
    for xf in x:
        prod *= xf  # s * prod_g x_g; s * prod_{g != f} x_g is then prod * x_f
    u = xp.empty_like(s)
    best = [xp.zeros(T, dtype=xp.int64) for _ in range(F)]  # argmax |a_f|, last update
    active = np.arange(T)
    t = T

    for it in range(1, max_iterations + 1):
        P, U = prod[:t], u[:t]
        high = xp.ones(t, dtype=bool)
        for f in range(F):
            xp.multiply(P, x[f][:t], out=U)  # s * prod_{g != f} x_g
            a = (U @ forward[f]).astype(xp.float64)  # N a_f without the noise
            if sigma > 0:
                a += sigma * xp.asarray(rng.standard_normal(a.shape))
            high &= a.max(axis=1) > top
            best[f][:t] = xp.argmax(xp.abs(a), axis=1)
            a *= a >= level  # keep a_f >= T
            if spread > 0:
                a += spread * xp.asarray(rng.standard_normal(a.shape))
            y = a @ backward_t[f]
            x[f][:t] = xp.where(y >= 0, 1, -1)  # sgn(0) = +1
            xp.multiply(U, x[f][:t], out=P)
        done = high
        if it == max_iterations:
            done = xp.ones(t, dtype=bool)
        if not bool(done.any()):
            continue
        done_host = to_host(done)
        rows = active[done_host]
        iterations[rows] = it
        converged[rows] = to_host(high)[done_host]
        for f in range(F):
            xf = x[f][:t][done]
            c = best[f][:t][done]
            overlap = xp.sum(xf * forward[f].T[c], axis=1)  # x_f . X_f[:, c]
            indices[rows, f] = to_host(c)
            signs[rows, f] = to_host(xp.where(overlap >= 0, 1, -1)).astype(np.int8)
            final[rows, f] = to_host(xf).astype(np.int8)
        running = retire(xp, done_host, active, (s, prod, *x, *best), t)
        if running is None:
            break
        _, active, _, t = running
    return indices, signs, iterations, converged, final


def stochastic_factorize(
    composite: object,
    codebooks: Sequence[object],
    *,
    threshold: float,
    noise: float,
    max_iterations: int,
    rng: int | np.random.Generator | None,
    backward_flip: float = 0.0,
    stop_similarity: float = STOP_SIMILARITY,
    jitter: float = 0.0,
) -> ResonatorResult:
    """Factor a batch of composites with the threshold-activated stochastic factorizer.

    For each of the ``T`` composites :math:`s` (rows of ``composite``), start from the
    superposition of each codebook, :math:`\\hat x^{(f)}(0) = \\operatorname{sgn}
    (\\sum_c X_f[:, c])` (as :func:`~hebbian.vsa.resonator.resonate`), and repeat, for
    :math:`f = 1, \\dots, F` in this order and in place (factor :math:`f` sees the
    factors :math:`g < f` already updated in this iteration),

    .. math::

        a_f &= X_f^{\\mathsf T}\\big(s \\odot \\textstyle\\prod_{g \\ne f}
               \\hat x^{(g)}\\big)/N + \\sigma\\,\\xi_f,
               \\qquad \\xi_f \\sim \\mathcal N(0, I_{D_f}),\\\\
        \\hat x^{(f)} &= \\operatorname{sgn}\\big(\\tilde X_f\\,
               (a_f \\odot \\mathbb 1[a_f \\ge T] + \\epsilon\\,\\zeta_f)\\big),
               \\qquad \\operatorname{sgn}(0) = +1,

    with :math:`\\sigma` = ``noise``, :math:`T` = ``threshold``, :math:`\\epsilon` =
    ``jitter`` (:math:`\\zeta_f \\sim \\mathcal N(0, I_{D_f})`, 0 by default) and
    :math:`\\tilde X_f` the backward codebook: :math:`X_f` itself, or with
    ``backward_flip`` = :math:`g_0 > 0` a copy of it with
    :math:`\\lfloor g_0 N D_f \\rfloor` entries (drawn without replacement,
    independently per factor, once per call) negated: the asymmetric codebooks of
    Karunaratne et al. (2024). A trial stops early (``converged``) after
    an iteration in which the largest similarity :math:`\\max_c a_f[c]` of every
    factor (noise included, before the threshold) exceeded ``stop_similarity``, and
    otherwise after ``max_iterations`` iterations. The decode is
    :math:`\\arg\\max_c |a_f[c]|`, of each factor's last similarity vector (noise
    included). References: Langenegger et al., Nature Nanotechnology 18, 479 (2023);
    Karunaratne et al., arXiv:2412.00354 (2024).

    With ``noise=0``, ``jitter=0`` and ``threshold <= -1`` (every similarity kept, since
    :math:`|a_f| \\le 1`) the update is the outer-product resonator's,
    :math:`\\operatorname{sgn}(X_f X_f^{\\mathsf T} u)`: the states are those of
    :func:`~hebbian.vsa.resonator.resonate` with ``weights="op"`` iteration by
    iteration (only the stops and the decode differ).

    Parameters
    ----------
    composite : (T, N) or (N,) array of -1 and +1
        The problems (a 1-D array is one problem); NumPy, or CuPy to run on the GPU.
    codebooks : sequence of F arrays (N, D_f) of -1 and +1
        The codebooks that made the composites (the forward ones), shared by the batch.
    threshold : float
        :math:`T`, a finite real (the authors use 0.136 at :math:`N = 256` with noise,
        0.001 to 0.1 with asymmetric codebooks; :func:`default_threshold`).
    noise : float
        :math:`\\sigma \\ge 0` (:func:`default_noise`; 0 for none, and then nothing is
        drawn for it).
    max_iterations : int
        At most this many iterations per trial (>= 1); one iteration updates every
        factor once. The authors allow :func:`authors_max_iterations`.
    rng : int, numpy Generator or None
        The source of the noise and of the bit flips, drawn on the host: the bit flips
        first, factor by factor; then per iteration and factor, in this order, a
        ``(t, D_f)`` block of standard normals for :math:`\\xi_f` and one for
        :math:`\\zeta_f` (each only when its scale is positive), for the ``t`` trials
        still running, in increasing trial order.
    backward_flip : float, optional
        :math:`g_0 \\in [0, 1]`, the fraction of entries of each backward codebook
        negated (the authors' ``G0_noise_std_rel``, 0 to 0.1 in their optimum rows).
    stop_similarity : float, optional
        The early-stop level (:data:`STOP_SIMILARITY`); a level of 1 or more never
        triggers without noise.
    jitter : float, optional
        :math:`\\epsilon \\ge 0`, the noise added to the thresholded similarities (the
        authors add :data:`JITTER` whenever the similarity noise is on); drawn after
        the similarity noise of the same factor.

    Returns
    -------
    ResonatorResult
        NumPy arrays: ``indices`` the decode above, ``signs`` the sign of the last state
        against the decoded codevector of the (forward) codebook, ``sign_product``,
        ``iterations`` (the stopping iteration counted), ``converged`` (stopped early,
        all similarities above the level), ``limit_cycle`` (always False: the dynamics
        is random, no cycle test is run) and ``states`` (the last states).

    Notes
    -----
    Arithmetic: :math:`N a_f` minus the noise is an integer computed exactly in float32;
    the noise, the threshold and the reconstruction are in float64 (with no noise the
    reconstructed fields are integers, computed exactly). Cost per iteration
    :math:`4\\,t\\,N \\sum_f D_f` flops for the ``t`` trials still running (the
    reconstruction is a dense product, zeros included), plus the draw of
    :math:`t \\sum_f D_f` normals on the host. The batch runs in the calling thread
    (the draws follow the trial order), with a one-thread BLAS on the CPU.

    Differences from the authors' code (IBM/in-memory-factorizer,
    models/densebipolarbatched.py): they stop a trial once the largest similarity of
    *any one* factor exceeds 0.625, we wait for every factor; they decode the
    thresholded similarities with the jitter, we the similarities before the threshold
    (the same codevector whenever one passes it); their initial state breaks the ties
    of an even codebook size by rank, ours sets them to :math:`+1`; their codebooks have exactly
    :math:`N/2` entries :math:`+1` per codevector and, in most runs, are circular shifts
    of one another.
    """
    xp = _module_of(composite)
    threshold = _real("threshold", threshold)
    noise = _real("noise", noise, minimum=0.0)
    jitter = _real("jitter", jitter, minimum=0.0)
    max_iterations = _int("max_iterations", max_iterations, 1)
    backward_flip = _real("backward_flip", backward_flip, minimum=0.0, maximum=1.0)
    stop_similarity = _real("stop_similarity", stop_similarity)
    rng = _generator(rng)
    s, books = check_problem(composite, codebooks, xp)
    forward = [xp.ascontiguousarray(X, dtype=xp.float32) for X in books]
    backward_t = []
    for X in books:
        if backward_flip > 0:
            X = xp.asarray(_flip_bits(to_host(X), backward_flip, rng))
        backward_t.append(xp.ascontiguousarray(X.T, dtype=xp.float64))
    options = (noise, jitter, threshold, stop_similarity, max_iterations, rng)
    with blas_threads(1):
        out = _run(xp, s.astype(xp.float32), forward, backward_t, *options)
    indices, signs, iterations, converged, final = out
    product = np.prod(signs, axis=1, dtype=np.int8)
    cycles = np.zeros_like(converged)
    return ResonatorResult(indices, signs, product, iterations, converged, cycles, final)


def stochastic_solver(composite, codebooks, *, weights, order, max_iterations, cycle_length,
                      rng) -> ResonatorResult:  # fmt: skip
    """:func:`stochastic_factorize` with default settings, as a trial factorizer.

    The call signature of :data:`hebbian.vsa.trials.FACTORIZERS` (``method=
    "stochastic"``): noise :func:`default_noise` of :math:`N` (0.0136 at
    :math:`N = 256`), threshold :func:`default_threshold` of :math:`N` and the largest
    codebook size :math:`D` (0.0938 at :math:`N = 256, D = 60`), jitter :data:`JITTER`,
    symmetric codebooks, early stop at :data:`STOP_SIMILARITY`, at most
    ``max_iterations`` iterations. The trial driver's default budget is Kent et al.'s
    :math:`0.001\\,D^F`
    (:func:`hebbian.vsa.trials.default_max_iterations`), not the authors'
    :math:`D^{F-1}/F` (:func:`authors_max_iterations`, 300 against 27 at
    :math:`D = 30, F = 3`): pass ``max_iterations`` to compare at theirs. ``weights``,
    ``order`` and ``cycle_length`` are the resonator's and are ignored (the updates are
    sequential and no cycle test is run).
    """
    N = int(composite.shape[-1])
    D = max(int(book.shape[1]) for book in codebooks)
    return stochastic_factorize(composite, codebooks, threshold=default_threshold(N, D),
                                noise=default_noise(N), max_iterations=max_iterations,
                                rng=rng, jitter=JITTER)  # fmt: skip
