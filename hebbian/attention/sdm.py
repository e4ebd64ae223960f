r"""Kanerva's sparse distributed memory (SDM), and its read as attention weights.

Kanerva, *Sparse Distributed Memory*, MIT Press (1988); as attention: Bricken and
Pehlevan, "Attention approximates sparse distributed memory", NeurIPS 2021,
arXiv:2111.05498.

The memory has ``n_locations`` (``r``) hard locations with random addresses
:math:`a_l \in \{0,1\}^n` (``n = n_bits``) and an integer counter vector
:math:`C_l \in \mathbb{Z}^{v}` each. A location is *active* for a point ``x`` when
:math:`\mathrm{Ham}(a_l, x) \le d` (``d = radius``); :math:`O(x)` is the set of those.

* **Write** pattern :math:`p_\mu \in \{-1,+1\}^v` at key :math:`k_\mu`:
  :math:`C_l \mathrel{+}= p_\mu` for every :math:`l \in O(k_\mu)`.
* **Read** at query ``q``: :math:`s(q) = \sum_{l \in O(q)} C_l`, and the thresholded
  read :math:`\mathrm{sign}\, s(q)` with :math:`\mathrm{sign}(0) = +1`.

After writing ``m`` patterns the read is exactly an attention read,

.. math::

    s(q) = \sum_{\mu=1}^{m} w_\mu(q)\, p_\mu, \qquad
    w_\mu(q) = |O(q) \cap O(k_\mu)|,

the number of hard locations in both Hamming balls (:func:`intersection_counts`,
counted on the actual locations). Bricken and Pehlevan show that
:math:`w_\mu \approx r\, e^{b + \beta x_\mu}` with the cosine
:math:`x_\mu = 1 - 2\,\mathrm{Ham}(q, k_\mu)/n`, so the normalised read is close to
softmax attention :math:`\sum_\mu \mathrm{softmax}(\beta x)_\mu p_\mu`
(:func:`softmax_read`); the exact intersection and the fit of :math:`\beta` are in
:mod:`hebbian.theory.sdm`.

Addresses, keys and queries are arrays of 0/1 entries (any integer or boolean dtype)
whose last axis has length ``n``. Hamming distances are computed as
:math:`(n - \hat a \cdot \hat x)/2` from the bipolar forms :math:`\hat a = 2a - 1`, one
matrix product per block of at most :data:`CHUNK_ENTRIES` entries over locations and
points, so memory stays bounded for a million locations; the products are exact
(float32 for integer sums below :math:`2^{24}`, float64 for the counters).

One implementation for NumPy and CuPy (array-API style): a function works in the array
module of its ``addresses``; :class:`SparseDistributedMemory` in that of its ``device``
(:func:`hebbian.device.array_module`). Random addresses are drawn on the host by a
NumPy ``Generator`` (:func:`hebbian._validation.as_generator`) and then moved, so a
seed gives the same memory on the CPU and on the GPU.
"""

from __future__ import annotations

import numpy as np

from hebbian._validation import as_generator, check_int, check_real
from hebbian.device import array_module, require_cupy

__all__ = [
    "CHUNK_ENTRIES",
    "MAX_BITS",
    "SparseDistributedMemory",
    "activation_counts",
    "hamming_distances",
    "intersection_counts",
    "random_addresses",
    "softmax_read",
]

#: Largest address length ``n``.
MAX_BITS = 1 << 20
#: Largest number of hard locations ``r``.
MAX_LOCATIONS = 1 << 31
#: Entries of the largest temporary block (points x locations, or locations x bits).
CHUNK_ENTRIES = 1 << 22


def _module_of(array: object):
    """NumPy, or CuPy for a CuPy array (which has ``__cuda_array_interface__``)."""
    if hasattr(array, "__cuda_array_interface__"):
        return require_cupy()  # pragma: no cover - depends on the machine
    return np


def _binary(name: str, value, xp, n_bits: int | None = None):
    """Return ``value`` as a 2-d ``xp`` uint8 array of 0/1 entries (rows of ``n`` bits)."""
    arr = xp.asarray(value)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 1-d or 2-d array of bits, got {arr.ndim} dimensions")
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} entries must be 0 or 1, got an array of {arr.dtype}")
    if n_bits is not None and arr.shape[1] != n_bits:
        raise ValueError(f"{name} must have {n_bits} bits per row, got {arr.shape[1]}")
    if arr.shape[1] < 1:
        raise ValueError(f"{name} must have at least one bit per row, got 0")
    if arr.size and not bool(xp.all((arr == 0) | (arr == 1))):
        bad = arr[(arr != 0) & (arr != 1)][0]
        raise ValueError(f"{name} entries must be 0 or 1, got {bad.item()!r}")
    return arr.astype(xp.uint8)


def _bipolar_values(name: str, value, xp, rows: int, width: int | None = None):
    arr = xp.asarray(value)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[0] != rows:
        raise ValueError(
            f"{name} must be a 2-d array with one row per key ({rows}), got shape "
            f"{tuple(int(s) for s in arr.shape)}"
        )
    if width is not None and arr.shape[1] != width:
        raise ValueError(f"{name} must have {width} entries per row, got {arr.shape[1]}")
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} entries must be -1 or +1, got an array of {arr.dtype}")
    if arr.size and not bool(xp.all((arr == 1) | (arr == -1))):
        bad = arr[(arr != 1) & (arr != -1)][0]
        raise ValueError(f"{name} entries must be -1 or +1, got {bad.item()!r}")
    return arr


def _radius(radius: object, n_bits: int) -> int:
    return check_int("radius", radius, minimum=0, maximum=n_bits)


def _pm(bits, xp, dtype):
    """0/1 bits -> bipolar +-1 in ``dtype``."""
    return 2 * bits.astype(dtype) - 1


def _location_blocks(addresses, n_points: int):
    """Yield ``(start, stop)`` slices of the locations, each a bounded block."""
    r, n = addresses.shape
    size = max(1, min(CHUNK_ENTRIES // max(n, 1), CHUNK_ENTRIES // max(n_points, 1)))
    for start in range(0, r, size):
        yield start, min(start + size, r)


def _active_block(points_pm, block_pm, n_bits: int, radius: int, xp):
    """Boolean (points, block) matrix of ``Ham(point, address) <= radius``."""
    dots = points_pm @ block_pm.T  # n - 2 Ham, exact in float32 for n < 2**24
    return dots >= (n_bits - 2 * radius)


def _dtype(xp, n_bits: int):
    return xp.float32 if n_bits < (1 << 24) else xp.float64


def random_addresses(n_bits: int, n_locations: int, *, seed=None, device: str = "cpu"):
    """Draw the addresses of ``n_locations`` hard locations, uniform in ``{0,1}^n``.

    Parameters
    ----------
    n_bits : int
        Address length ``n``, in ``[1, MAX_BITS]``.
    n_locations : int
        ``r``, in ``[1, MAX_LOCATIONS]``.
    seed : int, numpy.random.Generator or None
        Drawn on the host (:func:`hebbian._validation.as_generator`).
    device : {"cpu", "gpu", "auto"}
        Where the array lives.

    Returns
    -------
    array of uint8, shape (n_locations, n_bits)
    """
    n = check_int("n_bits", n_bits, minimum=1, maximum=MAX_BITS)
    r = check_int("n_locations", n_locations, minimum=1, maximum=MAX_LOCATIONS)
    xp = array_module(device)
    rng = as_generator(seed)
    return xp.asarray(rng.integers(0, 2, size=(r, n), dtype=np.uint8))


def hamming_distances(points, addresses):
    """Hamming distances between each point and each address.

    Parameters
    ----------
    points : array of 0/1, shape (P, n) or (n,)
    addresses : array of 0/1, shape (r, n)

    Returns
    -------
    array of int64, shape (P, r)
        Exact: ``(n - a.b) / 2`` of the bipolar forms, computed in location blocks.
    """
    xp = _module_of(addresses)
    addresses = _binary("addresses", addresses, xp)
    n = addresses.shape[1]
    points = _binary("points", points, xp, n)
    dtype = _dtype(xp, n)
    pts = _pm(points, xp, dtype)
    out = xp.empty((points.shape[0], addresses.shape[0]), dtype=xp.int64)
    for start, stop in _location_blocks(addresses, points.shape[0]):
        dots = pts @ _pm(addresses[start:stop], xp, dtype).T
        out[:, start:stop] = ((n - dots) // 2).astype(xp.int64)
    return out


def activation_counts(points, addresses, radius: int):
    """Count the hard locations within Hamming distance ``radius`` of each point.

    Parameters
    ----------
    points : array of 0/1, shape (P, n) or (n,)
    addresses : array of 0/1, shape (r, n)
    radius : int
        ``d``, in ``[0, n]``.

    Returns
    -------
    array of int64, shape (P,)
        ``|O(x)|``; its mean over points is ``r`` times the activation probability
        :math:`P(\\mathrm{Bin}(n, 1/2) \\le d)`.
    """
    xp = _module_of(addresses)
    addresses = _binary("addresses", addresses, xp)
    n = addresses.shape[1]
    d = _radius(radius, n)
    points = _binary("points", points, xp, n)
    dtype = _dtype(xp, n)
    pts = _pm(points, xp, dtype)
    out = xp.zeros(points.shape[0], dtype=xp.int64)
    for start, stop in _location_blocks(addresses, points.shape[0]):
        block = _pm(addresses[start:stop], xp, dtype)
        out += _active_block(pts, block, n, d, xp).sum(axis=1).astype(xp.int64)
    return out


def intersection_counts(queries, keys, addresses, radius: int):
    """Count the locations active for both a query and a key: the SDM read as attention.

    :math:`w_{q\\mu} = |O(q) \\cap O(k_\\mu)|`, counted on the given hard locations, so
    that the read of a memory written with ``keys`` and values :math:`p_\\mu` is
    exactly :math:`\\sum_\\mu w_{q\\mu} p_\\mu` (Bricken and Pehlevan 2021, eq. 2). Its
    expectation over random addresses is ``r`` times
    :func:`hebbian.theory.sdm.circle_intersection` at ``h = Ham(q, k)``.

    Parameters
    ----------
    queries : array of 0/1, shape (Q, n) or (n,)
    keys : array of 0/1, shape (M, n) or (n,)
    addresses : array of 0/1, shape (r, n)
    radius : int
        ``d``, in ``[0, n]``.

    Returns
    -------
    array of int64, shape (Q, M)
    """
    xp = _module_of(addresses)
    addresses = _binary("addresses", addresses, xp)
    n = addresses.shape[1]
    d = _radius(radius, n)
    queries = _binary("queries", queries, xp, n)
    keys = _binary("keys", keys, xp, n)
    dtype = _dtype(xp, n)
    q_pm, k_pm = _pm(queries, xp, dtype), _pm(keys, xp, dtype)
    out = xp.zeros((queries.shape[0], keys.shape[0]), dtype=xp.int64)
    widest = max(queries.shape[0], keys.shape[0])
    for start, stop in _location_blocks(addresses, widest):
        block = _pm(addresses[start:stop], xp, dtype)
        aq = _active_block(q_pm, block, n, d, xp).astype(xp.float32)
        ak = _active_block(k_pm, block, n, d, xp).astype(xp.float32)
        # each entry counts at most one block of < 2**24 locations: exact in float32
        out += xp.rint(aq @ ak.T).astype(xp.int64)
    return out


def softmax_read(queries, keys, values, beta: float):
    """Softmax attention with the cosine similarity of bipolar vectors.

    :math:`\\sum_\\mu \\mathrm{softmax}_\\mu(\\beta x_{q\\mu})\\, p_\\mu` with
    :math:`x_{q\\mu} = 1 - 2\\,\\mathrm{Ham}(q, k_\\mu)/n`, the cosine of the bipolar
    forms of query and key: the read that approximates the SDM for the ``beta`` of
    :func:`hebbian.theory.sdm.fit_beta_regression` (Bricken and Pehlevan 2021).

    Parameters
    ----------
    queries : array of 0/1, shape (Q, n) or (n,)
    keys : array of 0/1, shape (M, n)
    values : array, shape (M, v)
        The patterns :math:`p_\\mu` (any real entries).
    beta : float
        Inverse temperature, >= 0.

    Returns
    -------
    array of float64, shape (Q, v)
    """
    xp = _module_of(keys)
    keys = _binary("keys", keys, xp)
    n = keys.shape[1]
    queries = _binary("queries", queries, xp, n)
    values = xp.asarray(values, dtype=xp.float64)
    if values.ndim != 2 or values.shape[0] != keys.shape[0]:
        raise ValueError(
            f"values must be a 2-d array with one row per key ({keys.shape[0]}), got shape "
            f"{tuple(int(s) for s in values.shape)}"
        )
    beta = check_real("beta", beta, minimum=0.0)
    x = (_pm(queries, xp, xp.float64) @ _pm(keys, xp, xp.float64).T) / n
    z = beta * x
    z = z - z.max(axis=1, keepdims=True)
    w = xp.exp(z)
    w /= w.sum(axis=1, keepdims=True)
    return w @ values


class SparseDistributedMemory:
    """Kanerva's sparse distributed memory with random hard locations.

    Parameters
    ----------
    n_bits : int
        Address length ``n``, in ``[1, MAX_BITS]``.
    n_locations : int
        Number of hard locations ``r``, in ``[1, MAX_LOCATIONS]``.
    radius : int
        Hamming radius ``d`` of activation, in ``[0, n_bits]``.
    value_dimension : int, optional
        Length ``v`` of the stored patterns (default ``n_bits``, autoassociative use).
    seed : int, numpy.random.Generator or None
        Draws the addresses (on the host).
    device : {"cpu", "gpu", "auto"}
        Where the addresses and counters live.

    Attributes
    ----------
    addresses : array of uint8, shape (r, n)
    counters : array of int64, shape (r, v)
    n_written : int
        Patterns written so far.

    Notes
    -----
    Memory: ``r n`` bytes of addresses and ``8 r v`` bytes of counters (about 1.5 GB
    for Kanerva's canonical ``n = 1000``, ``r = 10**6`` with ``v = 64``); every
    operation works in blocks of :data:`CHUNK_ENTRIES` entries.
    """

    def __init__(
        self,
        n_bits: int,
        n_locations: int,
        radius: int,
        *,
        value_dimension: int | None = None,
        seed=None,
        device: str = "cpu",
    ):
        self.n_bits = check_int("n_bits", n_bits, minimum=1, maximum=MAX_BITS)
        self.n_locations = check_int("n_locations", n_locations, minimum=1,
                                     maximum=MAX_LOCATIONS)  # fmt: skip
        self.radius = _radius(radius, self.n_bits)
        v = self.n_bits if value_dimension is None else value_dimension
        self.value_dimension = check_int("value_dimension", v, minimum=1, maximum=MAX_BITS)
        self.xp = array_module(device)
        self.addresses = random_addresses(self.n_bits, self.n_locations, seed=seed,
                                          device=device)  # fmt: skip
        self.counters = self.xp.zeros((self.n_locations, self.value_dimension), dtype=np.int64)
        self.n_written = 0

    def activation_counts(self, points):
        """Count the locations active for each point (:func:`activation_counts`)."""
        return activation_counts(points, self.addresses, self.radius)

    def write(self, keys, values) -> None:
        """Add each pattern to the counters of the locations within ``radius`` of its key.

        Parameters
        ----------
        keys : array of 0/1, shape (m, n) or (n,)
        values : array of -1/+1, shape (m, v) or (v,)
        """
        xp = self.xp
        keys = _binary("keys", keys, xp, self.n_bits)
        values = _bipolar_values("values", values, xp, keys.shape[0], self.value_dimension)
        dtype = _dtype(xp, self.n_bits)
        k_pm = _pm(keys, xp, dtype)
        vals = values.astype(xp.float64)
        for start, stop in _location_blocks(self.addresses, keys.shape[0]):
            block = _pm(self.addresses[start:stop], xp, dtype)
            active = _active_block(k_pm, block, self.n_bits, self.radius, xp)
            # integer sums of at most m terms of +-1: exact in float64
            self.counters[start:stop] += xp.rint(active.T.astype(xp.float64) @ vals).astype(
                xp.int64
            )
        self.n_written += int(keys.shape[0])

    def read(self, queries):
        """Sum the counters of the locations within ``radius`` of each query.

        Parameters
        ----------
        queries : array of 0/1, shape (Q, n) or (n,)

        Returns
        -------
        sums : array of int64, shape (Q, v)
            :math:`s(q) = \\sum_{l \\in O(q)} C_l`.
        signs : array of int8, shape (Q, v)
            :math:`\\mathrm{sign}\\, s(q)` with :math:`\\mathrm{sign}(0) = +1`.
        """
        xp = self.xp
        queries = _binary("queries", queries, xp, self.n_bits)
        dtype = _dtype(xp, self.n_bits)
        q_pm = _pm(queries, xp, dtype)
        sums = xp.zeros((queries.shape[0], self.value_dimension), dtype=xp.int64)
        for start, stop in _location_blocks(self.addresses, queries.shape[0]):
            block = _pm(self.addresses[start:stop], xp, dtype)
            active = _active_block(q_pm, block, self.n_bits, self.radius, xp)
            counters = self.counters[start:stop].astype(xp.float64)
            sums += xp.rint(active.astype(xp.float64) @ counters).astype(xp.int64)
        signs = xp.where(sums >= 0, 1, -1).astype(xp.int8)
        return sums, signs

    def read_weights(self, queries, keys):
        """Return the attention weights of the read: :func:`intersection_counts` here."""
        return intersection_counts(queries, keys, self.addresses, self.radius)
