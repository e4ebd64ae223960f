r"""Attention layers as associative memories: softmax, Softmax1, linear, delta, dense.

Every layer stores ``n_pairs`` key-value pairs and reads a value back for a query. The
arrays follow one convention, batched over any leading axes (broadcast as in
``matmul``):

* ``keys``: ``(..., n_pairs, dim)``, ``values``: ``(..., n_pairs, dim_value)``;
* ``queries``: ``(..., n_queries, dim)``; reads: ``(..., n_queries, dim_value)``.

The code is array-API style: the array module is that of the inputs
(:func:`hebbian.device.array_module_of`), NumPy or CuPy.

The layers, with the memory each one is:

* :func:`softmax_attention` -- :math:`\hat v(q) = \sum_\mu v_\mu\,
  \mathrm{softmax}(\beta K q)_\mu`, one step of the modern Hopfield network of Ramsauer
  et al., "Hopfield Networks is All You Need", ICLR 2021 (arXiv:2008.02217), whose
  energy :func:`hopfield_energy` is; :func:`hopfield_retrieve` iterates it to its fixed
  point on the patterns themselves (keys = values).
* ``normalization="softmax1"`` -- Softmax1 of Hu et al., "Outlier-Efficient Hopfield
  Layers for Large Transformer-Based Models", ICML 2024 (arXiv:2404.03828): one more
  slot with score 0, so that the weights sum to less than one and the mass goes to the
  null slot when no key matches.
* :func:`linear_attention` -- the sum rule of fast weights,
  :math:`W = \sum_\mu v_\mu \phi(k_\mu)^T`, :math:`\hat v(q) = W\phi(q)` (Katharopoulos
  et al., ICML 2020, arXiv:2006.16236; Schlag, Irie, Schmidhuber, ICML 2021,
  arXiv:2102.11174), with the feature maps of :func:`feature_map`. With the identity
  map it is the Hebbian hetero-associative memory.
* :func:`delta_rule` -- Widrow-Hoff's error-correcting write,
  :math:`W \leftarrow W + \eta\,(v_\mu - W\phi(k_\mu))\,\phi(k_\mu)^T`, in sequence,
  once or for several passes (Schlag et al. 2021); :func:`least_squares` is its limit,
  :math:`W = V^T K^{+T}`, the minimum-norm least-squares memory.
* :func:`dense_attention` -- the dense associative memory of Krotov and Hopfield
  (NeurIPS 2016, arXiv:1606.01164) as a read: the separation function is the
  derivative of :math:`F(x) = x^p/p`, the same interaction of order ``p`` as
  :class:`hebbian.models.HebbianModel`'s energy, so
  :math:`\hat v(q) = \sum_\mu v_\mu (k_\mu\cdot q)^{p-1}`; ``p = 2`` is the Hebbian
  memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hebbian._validation import check_choice, check_int, check_real
from hebbian.device import array_module_of

__all__ = [
    "FEATURE_MAPS",
    "NORMALIZATIONS",
    "HopfieldRetrieval",
    "delta_rule",
    "dense_attention",
    "feature_dimension",
    "feature_map",
    "hopfield_energy",
    "hopfield_retrieve",
    "least_squares",
    "linear_attention",
    "read_memory",
    "softmax",
    "softmax1",
    "softmax_attention",
]

#: Feature maps of :func:`feature_map`: identity, elu + 1 (Katharopoulos et al. 2020)
#: and deterministic parameter-free projections of order 1-3 (Schlag et al. 2021).
FEATURE_MAPS = ("identity", "elu1", "dpfp1", "dpfp2", "dpfp3")

#: Normalizations of :func:`softmax_attention`.
NORMALIZATIONS = ("softmax", "softmax1")

#: Writes of the delta rule solved together (:func:`delta_rule`).
DELTA_BLOCK = 64

#: Largest inverse temperature accepted (the weights are computed stably at any beta).
MAX_BETA = 1e6


def softmax(scores, axis: int = -1):
    r"""Return :math:`e^{z_i} / \sum_j e^{z_j}` along ``axis``, shifted by the maximum."""
    xp = array_module_of(scores)
    shifted = scores - xp.max(scores, axis=axis, keepdims=True)
    weights = xp.exp(shifted)
    return weights / xp.sum(weights, axis=axis, keepdims=True)


def softmax1(scores, axis: int = -1):
    r"""Return Softmax1, :math:`e^{z_i} / (1 + \sum_j e^{z_j})`, along ``axis``.

    The extra 1 is a slot of score zero (Hu et al., ICML 2024, arXiv:2404.03828): the
    weights sum to :math:`1 - 1/(1 + \sum_j e^{z_j}) < 1`, and go to zero when every
    score is far below zero. Computed with the shift
    :math:`s = \max(0, \max_j z_j)`.
    """
    xp = array_module_of(scores)
    shift = xp.maximum(xp.max(scores, axis=axis, keepdims=True), 0.0)
    weights = xp.exp(scores - shift)
    return weights / (xp.exp(-shift) + xp.sum(weights, axis=axis, keepdims=True))


def _check_pairs(keys, values):
    if keys.ndim < 2 or values.ndim < 2:
        raise ValueError(
            f"keys and values must have shape (..., n_pairs, dim), got {keys.shape} and "
            f"{values.shape}"
        )
    if keys.shape[-2] != values.shape[-2]:
        raise ValueError(
            f"keys and values must hold the same number of pairs, got {keys.shape[-2]} "
            f"and {values.shape[-2]}"
        )


def _check_queries(queries, dim: int, what: str = "keys"):
    if queries.ndim < 2 or queries.shape[-1] != dim:
        raise ValueError(
            f"queries must have shape (..., n_queries, {dim}) to match the {what}, "
            f"got {queries.shape}"
        )


def _swap(array):
    """Return the matrix transpose over the last two axes."""
    return array.swapaxes(-1, -2)


def softmax_attention(keys, values, queries, beta: float, *, normalization: str = "softmax"):
    r"""Read the values with softmax attention: :math:`\hat v = V^T\,\mathrm{softmax}(\beta K q)`.

    One update of the modern Hopfield network with stored patterns ``keys``
    (Ramsauer et al. 2021, eq. (3): :math:`\xi^{new} = X\,\mathrm{softmax}(\beta X^T\xi)`),
    here reading the ``values`` paired with them (the Hopfield layer of the same paper).

    Parameters
    ----------
    keys : array (..., n_pairs, dim)
    values : array (..., n_pairs, dim_value)
    queries : array (..., n_queries, dim)
    beta : float
        Inverse temperature, ``0 <= beta <= 1e6``; ``beta = 0`` reads the mean value.
    normalization : {"softmax", "softmax1"}
        ``"softmax1"`` adds a null slot of score zero (:func:`softmax1`).

    Returns
    -------
    array (..., n_queries, dim_value)
    """
    _check_pairs(keys, values)
    _check_queries(queries, keys.shape[-1])
    beta = check_real("beta", beta, minimum=0.0, maximum=MAX_BETA)
    check_choice("normalization", normalization, NORMALIZATIONS)
    xp = array_module_of(keys, values, queries)
    # softmax or softmax1 of the scores, applied to the values; written in place, and
    # normalised after the product (n_queries x dim_value divisions, not n_queries x n_pairs)
    scores = (beta * queries) @ _swap(keys)
    shift = xp.max(scores, axis=-1, keepdims=True)
    if normalization == "softmax1":
        shift = xp.maximum(shift, 0.0)
    scores -= shift
    xp.exp(scores, out=scores)
    total = xp.sum(scores, axis=-1, keepdims=True)
    if normalization == "softmax1":
        total += xp.exp(-shift)
    return (scores @ values) / total


def hopfield_energy(patterns, states, beta: float):
    r"""Return the energy of the modern Hopfield network (Ramsauer et al. 2021, eq. (2)).

    .. math::

        E(\xi) = -\mathrm{lse}(\beta, X^T\xi) + \tfrac12 \xi^T\xi + \beta^{-1}\ln N
                 + \tfrac12 M^2,
        \qquad \mathrm{lse}(\beta, z) = \beta^{-1}\ln\sum_\mu e^{\beta z_\mu},

    with ``N = n_pairs`` stored patterns (the rows of ``patterns``) and
    :math:`M = \max_\mu \|x_\mu\|`; the constants make :math:`E \ge 0`.

    Parameters
    ----------
    patterns : array (..., n_pairs, dim)
    states : array (..., n_states, dim)
    beta : float
        ``0 < beta <= 1e6``.

    Returns
    -------
    array (..., n_states)
    """
    xp = array_module_of(patterns, states)
    _check_queries(states, patterns.shape[-1], "patterns")
    beta = check_real("beta", beta, minimum=0.0, maximum=MAX_BETA, include_minimum=False)
    scores = beta * (states @ _swap(patterns))
    top = xp.max(scores, axis=-1)
    lse = (top + xp.log(xp.sum(xp.exp(scores - top[..., None]), axis=-1))) / beta
    n = patterns.shape[-2]
    radius2 = xp.max(xp.sum(patterns * patterns, axis=-1), axis=-1)[..., None]
    return -lse + 0.5 * xp.sum(states * states, axis=-1) + math.log(n) / beta + 0.5 * radius2


@dataclass(frozen=True)
class HopfieldRetrieval:
    """States reached by :func:`hopfield_retrieve`.

    Attributes
    ----------
    states : array (..., n_states, dim)
        The last states.
    steps : int
        Updates made (the same for the whole batch).
    converged : array of bool (..., n_states)
        Whether each state moved by at most ``tolerance`` (max norm) in the last update.
    """

    states: object
    steps: int
    converged: object


def hopfield_retrieve(
    patterns,
    states,
    beta: float,
    *,
    max_steps: int = 100,
    tolerance: float = 1e-10,
    normalization: str = "softmax",
) -> HopfieldRetrieval:
    r"""Iterate :math:`\xi \leftarrow X\,\mathrm{softmax}(\beta X^T\xi)` to a fixed point.

    The update never raises the energy :func:`hopfield_energy` and converges (Ramsauer
    et al. 2021, Theorems 1-2, a concave-convex procedure). Small ``beta`` gives one
    global fixed point near the mean of the patterns, intermediate ``beta`` metastable
    states averaging subsets, large ``beta`` with well-separated patterns fixed points
    near single patterns.

    Parameters
    ----------
    patterns : array (..., n_pairs, dim)
    states : array (..., n_states, dim)
        The initial states (queries).
    beta : float
        ``0 <= beta <= 1e6``.
    max_steps : int
        At most this many updates, ``1 <= max_steps <= 10**6``.
    tolerance : float
        Stop when no state moves by more than this (max norm), ``tolerance >= 0``.
    normalization : {"softmax", "softmax1"}

    Returns
    -------
    HopfieldRetrieval
    """
    xp = array_module_of(patterns, states)
    max_steps = check_int("max_steps", max_steps, minimum=1, maximum=10**6)
    tolerance = check_real("tolerance", tolerance, minimum=0.0)
    converged = None
    steps = 0
    while steps < max_steps:
        new = softmax_attention(patterns, patterns, states, beta, normalization=normalization)
        steps += 1
        converged = xp.max(xp.abs(new - states), axis=-1) <= tolerance
        states = new
        if bool(xp.all(converged)):
            break
    return HopfieldRetrieval(states=states, steps=steps, converged=converged)


def feature_dimension(name: str, dim: int) -> int:
    """Return the dimension of :func:`feature_map` ``name`` on ``dim`` components.

    ``identity`` and ``elu1`` keep ``dim``; ``dpfp<nu>`` gives ``2 * dim * nu``.
    """
    check_choice("feature_map", name, FEATURE_MAPS)
    if name.startswith("dpfp"):
        return 2 * dim * int(name[4:])
    return dim


def feature_map(x, name: str = "identity"):
    r"""Apply a feature map of linear attention to the last axis of ``x``.

    * ``"identity"``: :math:`\phi(x) = x` (the Hebbian memory);
    * ``"elu1"``: :math:`\phi(x) = \mathrm{elu}(x) + 1`, positive (Katharopoulos et al.
      2020);
    * ``"dpfp<nu>"``, ``nu = 1, 2, 3``: the deterministic parameter-free projection of
      Schlag et al. 2021, eq. (33): with :math:`r = \mathrm{ReLU}([x, -x])` (length
      :math:`2d`), :math:`\phi_{i\nu'}(x) = r_i\, r_{(i+\nu') \bmod 2d}` for
      :math:`\nu' = 1, \dots, \nu`, concatenated: dimension :math:`2 d \nu`.

    Returns
    -------
    array (..., feature_dimension(name, dim))
    """
    xp = array_module_of(x)
    check_choice("feature_map", name, FEATURE_MAPS)
    if name == "identity":
        return x
    if name == "elu1":
        return xp.where(x > 0, x + 1.0, xp.exp(xp.minimum(x, 0.0)))
    r = xp.maximum(xp.concatenate([x, -x], axis=-1), 0.0)
    shifts = range(1, int(name[4:]) + 1)
    return xp.concatenate([r * xp.roll(r, -shift, axis=-1) for shift in shifts], axis=-1)


def linear_attention(keys, values, *, feature_map_name: str = "identity"):
    r"""Write the pairs with the sum rule: :math:`W = \sum_\mu v_\mu\,\phi(k_\mu)^T`.

    Linear attention without its normalising denominator is this fast-weight memory
    (Schlag et al. 2021, eqs. (5)-(6)); with the identity map and ``keys`` of unit norm
    it is the Hebbian memory whose relative error is :math:`(N - 1)/d`
    (:func:`hebbian.theory.attention.hebbian_relative_error`).

    Returns
    -------
    array (..., dim_value, feature_dimension)
        The fast weights; read them with :func:`read_memory`.
    """
    _check_pairs(keys, values)
    return _swap(values) @ feature_map(keys, feature_map_name)


def read_memory(weights, queries, *, feature_map_name: str = "identity"):
    r"""Read a fast-weight memory: :math:`\hat v(q) = W\,\phi(q)`, for each query row."""
    features = feature_map(queries, feature_map_name)
    if features.shape[-1] != weights.shape[-1]:
        raise ValueError(
            f"queries give {features.shape[-1]} features, the memory takes {weights.shape[-1]}"
        )
    return features @ _swap(weights)


def delta_rule(
    keys,
    values,
    *,
    feature_map_name: str = "identity",
    learning_rate: float = 1.0,
    passes: int = 1,
):
    r"""Write the pairs with the delta rule, in order, ``passes`` times over.

    .. math::

        W \leftarrow W + \eta\,\big(v_\mu - W\phi(k_\mu)\big)\,\phi(k_\mu)^T,
        \qquad \mu = 1, \dots, N,

    from :math:`W = 0` (Widrow and Hoff 1960; the fast-weight form of Schlag et al.
    2021, eq. (23), with a fixed :math:`\eta`). With :math:`\eta = 1` and orthonormal
    features each write stores its pair exactly and leaves the others alone, so one
    pass is exact; with independent keys the passes converge to
    :func:`least_squares` when :math:`0 < \eta\|\phi(k)\|^2 < 2` (Kaczmarz's method on a
    consistent system, ``N <= dim``).

    Computed in blocks of :data:`DELTA_BLOCK` consecutive writes instead of one at a
    time (the chunked form of the delta rule, as in Yang et al., NeurIPS 2024,
    arXiv:2406.06484): every write adds a multiple of :math:`\phi_\mu^T`, and within a
    block that starts from :math:`W_0` the rows :math:`u_\mu = \eta(v_\mu -
    W_{\mu-1}\phi_\mu)` satisfy :math:`u_\mu + \eta\sum_{\nu<\mu}
    (\phi_\mu\cdot\phi_\nu)\, u_\nu = \eta(v_\mu - W_0\phi_\mu)`, a unit
    lower-triangular system,

    .. math::

        (1 + \eta\, \mathrm{tril}_{-1}(\Phi_b\Phi_b^T))\, U_b
        = \eta\,(V_b - \Phi_b W_0^T),
        \qquad W \leftarrow W_0 + U_b^T\Phi_b,

    the same recursion as the loop (``tests/test_attention_layers.py`` checks it against
    the loop written out), in matrix products.

    Parameters
    ----------
    keys, values : arrays (..., n_pairs, dim), (..., n_pairs, dim_value)
    feature_map_name : str
        One of :data:`FEATURE_MAPS`.
    learning_rate : float
        :math:`\eta`, ``0 < learning_rate <= 2``.
    passes : int
        Passes over the pairs, ``1 <= passes <= 10**4``.

    Returns
    -------
    array (..., dim_value, feature_dimension)
    """
    xp = array_module_of(keys, values)
    _check_pairs(keys, values)
    eta = check_real("learning_rate", learning_rate, minimum=0.0, maximum=2.0,
                     include_minimum=False)  # fmt: skip
    passes = check_int("passes", passes, minimum=1, maximum=10**4)
    features = feature_map(keys, feature_map_name)
    batch = xp.broadcast_shapes(features.shape[:-2], values.shape[:-2])
    features = xp.broadcast_to(features, (*batch, *features.shape[-2:]))
    values = xp.broadcast_to(values, (*batch, *values.shape[-2:])).astype(features.dtype)
    n_pairs = features.shape[-2]
    weights = xp.zeros((*batch, values.shape[-1], features.shape[-1]), dtype=features.dtype)
    identity = xp.eye(min(DELTA_BLOCK, n_pairs), dtype=features.dtype)
    for _ in range(passes):
        for start in range(0, n_pairs, DELTA_BLOCK):
            stop = min(n_pairs, start + DELTA_BLOCK)
            phi, target = features[..., start:stop, :], values[..., start:stop, :]
            system = eta * xp.tril(phi @ _swap(phi), -1) + identity[: stop - start, : stop - start]
            rows = xp.linalg.solve(system, eta * (target - phi @ _swap(weights)))
            weights = weights + _swap(rows) @ phi
    return weights


def least_squares(keys, values, *, feature_map_name: str = "identity"):
    r"""Return the minimum-norm least-squares memory :math:`W = V^T \Phi^{+T}`.

    :math:`W` minimises :math:`\sum_\mu \|v_\mu - W\phi(k_\mu)\|^2` (with the least
    norm among the minimisers): the converged delta rule. It recalls every pair exactly
    when the features are independent (``N <= dim``); beyond, its reads are the
    projections of the values on the span of the features, with relative error
    :math:`1 - d/N` for random keys
    (:func:`hebbian.theory.attention.least_squares_relative_error`). Full-rank features
    are solved through the smaller Gram matrix, :math:`(\Phi^T\Phi)^{-1}\Phi^T V` or
    :math:`\Phi^T(\Phi\Phi^T)^{-1}V`; a singular one falls back to the pseudo-inverse.

    Returns
    -------
    array (..., dim_value, feature_dimension)
    """
    xp = array_module_of(keys, values)
    _check_pairs(keys, values)
    features = feature_map(keys, feature_map_name)
    n_pairs, n_features = features.shape[-2:]
    try:  # full rank: solve with the smaller Gram matrix (LU), much cheaper than an SVD
        if n_pairs >= n_features:
            gram = _swap(features) @ features
            return _swap(xp.linalg.solve(gram, _swap(features) @ values))
        gram = features @ _swap(features)
        return _swap(_swap(features) @ xp.linalg.solve(gram, values))
    except xp.linalg.LinAlgError:  # rank-deficient features: the pseudo-inverse
        return _swap(xp.linalg.pinv(features) @ values)


def dense_attention(keys, values, queries, order: int | None = None, *, beta: float | None = None):
    r"""Read a dense associative memory: polynomial of order ``p`` or exponential.

    .. math::

        \hat v(q) = \sum_\mu v_\mu\, F'(k_\mu\cdot q),
        \qquad F(x) = \frac{x^p}{p}
        \quad\text{or}\quad F(x) = \beta^{-1} e^{\beta (x - 1)},

    the separation functions of Krotov and Hopfield (NeurIPS 2016, arXiv:1606.01164)
    and of Demircigil et al. (J. Stat. Phys. 168, 288 (2017)). The polynomial is the
    interaction of :class:`hebbian.models.HebbianModel` (energy
    :math:`-N\sum_\mu F(m_\mu)`): for values equal to ±1 keys and a ±1 query the read
    is the gradient of :math:`\sum_\mu (\xi_\mu\cdot\sigma)^p/p`, so its sign is the
    steepest-descent step of that energy with the index coincidences kept (the engine
    removes them). ``order = 2`` is the Hebbian memory (:func:`linear_attention` with
    the identity map). The exponential is shifted by one so that a unit key matching
    its query weighs exactly 1; unlike softmax attention it is not normalised. For unit
    keys the relative errors are :func:`hebbian.theory.attention.dense_relative_error`
    and :func:`~hebbian.theory.attention.dense_exponential_relative_error`.

    Parameters
    ----------
    keys, values, queries : arrays
        As in the module docstring.
    order : int, optional
        ``p``, ``2 <= order <= 12``: the polynomial separation.
    beta : float, optional
        ``0 <= beta <= 700``: the exponential separation. Give ``order`` or ``beta``.
    """
    _check_pairs(keys, values)
    _check_queries(queries, keys.shape[-1])
    if (order is None) == (beta is None):
        raise ValueError("dense_attention needs one of order (polynomial) or beta (exponential)")
    overlaps = queries @ _swap(keys)
    if beta is not None:
        xp = array_module_of(keys, values, queries)
        beta = check_real("beta", beta, minimum=0.0, maximum=700.0)
        return xp.exp(beta * (overlaps - 1.0)) @ values
    order = check_int("order", order, minimum=2, maximum=12)
    return (overlaps ** (order - 1)) @ values
