"""Hypervector models: atoms, binding, bundling, permutation, similarity and cleanup.

One implementation for NumPy and CuPy (array-API style): every method takes and returns
arrays of the model's array module ``xp`` (:func:`hebbian.device.array_module`). Arrays
are batched over their leading axes; the last axis has length ``D``, the dimension.

* :class:`MAPI` (``"map-i"``), :class:`MAPB` (``"map-b"``) -- Gayler's
  multiply-add-permute architecture, Gayler, "Vector symbolic architectures answer
  Jackendoff's challenges for cognitive neuroscience", ICCS/ASCS 2003.
* :class:`BSC` (``"bsc"``) -- Kanerva's binary spatter codes; Kanerva, Cognitive
  Computation 1, 139 (2009).
* :class:`HRR` (``"hrr"``) -- Plate's holographic reduced representations; Plate, IEEE
  Trans. Neural Networks 6, 623 (1995), and *Holographic Reduced Representations*, CSLI
  (2003).
* :class:`FHRR` (``"fhrr"``) -- Plate's frequency-domain (Fourier) HRR, unit phasors;
  Plate (2003), ch. 4.
* :class:`BloomFilter` (``"bloom"``) -- sparse binary sets bundled by OR; Bloom, Comm.
  ACM 13, 422 (1970); as a VSA, Clarkson, Ubaru and Yang, arXiv:2301.10352.

Random numbers: every draw (atoms, random tie-breaks) is made on the host by a NumPy
``Generator`` (:func:`hebbian._validation.as_generator`) and moved to the device with
``xp.asarray``, so the same seed gives the same vectors on the CPU and on the GPU.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from hebbian._validation import as_generator, check_choice, check_int
from hebbian.device import array_module

__all__ = [
    "BSC",
    "FHRR",
    "HRR",
    "MAPB",
    "MAPI",
    "MAX_DIMENSION",
    "MODELS",
    "BloomFilter",
    "HypervectorModel",
    "hypervector_model",
]

#: Largest dimension a model accepts.
MAX_DIMENSION = 2**26


def _shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ")"


def _check_shape(shape: object) -> tuple[int, ...]:
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        items = tuple(shape)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"shape must be an integer or a tuple of integers, got {shape!r}"
        ) from None
    return tuple(check_int("shape entries", s, minimum=0) for s in items)


class HypervectorModel:
    """A vector symbolic architecture of dimension ``D`` (base class).

    Parameters
    ----------
    dimension : int
        ``D``, in ``[1, MAX_DIMENSION]``.
    device : {"cpu", "gpu", "auto"}, optional
        Where the arrays live (:func:`hebbian.device.array_module`); default ``"cpu"``.

    Attributes
    ----------
    name : str
        The key of the model in :data:`MODELS`.
    dimension : int
        ``D``.
    xp : module
        :mod:`numpy` or :mod:`cupy`.
    exact_unbind : bool
        Whether ``unbind(bind(a, b), b) == a`` exactly for atoms ``a``, ``b``.

    Notes
    -----
    Subclasses implement ``_draw`` (atoms, on the host), ``_bind``, ``_unbind``,
    ``_bundle``, ``_dot`` (the normalized similarity of broadcast pairs) and ``_gram``
    (the similarities of queries to a codebook, one matrix product).
    """

    name = ""
    exact_unbind = True

    def __init__(self, dimension: int, *, device: str = "cpu") -> None:
        self.dimension = check_int("dimension", dimension, minimum=1, maximum=MAX_DIMENSION)
        self.device = device
        self.xp = array_module(device)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dimension={self.dimension})"

    # -- checks -----------------------------------------------------------------------

    def _vectors(self, name: str, value: object):
        """``value`` as an array of ``xp`` whose last axis has length ``D``, finite."""
        xp = self.xp
        arr = xp.asarray(value)
        if arr.dtype.kind not in "biufc":
            raise ValueError(f"{name} must be a numeric array, got dtype {arr.dtype}")
        if arr.ndim == 0 or arr.shape[-1] != self.dimension:
            raise ValueError(
                f"{name} must have a last axis of length {self.dimension} (the dimension), "
                f"got shape {_shape_text(arr.shape)}"
            )
        if arr.dtype.kind in "fc" and not bool(xp.all(xp.isfinite(arr))):
            raise ValueError(f"{name} must be finite, got nan or inf entries")
        return arr

    def _pair(self, a: object, b: object, names: tuple[str, str] = ("a", "b")):
        a = self._vectors(names[0], a)
        b = self._vectors(names[1], b)
        try:
            np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            raise ValueError(
                f"{names[0]} and {names[1]} must broadcast over their leading axes, got shapes "
                f"{_shape_text(a.shape)} and {_shape_text(b.shape)}"
            ) from None
        return a, b

    def _to_device(self, host: np.ndarray):
        return host if self.xp is np else self.xp.asarray(host)

    # -- the operations ---------------------------------------------------------------

    def random(self, shape: int | tuple[int, ...] = (), *, seed):
        """Draw independent random atoms: the seeded codebook factory.

        Parameters
        ----------
        shape : int or tuple of int, optional
            Leading axes; the result has shape ``(*shape, D)``. Default ``()``: one atom.
        seed : int, numpy.random.Generator or None
            Drawn on the host and moved to the device, so that CPU and GPU give the same
            vectors for the same seed; None draws fresh entropy.

        Returns
        -------
        array of shape ``(*shape, D)``, of the model's ``xp`` and atom dtype.
        """
        shape = _check_shape(shape)
        rng = as_generator(seed)
        return self._to_device(self._draw(rng, shape + (self.dimension,)))

    def bind(self, a: object, b: object):
        """Bind ``a`` and ``b`` (broadcast over the leading axes).

        See the class docstring for the operation of each model.
        """
        a, b = self._pair(a, b)
        return self._bind(a, b)

    def unbind(self, c: object, b: object):
        """Estimate ``a`` from ``c = bind(a, b)`` and ``b`` (broadcast over leading axes).

        Exact (``unbind(bind(a, b), b) == a``) when :attr:`exact_unbind`; a noisy
        estimate otherwise (HRR), to be cleaned up against a codebook.
        """
        c, b = self._pair(c, b, ("c", "b"))
        return self._unbind(c, b)

    def bundle(self, vectors: object, *, axis: int = -2, seed=None):
        """Superpose the vectors along ``axis`` (not the last one, which is ``D``).

        Parameters
        ----------
        vectors : array of shape (..., n, ..., D)
        axis : int, optional
            The axis of the ``n`` vectors to bundle; default ``-2``.
        seed : int, numpy.random.Generator or None, optional
            Random tie-breaks of the thresholded bundles (MAP-B, BSC); unused otherwise.

        Returns
        -------
        array, ``vectors`` without ``axis``.
        """
        v = self._vectors("vectors", vectors)
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            raise TypeError(f"axis must be an integer, got {axis!r}")
        ndim = v.ndim
        if not -ndim <= axis < ndim or int(axis) % ndim == ndim - 1:
            raise ValueError(
                f"axis must be in [{-ndim}, {ndim - 2}] and not the last axis (the dimension),"
                f" got {axis} for vectors of shape {_shape_text(v.shape)}"
            )
        axis = int(axis) % ndim
        if v.shape[axis] == 0:
            raise ValueError(f"vectors must hold at least one vector along axis {axis}, got 0")
        return self._bundle(v, axis, seed)

    def permute(self, a: object, shift: object = 1):
        """Cyclic shift of the components, :math:`\\rho^s(a)_i = a_{(i - s) \\bmod D}`.

        The inverse of ``permute(a, s)`` is ``permute(a, -s)``. The permutation is
        orthogonal and applies to every model (it preserves sparsity, phases and
        Gaussianity); Frady, Kleyko and Sommer, Neural Computation 30, 1449 (2018), use it
        to index the position of an item in a sequence.

        Parameters
        ----------
        a : array of shape (..., D)
        shift : int or integer array
            One shift, or an array of shifts broadcast against ``a.shape[:-1]`` (one
            shift per vector).
        """
        a = self._vectors("a", a)
        xp = self.xp
        if isinstance(shift, numbers.Integral) and not isinstance(shift, bool):
            return xp.roll(a, int(shift), axis=-1)
        s = xp.asarray(shift)
        if s.dtype.kind not in "iu":
            raise ValueError(f"shift must be an integer or an integer array, got dtype {s.dtype}")
        try:
            lead = np.broadcast_shapes(a.shape[:-1], s.shape)
        except ValueError:
            raise ValueError(
                f"shift of shape {_shape_text(s.shape)} does not broadcast against the "
                f"leading axes {_shape_text(a.shape[:-1])} of a"
            ) from None
        D = self.dimension
        index = (xp.arange(D) - s.astype(xp.int64)[..., None]) % D
        full = lead + (D,)
        return xp.take_along_axis(xp.broadcast_to(a, full), xp.broadcast_to(index, full), axis=-1)

    def similarity(self, a: object, b: object):
        """Return the normalized similarity of ``a`` and ``b``, broadcast over leading axes.

        The normalization of each model is stated in its class docstring (1 for an atom
        with itself, about 0 for independent atoms). Returns a float64 array of the
        broadcast leading shape.
        """
        a, b = self._pair(a, b)
        return self._dot(a, b)

    def cleanup(self, query: object, codebook: object, *, return_similarities: bool = False):
        """Index of the codebook row most similar to each query (winner-take-all).

        Parameters
        ----------
        query : array of shape (..., D)
        codebook : array of shape (M, D), or (*B, M, D)
            A batched codebook's leading axes ``B`` broadcast against
            ``query.shape[:-2]`` as in a matrix product (one codebook per batch).
        return_similarities : bool, optional
            Also return the similarities to every row.

        Returns
        -------
        index : int64 array of shape ``query.shape[:-1]`` (broadcast with ``B``)
        similarities : float64 array of shape ``(*index.shape, M)``, if asked
            The normalized similarities of :meth:`similarity`.

        Notes
        -----
        One matrix product, :math:`O(M D)` per query. Ties go to the lowest index.
        """
        q = self._vectors("query", query)
        cb = self._vectors("codebook", codebook)
        if cb.ndim < 2 or cb.shape[-2] == 0:
            raise ValueError(
                "codebook must have shape (M, D) or (..., M, D) with M >= 1, got shape "
                f"{_shape_text(cb.shape)}"
            )
        if q.ndim >= 2:
            try:
                np.broadcast_shapes(q.shape[:-2], cb.shape[:-2])
            except ValueError:
                raise ValueError(
                    f"query of shape {_shape_text(q.shape)} does not match the batched "
                    f"codebook of shape {_shape_text(cb.shape)} (leading axes must broadcast)"
                ) from None
        sims = self._gram(q, cb)
        index = self.xp.argmax(sims, axis=-1)
        return (index, sims) if return_similarities else index

    # -- helpers for subclasses -------------------------------------------------------

    def _real(self, x):
        return self.xp.asarray(x, dtype=self.xp.float64)

    def _matmul_t(self, q, cb):
        """``q @ cb^T`` over the last axis (float64), batched like ``matmul``."""
        return self.xp.matmul(q, self.xp.swapaxes(cb, -1, -2))

    def _draw(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def _bind(self, a, b):
        raise NotImplementedError  # pragma: no cover

    def _unbind(self, c, b):
        raise NotImplementedError  # pragma: no cover

    def _bundle(self, v, axis: int, seed):
        raise NotImplementedError  # pragma: no cover

    def _dot(self, a, b):
        raise NotImplementedError  # pragma: no cover

    def _gram(self, q, cb):
        raise NotImplementedError  # pragma: no cover


class MAPI(HypervectorModel):
    """MAP-I: bipolar atoms, elementwise-product binding, integer-sum bundling.

    * atoms: uniform on :math:`\\{-1, +1\\}^D` (int8);
    * bind: :math:`(a \\odot b)_i = a_i b_i`, self-inverse, so ``unbind == bind``, exact;
    * bundle: the integer sum :math:`\\sum_k a^{(k)}` (int64);
    * similarity: :math:`\\langle a, b\\rangle / D` -- the cosine for atoms (1 with
      itself, mean 0 and variance :math:`1/D` for independent atoms); for an integer
      bundle of ``K`` atoms its similarity to each of them is
      :math:`1 \\pm \\sqrt{(K-1)/D}`.

    Reference: Gayler, ICCS/ASCS 2003 (the multiply-add-permute architecture, "I" for
    integer bundles). Binding preserves similarity exactly:
    ``similarity(bind(a, c), bind(b, c)) == similarity(a, b)`` for atoms ``c``.
    """

    name = "map-i"

    def _draw(self, rng, shape):
        return (rng.integers(0, 2, size=shape, dtype=np.int8) * 2 - 1).astype(np.int8)

    def _bind(self, a, b):
        return a * b

    def _unbind(self, c, b):
        return c * b

    def _bundle(self, v, axis, seed):
        return self.xp.sum(v, axis=axis, dtype=self.xp.int64 if v.dtype.kind in "biu" else None)

    def _dot(self, a, b):
        return self.xp.sum(self._real(a) * self._real(b), axis=-1) / self.dimension

    def _gram(self, q, cb):
        return self._matmul_t(self._real(q), self._real(cb)) / self.dimension


class MAPB(MAPI):
    """MAP-B: MAP-I with the bundle thresholded back to :math:`\\{-1, +1\\}^D`.

    * bundle: :math:`\\operatorname{sign}\\sum_k a^{(k)}` (int8), a zero sum (a tie,
      possible for an even number of vectors) replaced by a random sign drawn from
      ``seed``;
    * atoms, binding (exact, self-inverse) and similarity
      (:math:`\\langle a, b\\rangle / D`) as :class:`MAPI`.

    The similarity of the bundle of an odd number ``K`` of atoms to each of them is
    :math:`\\binom{K-1}{(K-1)/2} 2^{1-K} \\simeq \\sqrt{2/(\\pi K)}`: the binarisation
    keeps :math:`2/\\pi` of MAP-I's signal-to-noise ratio squared. Reference: Gayler,
    ICCS/ASCS 2003; Clarkson, Ubaru and Yang, arXiv:2301.10352.
    """

    name = "map-b"

    def _bundle(self, v, axis, seed):
        xp = self.xp
        total = xp.sum(v, axis=axis, dtype=xp.int64 if v.dtype.kind in "biu" else None)
        ties = self._to_device(self._draw(as_generator(seed), tuple(total.shape)))
        return xp.where(total == 0, ties, xp.sign(total)).astype(xp.int8)


class BSC(HypervectorModel):
    """Binary spatter codes: dense binary atoms, XOR binding, majority bundling.

    * atoms: uniform on :math:`\\{0, 1\\}^D`, :math:`p = 1/2` (uint8);
    * bind: XOR, self-inverse, so ``unbind == bind``, exact;
    * bundle: the bitwise majority (uint8), a tie (possible for an even number of
      vectors) broken by a random bit drawn from ``seed``;
    * similarity: :math:`1 - 2 d_H(a, b) / D` with :math:`d_H` the Hamming distance
      (1 with itself, mean 0 and variance :math:`1/D` for independent atoms).

    BSC is MAP-B written in bits (:math:`x \\mapsto 1 - 2x`): the similarities of both
    are the same numbers. Reference: Kanerva, Cognitive Computation 1, 139 (2009).
    """

    name = "bsc"

    def _draw(self, rng, shape):
        return rng.integers(0, 2, size=shape, dtype=np.uint8)

    def _bind(self, a, b):
        return self.xp.bitwise_xor(a.astype(self.xp.uint8), b.astype(self.xp.uint8))

    def _unbind(self, c, b):
        return self._bind(c, b)

    def _bundle(self, v, axis, seed):
        xp = self.xp
        n = v.shape[axis]
        twice = 2 * xp.sum(v, axis=axis, dtype=xp.int64)
        ties = self._to_device(self._draw(as_generator(seed), tuple(twice.shape)))
        return xp.where(twice == n, ties, (twice > n).astype(xp.uint8)).astype(xp.uint8)

    def _bipolar(self, x):
        return 1.0 - 2.0 * self._real(x)

    def _dot(self, a, b):
        return self.xp.sum(self._bipolar(a) * self._bipolar(b), axis=-1) / self.dimension

    def _gram(self, q, cb):
        return self._matmul_t(self._bipolar(q), self._bipolar(cb)) / self.dimension


class HRR(HypervectorModel):
    """Holographic reduced representations: Gaussian atoms, circular convolution.

    * atoms: i.i.d. :math:`N(0, 1/D)` components (float64), so :math:`|a|^2 \\approx 1`;
    * bind: circular convolution :math:`(a \\circledast b)_j = \\sum_k a_k b_{(j-k)
      \\bmod D}`, computed by FFT;
    * unbind: circular correlation, the convolution with the involution
      :math:`b^*_i = b_{-i \\bmod D}`: :math:`b^* \\circledast (a \\circledast b) \\approx
      a`, not exact (``exact_unbind = False``); the noise is removed by cleanup;
    * bundle: the sum (float64);
    * similarity: the plain dot product :math:`\\langle a, b\\rangle` (not divided by
      ``D``: atoms have unit norm on average; :math:`a \\cdot a` has mean 1 and variance
      :math:`2/D`, :math:`a \\cdot b` mean 0 and variance :math:`1/D`).

    Reference: Plate, IEEE Trans. Neural Networks 6, 623 (1995); Plate,
    *Holographic Reduced Representations*, CSLI (2003).

    Notes
    -----
    Binding and unbinding cost :math:`O(D \\log D)` per pair (``rfft``/``irfft``).
    """

    name = "hrr"
    exact_unbind = False

    def _draw(self, rng, shape):
        return rng.normal(0.0, 1.0 / math.sqrt(self.dimension), size=shape)

    def _bind(self, a, b):
        fft = self.xp.fft
        D = self.dimension
        return fft.irfft(
            fft.rfft(self._real(a), axis=-1) * fft.rfft(self._real(b), axis=-1), n=D, axis=-1
        )

    def _unbind(self, c, b):
        fft = self.xp.fft
        D = self.dimension
        spectrum = fft.rfft(self._real(c), axis=-1) * self.xp.conj(
            fft.rfft(self._real(b), axis=-1)
        )
        return fft.irfft(spectrum, n=D, axis=-1)

    def involution(self, a: object):
        """Plate's approximate inverse :math:`a^*_i = a_{-i \\bmod D}`."""
        a = self._vectors("a", a)
        return self.xp.roll(self.xp.flip(a, axis=-1), 1, axis=-1)

    def _bundle(self, v, axis, seed):
        return self.xp.sum(self._real(v), axis=axis)

    def _dot(self, a, b):
        return self.xp.sum(self._real(a) * self._real(b), axis=-1)

    def _gram(self, q, cb):
        return self._matmul_t(self._real(q), self._real(cb))


class FHRR(HypervectorModel):
    """Fourier HRR: unit-phasor atoms, elementwise complex-product binding.

    * atoms: :math:`e^{i\\theta_j}`, :math:`\\theta_j \\sim U(-\\pi, \\pi]` i.i.d.
      (complex128);
    * bind: the elementwise product :math:`a \\odot b` (the circular convolution of HRR
      in the Fourier domain);
    * unbind: the product with the complex conjugate, :math:`c \\odot \\bar b`, exact for
      atoms (:math:`|b_j| = 1`);
    * bundle: the complex sum;
    * similarity: :math:`\\operatorname{Re}\\langle a, b\\rangle / D =
      \\operatorname{Re}\\sum_j a_j \\bar b_j / D` (1 with itself, mean 0 and variance
      :math:`1/(2D)` for independent atoms: the real part halves the crosstalk).

    Binding preserves similarity exactly (unitary). Reference: Plate (2003), ch. 4;
    Frady, Kleyko and Sommer, Neural Computation 30, 1449 (2018).
    """

    name = "fhrr"

    def _draw(self, rng, shape):
        theta = np.pi - rng.uniform(0.0, 2.0 * np.pi, size=shape)  # in (-pi, pi]
        out = np.empty(shape, dtype=np.complex128)
        np.cos(theta, out=out.real)
        np.sin(theta, out=out.imag)
        return out

    def _complex(self, x):
        return self.xp.asarray(x, dtype=self.xp.complex128)

    def _bind(self, a, b):
        return self._complex(a) * self._complex(b)

    def _unbind(self, c, b):
        return self._complex(c) * self.xp.conj(self._complex(b))

    def _bundle(self, v, axis, seed):
        return self.xp.sum(self._complex(v), axis=axis)

    def _dot(self, a, b):
        a, b = self._complex(a), self._complex(b)
        return self.xp.sum(a.real * b.real + a.imag * b.imag, axis=-1) / self.dimension

    def _gram(self, q, cb):
        q, cb = self._complex(q), self._complex(cb)
        xp = self.xp
        real = self._matmul_t(xp.ascontiguousarray(q.real), xp.ascontiguousarray(cb.real))
        real += self._matmul_t(xp.ascontiguousarray(q.imag), xp.ascontiguousarray(cb.imag))
        return real / self.dimension


class BloomFilter(HypervectorModel):
    """Sparse binary sets: ``k``-sparse atoms bundled by OR (a Bloom filter).

    * atoms: :math:`\\{0, 1\\}^D` vectors with exactly ``k = n_hashes`` ones at distinct
      uniformly random positions (uint8), the ``k`` "hash functions" of an item;
    * bundle: the bitwise OR (uint8);
    * membership (:meth:`contains`): every one of the item is set in the bundle; no
      false negatives, false positives at the rate
      :math:`(1 - e^{-kn/D})^k` for ``n`` bundled items, smallest at
      :math:`k = (D/n)\\ln 2` where it is :math:`2^{-k}`;
    * similarity: the overlap :math:`|a \\wedge b| / k` (1 for an atom with itself and
      with any bundle containing it; mean :math:`k/D` for independent atoms);
    * no binding: :meth:`bind` and :meth:`unbind` raise ``ValueError`` (the sparse
      bindings of the literature -- block-local shifts, context-dependent thinning --
      are separate models, not implemented here). :meth:`permute` (a cyclic shift)
      applies.

    Parameters
    ----------
    dimension : int
    n_hashes : int
        ``k``, in ``[1, D]``.
    device : str, optional

    References
    ----------
    Bloom, Comm. ACM 13, 422 (1970); Clarkson, Ubaru and Yang, "Capacity analysis of
    vector symbolic architectures", arXiv:2301.10352.
    """

    name = "bloom"

    def __init__(self, dimension: int, n_hashes: int, *, device: str = "cpu") -> None:
        super().__init__(dimension, device=device)
        self.n_hashes = check_int("n_hashes", n_hashes, minimum=1, maximum=self.dimension)

    def __repr__(self) -> str:
        return f"BloomFilter(dimension={self.dimension}, n_hashes={self.n_hashes})"

    def _draw(self, rng, shape):
        D, k = self.dimension, self.n_hashes
        n = math.prod(shape[:-1])
        if k * k <= 4 * D:  # Floyd's sampling, vectorised over the atoms: O(n k^2)
            positions = np.empty((n, k), dtype=np.int64)
            for i, j in enumerate(range(D - k, D)):
                t = rng.integers(0, j + 1, size=n)
                taken = (positions[:, :i] == t[:, None]).any(axis=1)
                positions[:, i] = np.where(taken, j, t)
        else:  # the k smallest of D uniforms: O(n D)
            positions = np.argpartition(rng.random((n, D)), k - 1, axis=1)[:, :k]
        out = np.zeros((n, D), dtype=np.uint8)
        out[np.arange(n)[:, None], positions] = 1
        return out.reshape(shape)

    def _bind(self, a, b):
        raise ValueError(
            "the 'bloom' model has no binding (OR-bundled sparse sets only); use 'map-i', "
            "'map-b', 'bsc', 'hrr' or 'fhrr' to bind"
        )

    _unbind = _bind

    def _bundle(self, v, axis, seed):
        return self.xp.any(v != 0, axis=axis).astype(self.xp.uint8)

    def _dot(self, a, b):
        return self.xp.sum(self._real(a != 0) * self._real(b != 0), axis=-1) / self.n_hashes

    def _gram(self, q, cb):
        return self._matmul_t(self._real(q != 0), self._real(cb != 0)) / self.n_hashes

    def contains(self, bundle: object, items: object):
        """Test membership: are all the ones of each item set in ``bundle`` (Bloom's test).

        Parameters
        ----------
        bundle : array of shape (..., D)
        items : array of shape (..., D)
            Broadcast against ``bundle`` over the leading axes.

        Returns
        -------
        bool array of the broadcast leading shape.
        """
        bundle, items = self._pair(bundle, items, ("bundle", "items"))
        xp = self.xp
        missing = xp.logical_and(items != 0, bundle == 0)
        return xp.logical_not(xp.any(missing, axis=-1))


#: The models by name.
MODELS: dict[str, type[HypervectorModel]] = {
    "map-i": MAPI,
    "map-b": MAPB,
    "bsc": BSC,
    "hrr": HRR,
    "fhrr": FHRR,
    "bloom": BloomFilter,
}


def hypervector_model(
    name: str, dimension: int, *, device: str = "cpu", n_hashes: int | None = None
) -> HypervectorModel:
    """Make the hypervector model ``name`` of dimension ``D``.

    Parameters
    ----------
    name : {"map-i", "map-b", "bsc", "hrr", "fhrr", "bloom"}
    dimension : int
        ``D``, in ``[1, MAX_DIMENSION]``.
    device : {"cpu", "gpu", "auto"}, optional
        Picks ``xp`` with :func:`hebbian.device.array_module`; default ``"cpu"``.
    n_hashes : int, optional
        The number ``k`` of ones of an atom: required by ``"bloom"``, refused by the
        others.

    Raises
    ------
    ValueError
        For an unknown name, a dimension out of range, or ``n_hashes`` missing (bloom)
        or given (the others).

    Examples
    --------
    >>> model = hypervector_model("map-i", 1000)
    >>> a, b = model.random(2, seed=1)
    >>> bool((model.unbind(model.bind(a, b), b) == a).all())
    True
    """
    check_choice("model", name, tuple(MODELS))
    dimension = check_int("dimension", dimension, minimum=1, maximum=MAX_DIMENSION)
    if name == "bloom":
        if n_hashes is None:
            raise ValueError("the 'bloom' model needs n_hashes (the number of ones of an atom)")
        return BloomFilter(dimension, n_hashes, device=device)
    if n_hashes is not None:
        raise ValueError(f"n_hashes applies to the 'bloom' model only, got it for {name!r}")
    return MODELS[name](dimension, device=device)
