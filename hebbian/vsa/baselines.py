"""Optimisation baselines for vector factorization (Kent et al. 2020): six methods.

Kent, Frady, Sommer and Olshausen (Neural Computation 32, 2332 (2020)) compare the
resonator network (:mod:`hebbian.vsa.resonator`) with optimisation methods that also
"search in superposition": each factor is a real superposition of its codevectors,

.. math:: x^{(f)} = X_f\\, a^{(f)}, \\qquad a^{(f)} \\in \\mathbb{R}^{D_f},

and the coefficients :math:`a^{(f)}` are updated one factor after the other, in a fixed
order and in place (factor :math:`f` sees the factors :math:`g < f` already updated in
this iteration), against the other factors' product
:math:`p^{(f)} = \\prod_{g \\ne f} x^{(g)}` (element-wise). Their six methods are
here, as written in the authors' public code (``spencerkent/resonator-networks``,
``dynamics/bench_numpy.py``) with the parameters of their capacity table
(``operational_capacity.yaml``):

* :func:`als` -- alternating least squares, the loss
  :math:`\\lVert s - \\prod_f X_f a^{(f)} \\rVert^2` minimised exactly in one factor
  at a time;
* :func:`projected_gradient` -- projected gradient descent on the inner-product loss
  :math:`-\\langle s, \\prod_f X_f a^{(f)} \\rangle` with the coefficients of each
  factor kept on the probability simplex;
* :func:`ista` and :func:`fista` -- (fast) iterative soft thresholding on the squared
  error with an :math:`\\ell_1` penalty on the coefficients, step :math:`1/L` (Beck and
  Teboulle, SIAM J. Imaging Sci. 2, 183 (2009));
* :func:`multiplicative_weights` -- multiplicative updates of simplex coefficients on
  the inner-product loss (Arora, Hazan and Kale, Theory of Computing 8, 121 (2012));
* :func:`map_seeking` -- a map-seeking circuit (Arathorn 2002): non-negative gating
  coefficients lowered by their shortfall against the best match, clipped at a threshold.

All stop when the coefficients of every factor moved less than a tolerance in an
iteration, or after ``max_iterations``. The decode is the resonator's: the codevector
most similar, in absolute cosine, to the last real state :math:`x^{(f)}`. Kent et al.'s
operational capacities at :math:`N = 1500, F = 3` are :math:`D_f = 23.7` (ALS), 21.5
(PGD), 23 (ISTA), 23.5 (FISTA), 21.5 (multiplicative weights) and 22.4 (map-seeking
circuit), against 79 for the resonator with outer-product weights.

The iteration budget: the note of their capacity table says "measured with
:math:`p = 0.99` and :math:`k = 0.001 M`", while their benchmark code caps the
baselines at 10000 iterations by default ("probably unnecessary for the benchmarks, as
they all converge on their own"). Our measurements (:math:`N = 1500`, :math:`F = 3`)
side with the second reading for ALS: run to convergence, ALS crosses 0.99 at
:math:`D_f \\approx 23.5` (2000 trials per size), the published 23.7; capped at
:math:`k = 0.001\\,D_f^3` (13 iterations at :math:`D_f = 24`, where 3-8% of the
trials have not converged) it crosses at :math:`D_f \\approx 16.8`, where the cap is
4-5 iterations. PGD converges in about 4 iterations and barely notices the cap: 22.2
capped, 21.2 uncapped (3000 trials per size), the published 21.5. The trial driver
(:func:`hebbian.vsa.trials.resonator_trials`) applies :math:`k = 0.001 M` unless given
``max_iterations``.

:data:`SOLVERS` holds all six by name, in the call signature of
:data:`hebbian.vsa.trials.FACTORIZERS`. The code is written once for NumPy and CuPy
(the array module of the inputs); a batch of problems advances together, a finished
trial leaving the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from hebbian._blas import blas_threads
from hebbian._validation import check_real
from hebbian.device import to_host
from hebbian.vsa.resonator import (
    ResonatorResult,
    _int,
    _module_of,
    _result,
    check_problem,
)

__all__ = [
    "ALS_RCOND",
    "ALS_TOLERANCE",
    "ISTA_SPARSITY",
    "ISTA_TOLERANCE",
    "ISTA_ZERO_STEP",
    "MSC_STEP",
    "MSC_THRESHOLD",
    "MSC_TOLERANCE",
    "MW_ACTIVE",
    "MW_STEP",
    "MW_TOLERANCE",
    "PGD_STEP",
    "PGD_TOLERANCE",
    "SOLVERS",
    "als",
    "fista",
    "ista",
    "map_seeking",
    "multiplicative_weights",
    "projected_gradient",
]

#: ALS stops when :math:`\mathrm{mean}_c |\Delta a^{(f)}_c| <` this for every factor
#: (the value of Kent et al.'s capacity table; their example script uses 1e-3).
ALS_TOLERANCE = 1e-4

#: Eigenvalues of the normal matrix :math:`G = \Xi^{\mathsf T}\Xi` at most this fraction
#: of the largest are dropped (the pseudo-inverse of :math:`\Xi` through :math:`G`:
#: singular values of :math:`\Xi` below :math:`10^{-5}` of the largest count as zero).
ALS_RCOND = 1e-10

#: Step size :math:`\eta` of projected gradient descent (Kent et al.'s value).
PGD_STEP = 0.01

#: The weight :math:`\lambda` of the :math:`\ell_1` penalty of ISTA and FISTA (Kent et
#: al.'s value).
ISTA_SPARSITY = 0.01

#: ISTA and FISTA stop when :math:`\mathrm{mean}_c |\Delta a^{(f)}_c| <` this for every
#: factor (Kent et al.'s value; not divided by the step, which varies).
ISTA_TOLERANCE = 1e-4

#: The (F)ISTA step used instead of :math:`1/L` when :math:`L = 0` (another factor's
#: state is zero), as in Kent et al.'s code.
ISTA_ZERO_STEP = 1e-3

#: Rate :math:`\eta` of multiplicative weights (Kent et al.'s value).
MW_STEP = 0.3

#: Multiplicative weights stop when :math:`\mathrm{mean}_c |\Delta a^{(f)}_c| / \eta <`
#: this for every factor (Kent et al.'s value) ...
MW_TOLERANCE = 1e-3

#: ... and at most half of each factor's coefficients exceed this.
MW_ACTIVE = 1e-2

#: Step size :math:`\eta` of the map-seeking circuit (Kent et al.'s value).
MSC_STEP = 0.1

#: The map-seeking circuit stops when :math:`\mathrm{mean}_c |\Delta a^{(f)}_c| /
#: \eta <` this for every factor (Kent et al.'s value).
MSC_TOLERANCE = 1e-5

#: Map-seeking coefficients below this are set to zero (Kent et al.'s value).
MSC_THRESHOLD = 1e-5

#: PGD stops when :math:`\mathrm{mean}_c |\Delta a^{(f)}_c| / \eta <` this for every
#: factor (Kent et al.'s value).
PGD_TOLERANCE = 1e-5


def _real(name: str, value: object, **bounds) -> float:
    """Return ``value`` as a finite float within ``bounds``, else a one-line ValueError.

    ``bounds`` are those of :func:`hebbian._validation.check_real`.
    """
    try:
        return check_real(name, value, **bounds)
    except TypeError as exc:
        raise ValueError(str(exc)) from None


def _positive(name: str, value: object) -> float:
    """Return ``value`` as a finite float > 0; refuse anything else in one line."""
    return _real(name, value, minimum=0.0, include_minimum=False)


def _nonnegative(name: str, value: object) -> float:
    """Return ``value`` as a finite float >= 0; refuse anything else in one line."""
    return _real(name, value, minimum=0.0)


def _inputs(composite, codebooks, max_iterations):
    """Check the inputs: the array module, (T, N) float64 composites, codebooks, cap."""
    xp = _module_of(composite)
    max_iterations = _int("max_iterations", max_iterations, 1)
    s, books = check_problem(composite, codebooks, xp)
    books = [xp.ascontiguousarray(X, dtype=xp.float64) for X in books]
    return xp, s.astype(xp.float64), books, max_iterations


def _descend(
    xp, s, Xs, start, update, tolerance, scale, max_iterations, *, aux=None, eligible=None
) -> ResonatorResult:
    """Run a sequential coefficient descent on a batch; the shared loop of the baselines.

    ``start(f)`` is factor ``f``'s initial coefficient vector (D_f,); ``update(f, a, p,
    s)`` returns its new coefficients (t, D_f) from the current ones ``a``, the product
    ``p`` (t, N) of the other factors and the composites ``s`` of the ``t`` running
    trials. A trial stops after the iteration in which every factor's mean absolute
    coefficient change over ``scale`` was below ``tolerance`` (converged), or at
    ``max_iterations``. ``aux`` (optional) maps names to per-trial arrays (first axis
    the running trials) that ``update`` keeps in it; the loop drops a finished trial's
    rows from them as from its own arrays. ``eligible(a)`` (optional) returns, for new
    coefficients ``a`` (t, D_f), whether the convergence test applies yet (a trial for
    which it returns False has not converged in that iteration).
    """
    T, N = s.shape
    F = len(Xs)
    indices = np.zeros((T, F), dtype=np.int64)
    signs = np.ones((T, F), dtype=np.int8)
    iterations = np.zeros(T, dtype=np.int64)
    converged = np.zeros(T, dtype=bool)
    final = np.zeros((T, F, N), dtype=np.int8)
    limit_cycle = np.zeros(T, dtype=bool)  # no limit-cycle test: the flag stays False
    if T == 0:
        return _result(indices, signs, iterations, converged, limit_cycle, final)
    a = [xp.repeat(start(f)[None, :], T, axis=0) for f in range(F)]
    x = [a[f] @ Xs[f].T for f in range(F)]  # x_f = X_f a_f, rows (t, N)
    active = np.arange(T)
    for it in range(1, max_iterations + 1):
        still = xp.ones(s.shape[0], dtype=bool)
        for f in range(F):
            p = xp.ones_like(s)
            for g in range(F):
                if g != f:
                    p *= x[g]  # factors g < f already updated in this iteration
            new = update(f, a[f], p, s)
            still &= xp.abs(new - a[f]).mean(axis=1) / scale < tolerance
            if eligible is not None:
                still &= eligible(new)
            a[f] = new
            x[f] = new @ Xs[f].T
        done = still.copy() if it < max_iterations else xp.ones_like(still)
        if not bool(done.any()):
            continue
        done_host = to_host(done)
        rows = active[done_host]
        iterations[rows] = it
        converged[rows] = to_host(still)[done_host]
        for f in range(F):
            xf = x[f][done]
            sims = xf @ Xs[f]  # proportional to the cosines: codevectors all of norm sqrt(N)
            best = xp.argmax(xp.abs(sims), axis=1)
            overlap = xp.take_along_axis(sims, best[:, None], axis=1)[:, 0]
            indices[rows, f] = to_host(best)
            signs[rows, f] = to_host(xp.where(overlap >= 0, 1, -1)).astype(np.int8)
            final[rows, f] = to_host(xp.where(xf >= 0, 1, -1)).astype(np.int8)
        keep_host = np.flatnonzero(~done_host)
        if keep_host.size == 0:
            break
        keep = xp.asarray(keep_host)
        active = active[keep_host]
        s = s[keep]
        a = [af[keep] for af in a]
        x = [xf[keep] for xf in x]
        if aux is not None:
            for name in aux:
                aux[name] = aux[name][keep]
    return _result(indices, signs, iterations, converged, limit_cycle, final)


def _normal_matrix(xp, p, K, pairs, D):
    """Build the matrices :math:`G = X^{\\mathsf T} \\operatorname{diag}(p^2) X` of a batch.

    ``K`` (N, D(D+1)/2) holds the products :math:`X_{nc} X_{nc'}`, :math:`c \\ge c'`, at
    ``pairs``; one matrix product with the squares of ``p`` (t, N) gives the lower
    triangles, mirrored into (t, D, D).
    """
    i, j = pairs
    packed = (p * p) @ K  # (t, D(D+1)/2): G's lower triangle
    G = xp.empty((p.shape[0], D, D), dtype=xp.float64)
    G[:, i, j] = packed
    G[:, j, i] = packed
    return G


def _products(xp, Xs):
    """Per codebook: the index pairs :math:`c \\ge c'` and the (N, D(D+1)/2) products."""
    pairs = [xp.tril_indices(X.shape[1]) for X in Xs]
    K = [xp.ascontiguousarray(X[:, i] * X[:, j]) for X, (i, j) in zip(Xs, pairs)]
    return pairs, K


def _pinv_solve(xp, G, b):
    """Minimum-norm solutions of the symmetric systems ``G[t] a = b[t]`` (batched).

    The eigendecomposition :math:`G = V \\Lambda V^{\\mathsf T}` gives
    :math:`a = V \\Lambda^{+} V^{\\mathsf T} b`, eigenvalues at most :data:`ALS_RCOND`
    times the largest counted as zero (all of them when :math:`G = 0`).
    """
    w, V = xp.linalg.eigh(G)  # ascending
    kept = w > ALS_RCOND * w[:, -1:]
    inverse = xp.where(kept, 1.0 / xp.where(kept, w, 1.0), 0.0)
    c = (xp.swapaxes(V, 1, 2) @ b[:, :, None])[:, :, 0]
    return (V @ (inverse * c)[:, :, None])[:, :, 0]


def als(
    composite: object,
    codebooks: Sequence[object],
    *,
    max_iterations: int,
    tolerance: float = ALS_TOLERANCE,
) -> ResonatorResult:
    """Factor a batch of composites by alternating least squares (Kent et al. 2020).

    The real states are superpositions :math:`x^{(f)} = X_f a^{(f)}` of the codevectors
    (no threshold). Start from :math:`a^{(f)} = \\mathbf 1` (every coefficient 1, so
    :math:`x^{(f)}` is the sum of the codevectors) and repeat, for
    :math:`f = 1, \\dots, F` in this fixed order and in place,

    .. math:: \\Xi_f = \\operatorname{diag}\\Big(\\textstyle\\prod_{g \\ne f}
              x^{(g)}\\Big) X_f, \\qquad a^{(f)} \\leftarrow \\Xi_f^{+} s
              = \\arg\\min_{a} \\Big\\lVert s - \\Xi_f a \\Big\\rVert^2,
              \\qquad x^{(f)} \\leftarrow X_f a^{(f)},

    the exact minimiser of :math:`\\lVert s - \\prod_f X_f a^{(f)} \\rVert^2` over one
    factor's coefficients with the others fixed (:math:`\\Xi_f^{+}` the Moore-Penrose
    pseudo-inverse: the minimum-norm minimiser). An iteration updates every factor once.
    A trial stops after the iteration in which every factor's coefficients moved by less
    than ``tolerance`` on average, :math:`\\frac{1}{D_f} \\sum_c |a^{(f)}_c -
    a^{(f)}_{c,\\mathrm{before}}| <` ``tolerance`` (``converged``), or after
    ``max_iterations``. The decode, whatever the stop, is the codevector of largest
    absolute cosine with the last real state, :math:`\\arg\\max_c |x^{(f)} \\cdot
    X_f[:, c]|` (the authors flip the state's sign to make that cosine positive, then
    take the largest cosine: the same index barring exact ties). This is the algorithm
    of the authors' code (``bench_numpy.py`` of ``spencerkent/resonator-networks``),
    with their capacity table's tolerance 1e-4. Reference: Kent, Frady, Sommer and
    Olshausen, Neural Computation 32, 2332 (2020), where ALS reaches
    :math:`D_f = 23.7` at 99% accuracy (:math:`N = 1500`, :math:`F = 3`); we find
    23.5 when ALS runs to convergence and 16.8 when it is capped at
    :math:`k = 0.001 D_f^3` iterations (see the module's notes on the budget).

    Parameters
    ----------
    composite : (T, N) or (N,) array of -1 and +1
        The problems (a 1-D array is one problem); NumPy, or CuPy to run on the GPU.
    codebooks : sequence of F arrays (N, D_f) of -1 and +1
        The codebooks, shared by the batch (columns are the codevectors).
    max_iterations : int
        At most this many iterations per trial (>= 1).
    tolerance : float, optional
        The convergence threshold on the mean absolute change of the coefficients.

    Returns
    -------
    ResonatorResult
        NumPy arrays: ``indices`` and ``signs`` (the sign of :math:`x^{(f)} \\cdot
        X_f[:, c_f]`) of the decode, ``sign_product``, ``iterations`` (the converging
        iteration counted), ``converged``, ``limit_cycle`` (always False: there is no
        cycle test) and ``states``, here :math:`\\operatorname{sgn}(x^{(f)})`
        (:math:`\\operatorname{sgn}(0) = +1`), the signs of the real last states.

    Notes
    -----
    The least-squares step goes through the normal equations,
    :math:`G = \\Xi_f^{\\mathsf T}\\Xi_f = X_f^{\\mathsf T} \\operatorname{diag}(p^2)
    X_f` and :math:`b = X_f^{\\mathsf T}(p \\odot s)` with :math:`p = \\prod_{g \\ne f}
    x^{(g)}`: for a batch of ``t`` trials, :math:`G` is one matrix product
    :math:`(p^2)\\,K_f` of the (t, N) squares with the (N, :math:`D_f(D_f+1)/2`) matrix
    :math:`K_f` of the products :math:`X_{nc} X_{nc'}`, :math:`c \\ge c'` (built once),
    then a batched eigendecomposition gives the minimum-norm solution, eigenvalues at
    most :data:`ALS_RCOND` times the largest dropped. This equals :math:`\\Xi_f^{+} s`
    to rounding whenever :math:`\\Xi_f` is well conditioned (random problems with
    :math:`N \\gg D_f` always are); it drops singular values of :math:`\\Xi_f` below
    :math:`10^{-5}` of the largest where ``numpy.linalg.pinv`` drops those below
    :math:`10^{-15}`. Everything is float64 (the authors' code runs in float32). Cost
    per iteration :math:`t \\sum_f (N D_f^2 + 4 N D_f + O(D_f^3))` flops, memory
    :math:`O(N D_f^2)` for :math:`K_f` plus :math:`O(t (F N + D_f^2))`; the BLAS runs on
    one thread (:mod:`hebbian._blas`: small batched problems run slower with more).
    """
    xp, s, Xs, max_iterations = _inputs(composite, codebooks, max_iterations)
    tolerance = _positive("tolerance", tolerance)
    pairs, K = _products(xp, Xs)

    def start(f):
        return xp.ones(Xs[f].shape[1], dtype=xp.float64)

    def update(f, a, p, s):
        G = _normal_matrix(xp, p, K[f], pairs[f], a.shape[1])
        return _pinv_solve(xp, G, (p * s) @ Xs[f])

    with blas_threads(1):
        return _descend(xp, s, Xs, start, update, tolerance, 1.0, max_iterations)


def _project_simplex(xp, v):
    """Euclidean projection of each row of ``v`` onto the probability simplex.

    Sort each row in decreasing order, :math:`u_1 \\ge \\dots \\ge u_D`; with
    :math:`\\rho` the largest :math:`j` such that :math:`u_j > (\\sum_{i \\le j} u_i -
    1)/j` and :math:`\\theta = (\\sum_{i \\le \\rho} u_i - 1)/\\rho`, the projection is
    :math:`\\max(v - \\theta, 0)` (Held, Wolfe and Crowder 1974; Duchi et al. 2008). A
    row already on the simplex (sum exactly 1, no negative entry) is returned as is,
    as in the authors' code.
    """
    D = v.shape[1]
    u = -xp.sort(-v, axis=1)
    cumulative = xp.cumsum(u, axis=1)
    j = xp.arange(1, D + 1, dtype=v.dtype)
    holds = u > (cumulative - 1.0) / j
    rho = D - 1 - xp.argmax(holds[:, ::-1], axis=1)  # the last j that holds (j = 1 does)
    theta = (xp.take_along_axis(cumulative, rho[:, None], axis=1) - 1.0) / (rho[:, None] + 1)
    projected = xp.maximum(v - theta, 0.0)
    on = (v.sum(axis=1) == 1.0) & (v >= 0).all(axis=1)
    return xp.where(on[:, None], v, projected)


def projected_gradient(
    composite: object,
    codebooks: Sequence[object],
    *,
    max_iterations: int,
    step: float = PGD_STEP,
    tolerance: float = PGD_TOLERANCE,
) -> ResonatorResult:
    """Factor a batch of composites by projected gradient descent (Kent et al. 2020).

    The real states are superpositions :math:`x^{(f)} = X_f a^{(f)}` with coefficients
    on the probability simplex :math:`\\Delta = \\{a : a_c \\ge 0, \\sum_c a_c = 1\\}`.
    Start from the simplex's centre, :math:`a^{(f)} = \\mathbf 1 / D_f`, and repeat, for
    :math:`f = 1, \\dots, F` in this fixed order and in place, a gradient step on the
    negative inner product :math:`L = -\\langle s, \\prod_f X_f a^{(f)} \\rangle`
    followed by the Euclidean projection onto :math:`\\Delta`,

    .. math:: a^{(f)} \\leftarrow \\Pi_\\Delta\\Big(a^{(f)} + \\eta\\, X_f^{\\mathsf T}
              \\big(s \\odot \\textstyle\\prod_{g \\ne f} x^{(g)}\\big)\\Big),
              \\qquad x^{(f)} \\leftarrow X_f a^{(f)},

    with the fixed step :math:`\\eta` = ``step`` (their 0.01; the gradient is not
    normalised). A trial stops after the iteration in which every factor's coefficients
    moved by less than ``tolerance`` :math:`\\times\\,\\eta` on average,
    :math:`\\frac{1}{D_f}\\sum_c |\\Delta a^{(f)}_c| / \\eta <` ``tolerance``
    (``converged``), or after ``max_iterations``. The decode is that of :func:`als`:
    :math:`\\arg\\max_c |x^{(f)} \\cdot X_f[:, c]|` for the last real state. This is
    the algorithm of the authors' code (``bench_numpy.py`` and
    ``constraint_projection.py`` of ``spencerkent/resonator-networks``), with their
    capacity table's step 0.01 and tolerance 1e-5. Reference: Kent, Frady, Sommer and
    Olshausen, Neural Computation 32, 2332 (2020), where PGD reaches :math:`D_f = 21.5`
    at 99% accuracy (:math:`N = 1500`, :math:`F = 3`); we find 22.2 capped at
    :math:`k = 0.001 D_f^3` iterations and 21.2 run to convergence.

    Parameters
    ----------
    composite : (T, N) or (N,) array of -1 and +1
    codebooks : sequence of F arrays (N, D_f) of -1 and +1
    max_iterations : int
        At most this many iterations per trial (>= 1).
    step : float, optional
        The step size :math:`\\eta > 0`.
    tolerance : float, optional
        The convergence threshold on the mean absolute coefficient change over
        :math:`\\eta`.

    Returns
    -------
    ResonatorResult
        As :func:`als` (``limit_cycle`` always False, ``states`` the signs of the real
        last states).

    Notes
    -----
    Float64 throughout (the authors' code runs in float32). Cost per iteration
    :math:`t \\sum_f (4 N D_f + O(D_f \\log D_f))` flops for ``t`` running trials (two
    matrix products and a sort per factor), memory :math:`O(t F N)`.
    """
    xp, s, Xs, max_iterations = _inputs(composite, codebooks, max_iterations)
    step = _positive("step", step)
    tolerance = _positive("tolerance", tolerance)

    def start(f):
        D = Xs[f].shape[1]
        return xp.full(D, 1.0 / D, dtype=xp.float64)

    def update(f, a, p, s):
        return _project_simplex(xp, a + step * ((s * p) @ Xs[f]))

    with blas_threads(1):
        return _descend(xp, s, Xs, start, update, tolerance, step, max_iterations)


def _soft_threshold(xp, v, threshold):
    """Apply the proximal map of :math:`\\tau\\lVert\\cdot\\rVert_1` to each row.

    :math:`\\operatorname{sgn}(v)\\max(|v| - \\tau, 0)`, with ``threshold`` (t, 1).
    """
    return xp.sign(v) * xp.maximum(xp.abs(v) - threshold, 0.0)


def _lipschitz_step(xp, p, K, pairs, D):
    """Return the (F)ISTA steps :math:`1/L` (t, 1) of a batch.

    :math:`L = \\lambda_{\\max}(X^{\\mathsf T} \\operatorname{diag}(p^2) X)` per trial;
    :data:`ISTA_ZERO_STEP` where :math:`L = 0`.
    """
    L = xp.linalg.eigvalsh(_normal_matrix(xp, p, K, pairs, D))[:, -1]
    return xp.where(L != 0, 1.0 / xp.where(L != 0, L, 1.0), ISTA_ZERO_STEP)[:, None]


def _soft_thresholding(composite, codebooks, max_iterations, sparsity, tolerance, fast):
    """ISTA (``fast`` False) or FISTA (True): the shared body of :func:`ista`, :func:`fista`."""
    xp, s, Xs, max_iterations = _inputs(composite, codebooks, max_iterations)
    sparsity = _nonnegative("sparsity", sparsity)
    tolerance = _positive("tolerance", tolerance)
    pairs, K = _products(xp, Xs)
    T = s.shape[0]
    # FISTA's auxiliary points y_f and momentum sequence t_k, per trial
    aux = {}
    if fast:
        for f, X in enumerate(Xs):
            aux[f"y{f}"] = xp.ones((T, X.shape[1]), dtype=xp.float64)
            aux[f"t{f}"] = xp.ones((T, 1), dtype=xp.float64)

    def start(f):
        return xp.ones(Xs[f].shape[1], dtype=xp.float64)

    def update(f, a, p, s):
        X = Xs[f]
        step = _lipschitz_step(xp, p, K[f], pairs[f], a.shape[1])
        point = aux[f"y{f}"] if fast else a  # where the gradient is taken
        gradient = -(((s - (point @ X.T) * p) * p) @ X)
        new = _soft_threshold(xp, point - step * gradient, sparsity * step)
        if fast:
            t_before = aux[f"t{f}"]
            t_after = (1.0 + xp.sqrt(1.0 + 4.0 * t_before**2)) / 2.0
            aux[f"y{f}"] = new + ((t_before - 1.0) / t_after) * (new - a)
            aux[f"t{f}"] = t_after
        return new

    with blas_threads(1):
        return _descend(xp, s, Xs, start, update, tolerance, 1.0, max_iterations,
                        aux=aux)  # fmt: skip


def ista(
    composite: object,
    codebooks: Sequence[object],
    *,
    max_iterations: int,
    sparsity: float = ISTA_SPARSITY,
    tolerance: float = ISTA_TOLERANCE,
) -> ResonatorResult:
    """Factor a batch of composites by iterative soft thresholding (Kent et al. 2020).

    The real states are superpositions :math:`x^{(f)} = X_f a^{(f)}`; the loss is the
    squared error with an :math:`\\ell_1` penalty on the coefficients,
    :math:`\\frac12\\lVert s - \\prod_f X_f a^{(f)}\\rVert^2 + \\lambda \\sum_f
    \\lVert a^{(f)}\\rVert_1`. Start from :math:`a^{(f)} = \\mathbf 1` and repeat, for
    :math:`f = 1, \\dots, F` in this fixed order and in place, one proximal gradient
    step (Daubechies, Defrise and De Mol, Comm. Pure Appl. Math. 57, 1413 (2004);
    Beck and Teboulle, SIAM J. Imaging Sci. 2, 183 (2009), Eq. 1.4) on factor
    :math:`f` with the others fixed: with :math:`p = \\prod_{g \\ne f} x^{(g)}` and
    :math:`\\Xi_f = \\operatorname{diag}(p) X_f`,

    .. math:: a^{(f)} \\leftarrow \\mathcal S_{\\lambda/L}\\Big(a^{(f)} + \\frac1L
              \\Xi_f^{\\mathsf T}\\big(s - \\Xi_f a^{(f)}\\big)\\Big), \\qquad
              \\mathcal S_\\tau(v) = \\operatorname{sgn}(v)\\max(|v| - \\tau, 0),

    where :math:`L = \\lambda_{\\max}(\\Xi_f^{\\mathsf T}\\Xi_f)` is the Lipschitz
    constant of that factor's gradient, recomputed at every update (it changes with
    the other factors; :math:`1/L` is replaced by :data:`ISTA_ZERO_STEP` when
    :math:`L = 0`), then :math:`x^{(f)} \\leftarrow X_f a^{(f)}`. A trial stops after
    the iteration in which every factor's coefficients moved by less than
    ``tolerance`` on average, :math:`\\frac1{D_f}\\sum_c |\\Delta a^{(f)}_c| <`
    ``tolerance`` (not divided by the step, which varies), or after
    ``max_iterations``. The decode is that of :func:`als`. This is the algorithm of the
    authors' code (``bench_numpy.py`` of ``spencerkent/resonator-networks``) with
    their capacity table's :math:`\\lambda = 0.01` and tolerance 1e-4. Reference:
    Kent, Frady, Sommer and Olshausen, Neural Computation 32, 2332 (2020), where ISTA
    reaches :math:`D_f = 23` at 99% accuracy (:math:`N = 1500`, :math:`F = 3`).

    Parameters
    ----------
    composite : (T, N) or (N,) array of -1 and +1
    codebooks : sequence of F arrays (N, D_f) of -1 and +1
    max_iterations : int
        At most this many iterations per trial (>= 1).
    sparsity : float, optional
        The weight :math:`\\lambda \\ge 0` of the :math:`\\ell_1` penalty.
    tolerance : float, optional
        The convergence threshold on the mean absolute change of the coefficients.

    Returns
    -------
    ResonatorResult
        As :func:`als` (``limit_cycle`` always False, ``states`` the signs of the real
        last states).

    Notes
    -----
    :math:`L` comes from a batched symmetric eigendecomposition of
    :math:`G = X_f^{\\mathsf T}\\operatorname{diag}(p^2) X_f`, built as in :func:`als`:
    per iteration :math:`t \\sum_f (N D_f^2/2 + 5 N D_f + O(D_f^3))` flops for ``t``
    running trials, float64 (the authors' code: float32), the BLAS on one thread.
    """
    return _soft_thresholding(composite, codebooks, max_iterations, sparsity, tolerance,
                              fast=False)  # fmt: skip


def fista(
    composite: object,
    codebooks: Sequence[object],
    *,
    max_iterations: int,
    sparsity: float = ISTA_SPARSITY,
    tolerance: float = ISTA_TOLERANCE,
) -> ResonatorResult:
    """Factor a batch of composites by fast iterative soft thresholding (Kent et al. 2020).

    :func:`ista` with Nesterov's momentum, as FISTA (Beck and Teboulle, SIAM J. Imaging
    Sci. 2, 183 (2009), Eqs. 4.1-4.3), one auxiliary point :math:`y^{(f)}` and one
    sequence :math:`t_k` per factor. Start from :math:`a^{(f)} = y^{(f)} = \\mathbf 1`,
    :math:`t = 1`, and repeat, for :math:`f = 1, \\dots, F` in this fixed order and in
    place, with :math:`\\Xi_f = \\operatorname{diag}(\\prod_{g \\ne f} x^{(g)}) X_f` and
    :math:`L = \\lambda_{\\max}(\\Xi_f^{\\mathsf T}\\Xi_f)` as in :func:`ista`,

    .. math:: a^{(f)}_{\\mathrm{new}} = \\mathcal S_{\\lambda/L}\\Big(y^{(f)} + \\frac1L
              \\Xi_f^{\\mathsf T}\\big(s - \\Xi_f y^{(f)}\\big)\\Big), \\qquad
              t_{\\mathrm{new}} = \\frac{1 + \\sqrt{1 + 4t^2}}{2},

    .. math:: y^{(f)} \\leftarrow a^{(f)}_{\\mathrm{new}} + \\frac{t - 1}{t_{\\mathrm{new}}}
              \\big(a^{(f)}_{\\mathrm{new}} - a^{(f)}\\big), \\qquad
              a^{(f)} \\leftarrow a^{(f)}_{\\mathrm{new}}, \\qquad
              x^{(f)} \\leftarrow X_f a^{(f)}

    (the other factors enter through their coefficients :math:`a^{(g)}`, not their
    auxiliary points). Stop and decode as :func:`ista`. This is the algorithm of the
    authors' code (``bench_numpy.py`` of ``spencerkent/resonator-networks``) with
    their capacity table's :math:`\\lambda = 0.01` and tolerance 1e-4. Reference:
    Kent, Frady, Sommer and Olshausen, Neural Computation 32, 2332 (2020), where FISTA
    reaches :math:`D_f = 23.5` at 99% accuracy (:math:`N = 1500`, :math:`F = 3`).

    Parameters
    ----------
    composite : (T, N) or (N,) array of -1 and +1
    codebooks : sequence of F arrays (N, D_f) of -1 and +1
    max_iterations : int
        At most this many iterations per trial (>= 1).
    sparsity : float, optional
        The weight :math:`\\lambda \\ge 0` of the :math:`\\ell_1` penalty.
    tolerance : float, optional
        The convergence threshold on the mean absolute change of the coefficients.

    Returns
    -------
    ResonatorResult
        As :func:`als`.

    Notes
    -----
    The cost of :func:`ista` plus :math:`2 t N D_f` flops per factor update (the
    auxiliary state :math:`X_f y^{(f)}`) and :math:`O(t D_f)` memory.
    """
    return _soft_thresholding(composite, codebooks, max_iterations, sparsity, tolerance,
                              fast=True)  # fmt: skip


def multiplicative_weights(
    composite: object,
    codebooks: Sequence[object],
    *,
    max_iterations: int,
    step: float = MW_STEP,
    tolerance: float = MW_TOLERANCE,
) -> ResonatorResult:
    """Factor a batch of composites by multiplicative weights (Kent et al. 2020).

    The coefficients live on the probability simplex, as in
    :func:`projected_gradient`, and follow the multiplicative-weights update (Arora,
    Hazan and Kale, Theory of Computing 8, 121 (2012), Section 2) on the negative
    inner product :math:`L = -\\langle s, \\prod_f X_f a^{(f)}\\rangle`. Start from
    :math:`a^{(f)} = \\mathbf 1 / D_f` and repeat, for :math:`f = 1, \\dots, F` in this
    fixed order and in place,

    .. math:: g = -X_f^{\\mathsf T}\\big(s \\odot \\textstyle\\prod_{g' \\ne f}
              x^{(g')}\\big), \\qquad \\hat g = g / \\max_c |g_c|, \\qquad
              a^{(f)} \\leftarrow \\frac{a^{(f)} \\odot (1 - \\eta \\hat g)}
              {\\sum_c a^{(f)}_c (1 - \\eta \\hat g_c)}, \\qquad
              x^{(f)} \\leftarrow X_f a^{(f)},

    with :math:`\\eta` = ``step`` (their 0.3; :math:`\\hat g = 0` when :math:`g = 0`).
    A trial stops after the iteration in which, for every factor, at most half the
    coefficients exceed :math:`10^{-2}` (:data:`MW_ACTIVE`; early on the coefficients
    move slowly, so a small change alone does not mean convergence) and the mean
    absolute change over :math:`\\eta` is below ``tolerance``, or after
    ``max_iterations``. The decode is that of :func:`als`. This is the algorithm of
    the authors' code (``bench_numpy.py`` of ``spencerkent/resonator-networks``) with
    their capacity table's step 0.3 and tolerance 1e-3. Reference: Kent, Frady,
    Sommer and Olshausen, Neural Computation 32, 2332 (2020), where multiplicative
    weights reach :math:`D_f = 21.5` at 99% accuracy (:math:`N = 1500`, :math:`F = 3`).

    Parameters
    ----------
    composite : (T, N) or (N,) array of -1 and +1
    codebooks : sequence of F arrays (N, D_f) of -1 and +1
    max_iterations : int
        At most this many iterations per trial (>= 1).
    step : float, optional
        The rate :math:`0 < \\eta < 1` (the weights stay positive:
        :math:`1 - \\eta\\hat g \\ge 1 - \\eta`).
    tolerance : float, optional
        The convergence threshold on the mean absolute coefficient change over
        :math:`\\eta`.

    Returns
    -------
    ResonatorResult
        As :func:`als`.

    Notes
    -----
    The authors keep unnormalised weights :math:`w \\leftarrow w \\odot (1 - \\eta\\hat
    g)` and set :math:`a = w / \\sum_c w_c`, abandoning a trial whose weights
    overflow; renormalising at every step, as here, gives the same coefficients in
    exact arithmetic and never overflows. Cost per iteration :math:`t \\sum_f 4 N D_f`
    flops, memory :math:`O(t F N)`, float64.
    """
    xp, s, Xs, max_iterations = _inputs(composite, codebooks, max_iterations)
    step = _real("step", step, minimum=0.0, maximum=1.0, include_minimum=False,
                 include_maximum=False)  # fmt: skip
    tolerance = _positive("tolerance", tolerance)

    def start(f):
        D = Xs[f].shape[1]
        return xp.full(D, 1.0 / D, dtype=xp.float64)

    def update(f, a, p, s):
        gradient = -((s * p) @ Xs[f])
        largest = xp.abs(gradient).max(axis=1, keepdims=True)
        normalized = gradient / xp.where(largest > 0, largest, 1.0)
        w = a * (1.0 - step * normalized)
        return w / w.sum(axis=1, keepdims=True)

    def eligible(a):
        return (a > MW_ACTIVE).mean(axis=1) <= 0.5

    with blas_threads(1):
        return _descend(xp, s, Xs, start, update, tolerance, step, max_iterations,
                        eligible=eligible)  # fmt: skip


def map_seeking(
    composite: object,
    codebooks: Sequence[object],
    *,
    max_iterations: int,
    step: float = MSC_STEP,
    tolerance: float = MSC_TOLERANCE,
    threshold: float = MSC_THRESHOLD,
) -> ResonatorResult:
    """Factor a batch of composites by a map-seeking circuit (Kent et al. 2020).

    A map-seeking circuit (Arathorn, *Map-Seeking Circuits in Visual Cognition*,
    Stanford University Press (2002); Gedeon and Arathorn, J. Math. Imaging Vis. 29,
    235 (2007)) keeps non-negative "gating" coefficients and lowers each in proportion
    to how much worse its codevector matches than the best one, switching it off below
    a threshold. Start from :math:`a^{(f)} = \\mathbf 1` and repeat, for
    :math:`f = 1, \\dots, F` in this fixed order and in place, with the gradient
    :math:`g = -X_f^{\\mathsf T}(s \\odot \\prod_{g' \\ne f} x^{(g')})` of the negative
    inner product,

    .. math:: a^{(f)} \\leftarrow a^{(f)} - \\eta\\Big(1 + \\frac{g}{|\\min_c g_c|}\\Big),
              \\qquad a^{(f)}_c \\leftarrow 0 \\ \\text{where}\\ a^{(f)}_c < \\theta,
              \\qquad x^{(f)} \\leftarrow X_f a^{(f)},

    with :math:`\\eta` = ``step`` (their 0.1) and :math:`\\theta` = ``threshold``
    (their 1e-5); the best-matching codevector (most negative :math:`g_c`) keeps its
    coefficient, and no coefficient moves when :math:`\\min_c g_c = 0`. A trial stops
    after the iteration in which every factor's mean absolute coefficient change over
    :math:`\\eta` was below ``tolerance``, or after ``max_iterations``. The decode is
    that of :func:`als`. This is the algorithm of the authors' code (``bench_numpy.py``
    of ``spencerkent/resonator-networks``) with their capacity table's parameters
    (step 0.1, tolerance 1e-5, threshold 1e-5). Reference: Kent, Frady, Sommer and
    Olshausen, Neural Computation 32, 2332 (2020), where the map-seeking circuit
    reaches :math:`D_f = 22.4` at 99% accuracy (:math:`N = 1500`, :math:`F = 3`).

    Parameters
    ----------
    composite : (T, N) or (N,) array of -1 and +1
    codebooks : sequence of F arrays (N, D_f) of -1 and +1
    max_iterations : int
        At most this many iterations per trial (>= 1).
    step : float, optional
        The step :math:`\\eta > 0`.
    tolerance : float, optional
        The convergence threshold on the mean absolute coefficient change over
        :math:`\\eta`.
    threshold : float, optional
        Coefficients below :math:`\\theta \\ge 0` are set to zero.

    Returns
    -------
    ResonatorResult
        As :func:`als`.

    Notes
    -----
    Cost per iteration :math:`t \\sum_f 4 N D_f` flops, memory :math:`O(t F N)`,
    float64 (the authors' code: float32).
    """
    xp, s, Xs, max_iterations = _inputs(composite, codebooks, max_iterations)
    step = _positive("step", step)
    tolerance = _positive("tolerance", tolerance)
    threshold = _nonnegative("threshold", threshold)

    def start(f):
        return xp.ones(Xs[f].shape[1], dtype=xp.float64)

    def update(f, a, p, s):
        gradient = -((s * p) @ Xs[f])
        lowest = gradient.min(axis=1, keepdims=True)
        moving = lowest != 0
        direction = xp.where(moving, 1.0 + gradient / xp.where(moving, xp.abs(lowest), 1.0), 0.0)
        new = a - step * direction
        return xp.where(new < threshold, 0.0, new)

    with blas_threads(1):
        return _descend(xp, s, Xs, start, update, tolerance, step, max_iterations)


def _als_solver(composite, books, *, weights, order, max_iterations, cycle_length, rng):
    return als(composite, books, max_iterations=max_iterations)


def _pgd_solver(composite, books, *, weights, order, max_iterations, cycle_length, rng):
    return projected_gradient(composite, books, max_iterations=max_iterations)


def _ista_solver(composite, books, *, weights, order, max_iterations, cycle_length, rng):
    return ista(composite, books, max_iterations=max_iterations)


def _fista_solver(composite, books, *, weights, order, max_iterations, cycle_length, rng):
    return fista(composite, books, max_iterations=max_iterations)


def _mw_solver(composite, books, *, weights, order, max_iterations, cycle_length, rng):
    return multiplicative_weights(composite, books, max_iterations=max_iterations)


def _msc_solver(composite, books, *, weights, order, max_iterations, cycle_length, rng):
    return map_seeking(composite, books, max_iterations=max_iterations)


#: The baselines in the call signature of :data:`hebbian.vsa.trials.FACTORIZERS`
#: (``weights``, ``order``, ``cycle_length`` and ``rng`` ignored: all are deterministic).
SOLVERS: dict[str, Callable[..., ResonatorResult]] = {
    "als": _als_solver,
    "pgd": _pgd_solver,
    "ista": _ista_solver,
    "fista": _fista_solver,
    "mw": _mw_solver,
    "msc": _msc_solver,
}
