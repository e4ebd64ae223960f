"""Model specifications: parameters and validation only, no loops, no backends.

A model is a frozen dataclass. The Monte Carlo engines (:mod:`hebbian.montecarlo`) and
the exact enumeration read its arrays; nothing here depends on Numba or CuPy.

* :class:`HebbianModel` -- every network whose energy is a weighted sum of powers of
  Mattis overlaps (Hopfield, dense p-body Hebbian, multitasking, learning from examples):

  .. math:: E(\\sigma) \\approx -N \\sum_{k=1}^{K} w_k \\frac{m_k(\\sigma)^p}{p},
            \\qquad m_k = \\frac{1}{N}\\sum_i \\xi_{k i}\\sigma_i,

  with every index coincidence (self-interaction) removed exactly; the precise
  definition is in :mod:`hebbian.observables`.
* :class:`CouplingModel` -- an explicit symmetric coupling matrix (learning rules that
  are not Hebbian: Storkey, pseudo-inverse, Krauth-Mezard),
  :math:`E = -\\frac12 \\sum_{i\\ne j} J_{ij}\\sigma_i\\sigma_j`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hebbian._parallel import PARALLEL_ENTRIES, in_threads, split, workers
from hebbian._validation import check_int, is_ternary, max_abs_integer

__all__ = ["MAX_ENTRY", "MAX_INTEGER_P", "CouplingModel", "HebbianModel", "padded_memory_count"]

#: Side of the square tiles in which the memories are transposed to the site-major
#: block: 512 x 512 int8 (256 KiB) stays in cache, where NumPy's element-wise strided
#: copy of the whole (K, N) array runs about ten times slower at K N = 5e8.
_TILE = 512


def _site_major_block(xi: np.ndarray, k_pad: int, *, squares: bool = False) -> tuple:
    """Return the site-major block of ``xi`` (K, N) int8 or int16 and its sums.

    Returns ``(block, per_memory, per_site, memory_squares, site_squares)``: ``block``
    (N, k_pad) of the dtype of ``xi`` with ``block[:, :K] = xi.T`` and zero padding,
    ``per_memory`` (K,) and ``per_site`` (N,) int64 counts of non-zero entries, and, with
    ``squares``, the int64 sums of squared entries :math:`\\sum_i \\xi_{ki}^2` (K,) and
    :math:`\\sum_k \\xi_{ki}^2` (N,) (else None: for ternary entries they are the
    counts). The transposition runs in cache-sized tiles, split over sites between
    threads; the counts are free when no entry is zero (one pass of ``count_nonzero``)
    and are gathered tile by tile otherwise, as are the squares. No temporary is larger
    than a tile (its int64 squares).
    """
    K, N = xi.shape
    block = np.zeros((N, k_pad), dtype=xi.dtype)
    binary = np.count_nonzero(xi) == K * N
    per_site = np.full(N, K, dtype=np.int64) if binary else np.zeros(N, dtype=np.int64)
    site_squares = np.zeros(N, dtype=np.int64) if squares else None

    def transpose(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray | None]:
        per_memory = np.zeros(K, dtype=np.int64)
        memory_squares = np.zeros(K, dtype=np.int64) if squares else None
        for b in range(lo, hi, _TILE):
            b1 = min(b + _TILE, hi)
            for a in range(0, K, _TILE):
                a1 = min(a + _TILE, K)
                tile = xi[a:a1, b:b1]
                block[b:b1, a:a1] = tile.T
                if not binary:
                    per_memory[a:a1] += np.count_nonzero(tile, axis=1)
                    per_site[b:b1] += np.count_nonzero(tile, axis=0)
                if squares:
                    sq = np.square(tile, dtype=np.int64)
                    memory_squares[a:a1] += sq.sum(axis=1)
                    site_squares[b:b1] += sq.sum(axis=0)
        return per_memory, memory_squares

    threads = workers() if K * N >= PARALLEL_ENTRIES else 1
    parts = in_threads(transpose, split(N, threads, _TILE))
    per_memory = np.full(K, N, dtype=np.int64) if binary else np.sum([q[0] for q in parts], axis=0)
    memory_squares = np.sum([q[1] for q in parts], axis=0) if squares else None
    return block, per_memory, per_site, memory_squares, site_squares


def padded_memory_count(n_memories: int) -> int:
    """Length of the stored memory axis: ``K`` rounded up to 16, or to 64 above 64.

    The engines' loops over memories run in 16 int16 lanes, unrolled four times; with
    this padding they need no scalar remainder for large ``K``, while a small ``K`` keeps
    its rows short (a row is read from cache for every visited site).
    """
    step = 16 if n_memories <= 64 else 64
    return -(-n_memories // step) * step


#: Largest magnitude of a memory entry: the entries are stored as int16.
MAX_ENTRY = int(np.iinfo(np.int16).max)

#: Largest magnitude stored as int8 (larger entries are stored as int16).
_INT8_ENTRY = int(np.iinfo(np.int8).max)

#: Largest order p at which integer memories are exact (see :class:`HebbianModel`): the
#: engines' Newton recursion takes the power sums up to :math:`P_6`
#: (:func:`hebbian.observables.newton_products`).
MAX_INTEGER_P = 6

_ALLOWED_ENTRIES = (
    f"in {{-1, 0, +1}}, or integers in [-{MAX_ENTRY}, {MAX_ENTRY}] for p = 2 to {MAX_INTEGER_P}"
)


@dataclass(frozen=True, eq=False)
class HebbianModel:
    """A p-body Hebbian network defined by its memories.

    Parameters
    ----------
    memories : (K, N) array of integers
        Stored vectors :math:`\\xi_k`: entries in {-1, 0, +1} (*ternary* memories;
        blank entries (0) describe diluted memories) or, for ``2 <= p <= 6``
        (:data:`MAX_INTEGER_P`), any integers with :math:`|\\xi_{ki}| \\le`
        :data:`MAX_ENTRY` (*integer* memories, for example the sum of the ``M`` examples
        of a class in supervised learning, entries in ``[-M, M]``; Agliari et al.,
        Physica A 626, 129076 (2023)); any integer or boolean dtype, or floats that are
        exactly integral.
        Kept once, as ``int8`` (``int16`` when :math:`\\max|\\xi| > 127`), in a
        site-major block whose memory axis is padded with zeros
        (:func:`padded_memory_count`; :attr:`site_major` is that block, read by the
        engines without a copy); ``model.memories`` is a read-only view of its first
        ``K`` rows. Checking and storing ``int8`` memories makes no temporary larger than
        a few hundred KiB: the model costs ``N K_pad`` bytes (twice that for ``int16``)
        plus its counts, next to the caller's ``K N``.
    p : int, optional
        Interaction order ``p >= 2`` (2: Hopfield).
    weights : (K,) array, optional
        Weights :math:`w_k` (finite); default all ones.

    Raises
    ------
    ValueError
        For entries that are not integers or exceed :data:`MAX_ENTRY` in magnitude, and
        for integer memories (an entry beyond {-1, 0, +1}) with ``p > 6``
        (:data:`MAX_INTEGER_P`): the engines' Newton recursion (field and energy with
        every coincidence removed) takes the power sums up to :math:`P_6`.

    Notes
    -----
    The energy is :math:`-\\frac{1}{pN^{p-1}}\\sum_k w_k \\sum_{i_1\\ne\\dots\\ne i_p}
    \\prod_a \\xi_{k i_a}\\sigma_{i_a}`, the Hebbian energy with all self-interactions
    removed (:mod:`hebbian.observables`). At p = 2 and binary patterns it is the
    zero-diagonal Hopfield energy of Amit, Gutfreund and Sompolinsky, Ann. Phys. 173, 30
    (1987), :math:`E/N = -\\frac12\\sum_k m_k^2 + \\frac{\\alpha}{2}`. For p >= 3 it is
    Gardner's P-spin model (J. Phys. A 20, 3453 (1987)) with the load
    :math:`K = \\alpha N^{p-1}` (:attr:`alpha`); Gardner's normalization
    :math:`-(N/p!)\\sum_k m_k^p` corresponds to ``weights = 1/(p-1)!``
    (``docs/conventions.md``).

    With integer memories at p = 2 the removed self-interactions are
    :math:`\\frac{1}{2N}\\sum_k w_k \\sum_i \\xi_{ki}^2` in the energy
    (:attr:`square_sums`) and :math:`\\frac{w}{N}\\sigma_i\\sum_k \\xi_{ki}^2` in the
    field of site ``i`` (:attr:`site_square_sums`); the Mattis overlaps
    :math:`m_k = N^{-1}\\sum_i \\xi_{ki}\\sigma_i` are not normalized by the entries'
    size (:math:`|m_k| \\le \\max|\\xi|`).

    At p = 3, with :math:`x_i = \\xi_{ki}\\sigma_i`, :math:`M_k = \\sum_i x_i` and the
    constant :math:`P_{2,k} = \\sum_i x_i^2 = \\sum_i \\xi_{ki}^2` (:attr:`square_sums`),
    the field of site ``i`` needs the ordered distinct pairs of the *other* sites,
    :math:`(M_k - x_i)^2 - (P_{2,k} - \\xi_{ki}^2)`, so the dynamics is exact with the
    sums of squares in place of the counts; the energy needs the ordered distinct
    triples, :math:`M_k^3 - 3 M_k P_{2,k} + 2 P_{3,k}` with the spin-dependent
    :math:`P_{3,k} = \\sum_i \\xi_{ki}^3\\sigma_i`, computed where energies are measured
    (:func:`hebbian.observables.hebbian_energy`, ``cube_sums``).

    For 4 <= p <= 6 the field of site ``i`` is
    :math:`h_i = N^{1-p}\\sum_k w_k \\xi_{ki}\\, g_{p-1}(x \\setminus x_i)`, with
    :math:`g_j = j!\\, e_j` the sum over ordered j-tuples of distinct other sites,
    given by Newton's identities

    .. math:: g_0 = 1, \\qquad g_j = \\sum_{m=1}^{j} (-1)^{m-1} \\frac{(j-1)!}{(j-m)!}\\,
              P_m\\, g_{j-m}

    (:func:`hebbian.observables.newton_products`) from the power sums of the other
    sites, :math:`P_m - x_i^m`: the even ones are constants per memory
    (:attr:`square_sums`, :meth:`power_sums`), the odd ones
    :math:`P_{3,k} = \\sum_i \\xi_{ki}^3\\sigma_i` (and :math:`P_{5,k}` at p = 6)
    depend on the spins and are tracked by the CPU engines alongside the overlap sums,
    updated exactly on every flip. The energy, :math:`g_p` of all sites, needs
    :math:`P_1` to :math:`P_p` (Gardner's P-spin model, J. Phys. A 20, 3453 (1987),
    with every coincidence removed). The blocked and GPU engines run integer memories
    up to p = 3 only.

    The engines stay exact (identical spins on every backend) within the bounds stated
    in :func:`hebbian.montecarlo.arrays.field_mode` (CPU: :math:`K N^{p-1} X^p < 2^{62}`
    with equal weights, :math:`X = \\max|\\xi|`; for integer memories at p >= 4,
    :math:`\\max(K, p) \\max(N, p)^{p-1} X^p < 2^{62}`) and
    :func:`hebbian.montecarlo.blocked.model_limitation` (blocked and GPU:
    :math:`K (N + p - 1)^{p-1} X^p < 2^{52}`).

    Examples
    --------
    >>> from hebbian.patterns import random_patterns
    >>> model = HebbianModel(random_patterns(10, 100, seed=0))
    >>> model.n_neurons, model.n_memories, model.alpha
    (100, 10, 0.1)
    >>> HebbianModel([[3, -1, 0, 2], [1, 1, -2, 0]]).square_sums.tolist()
    [14, 6]
    """

    memories: np.ndarray
    p: int = 2
    weights: np.ndarray | None = None
    _nnz: np.ndarray = field(init=False, repr=False)
    _site_nnz: np.ndarray = field(init=False, repr=False)
    _square_sums: np.ndarray = field(init=False, repr=False)
    _site_square_sums: np.ndarray = field(init=False, repr=False)
    _max_abs_entry: int = field(init=False, repr=False)
    _site_major: np.ndarray = field(init=False, repr=False)
    _power_sums: dict = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        xi = np.asarray(self.memories)
        if xi.ndim != 2 or xi.shape[0] < 1 or xi.shape[1] < 2:
            raise ValueError(
                f"memories must be a (K, N) array with K >= 1 memories and N >= 2 neurons, "
                f"got shape {xi.shape}"
            )
        p = check_int("p", self.p, minimum=2)
        largest = max_abs_integer(xi, name="memories", limit=MAX_ENTRY, allowed=_ALLOWED_ENTRIES)
        if largest > 1 and p > MAX_INTEGER_P:
            raise ValueError(
                f"memories entries must be in {{-1, 0, +1}} for p = {p}, got max |entry| = "
                f"{largest}: integer memories are supported for p = 2 to {MAX_INTEGER_P} (the "
                f"engines' Newton recursion for the distinct-index field and energy takes the "
                f"power sums sum_i xi_ki^m sigma_i^m up to m = {MAX_INTEGER_P})"
            )
        if xi.dtype.kind == "c":  # checked: every imaginary part is zero
            xi = xi.real
        K, N = xi.shape
        ternary = largest <= 1
        dtype = np.int8 if largest <= _INT8_ENTRY else np.int16
        site_major, nnz, site_nnz, squares, site_squares = _site_major_block(
            xi.astype(dtype, copy=False), padded_memory_count(K), squares=not ternary
        )
        if ternary:  # x^2 = |x|: the sums of squares are the counts
            squares, site_squares = nnz, site_nnz
        site_major.flags.writeable = False
        xi = site_major[:, :K].T
        if self.weights is None:
            w = np.ones(K)
        else:
            w = np.asarray(self.weights, dtype=np.float64)
            if w.shape != (K,):
                raise ValueError(f"weights must have shape ({K},), got {w.shape}")
            if not np.all(np.isfinite(w)):
                raise ValueError("weights must be finite")
            w = w.copy()
        w.flags.writeable = False
        object.__setattr__(self, "memories", xi)
        object.__setattr__(self, "p", p)
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "_nnz", nnz)
        object.__setattr__(self, "_site_nnz", site_nnz)
        object.__setattr__(self, "_square_sums", squares)
        object.__setattr__(self, "_site_square_sums", site_squares)
        object.__setattr__(self, "_max_abs_entry", int(largest))
        object.__setattr__(self, "_site_major", site_major)

    @property
    def n_neurons(self) -> int:
        """Number of neurons ``N``."""
        return int(self.memories.shape[1])

    @property
    def n_memories(self) -> int:
        """Number of memories ``K``."""
        return int(self.memories.shape[0])

    @property
    def alpha(self) -> float:
        """Load :math:`\\alpha = K / N^{p-1}`."""
        return self.n_memories / self.n_neurons ** (self.p - 1)

    @property
    def site_major(self) -> np.ndarray:
        """The stored block, (N, K_pad) int8 or int16, C-contiguous; columns >= K are zero.

        ``int16`` exactly when :attr:`max_abs_entry` exceeds 127.
        """
        return self._site_major

    @property
    def max_abs_entry(self) -> int:
        """Largest magnitude of an entry, :math:`\\max_{k,i}|\\xi_{ki}|` (0 or 1: ternary)."""
        return self._max_abs_entry

    @property
    def is_ternary(self) -> bool:
        """Whether every entry is -1, 0 or +1 (else: integer memories, p = 2 to 6)."""
        return self._max_abs_entry <= 1

    @property
    def nonzero_counts(self) -> np.ndarray:
        """Non-blank entries of each memory, :math:`n_k` (K,) int64.

        For ternary memories :math:`n_k = \\sum_i \\xi_{ki}^2` (:attr:`square_sums`, the
        same array).
        """
        return self._nnz

    @property
    def site_counts(self) -> np.ndarray:
        """Non-blank entries at each site (N,) int64.

        For ternary memories this is :math:`\\sum_k \\xi_{ki}^2`
        (:attr:`site_square_sums`, the same array).
        """
        return self._site_nnz

    @property
    def square_sums(self) -> np.ndarray:
        """Sums of squared entries of each memory, :math:`\\sum_i \\xi_{ki}^2` (K,) int64.

        The self-interaction removed from the p = 2 energy,
        :math:`g_2 = M_k^2 - \\sum_i \\xi_{ki}^2` (:func:`hebbian.observables.hebbian_energy`),
        and the :math:`P_2` of the p = 3 field and energy;
        :attr:`nonzero_counts` for ternary memories.
        """
        return self._square_sums

    @property
    def site_square_sums(self) -> np.ndarray:
        """Sums of squared entries at each site, :math:`\\sum_k \\xi_{ki}^2` (N,) int64.

        The self-interaction removed from the p = 2 field of site ``i``;
        :attr:`site_counts` for ternary memories.
        """
        return self._site_square_sums

    def power_sums(self, power: int) -> np.ndarray:
        """Return the sums of each memory's powers, :math:`\\sum_i \\xi_{ki}^m` (K,) int64.

        For even ``m`` the power sum :math:`P_{m,k} = \\sum_i (\\xi_{ki}\\sigma_i)^m` of
        every state: :attr:`square_sums` at ``m = 2``, and the :math:`P_4`, :math:`P_6`
        that the field and the energy of integer memories need at p >= 4
        (:func:`hebbian.observables.newton_products`). Computed on first use, in slices
        of memories (no temporary beyond a slice), and kept.

        Raises
        ------
        ValueError
            For ``m < 1``, or unless :math:`N \\max|\\xi|^m < 2^{63}` (int64 would
            overflow).
        """
        m = check_int("power", power, minimum=1)
        if m == 2:
            return self._square_sums
        cached = self._power_sums.get(m)
        if cached is not None:
            return cached
        N, X = self.n_neurons, self._max_abs_entry
        if N * X**m >= 2**63:
            raise ValueError(
                f"power sums need N max|xi|^m < 2**63 for exact int64, got N = {N}, "
                f"max|xi| = {X}, m = {m}"
            )
        xi = self.memories
        out = np.empty(self.n_memories, dtype=np.int64)
        rows = max(1, (1 << 16) // N)
        for a in range(0, self.n_memories, rows):
            out[a : a + rows] = np.power(xi[a : a + rows], m, dtype=np.int64).sum(axis=1)
        out.flags.writeable = False
        self._power_sums[m] = out
        return out

    @property
    def uniform_weight(self) -> float | None:
        """The common weight when all weights are equal, else ``None``."""
        w = self.weights
        return float(w[0]) if np.all(w == w[0]) else None

    def describe(self) -> dict:
        """Parameters as plain Python values (for result attributes)."""
        return {
            "model": "hebbian",
            "n_neurons": self.n_neurons,
            "n_memories": self.n_memories,
            "p": self.p,
            "alpha": self.alpha,
            "diluted": int(bool(np.any(self._nnz < self.n_neurons))),
            "max_abs_entry": self.max_abs_entry,
            "uniform_weight": "none" if self.uniform_weight is None else self.uniform_weight,
        }


@dataclass(frozen=True, eq=False)
class CouplingModel:
    """A network with an explicit coupling matrix.

    Parameters
    ----------
    couplings : (N, N) array
        Finite couplings :math:`J_{ij}`; row ``i`` holds the couplings *into* neuron
        ``i``, whose field is :math:`h_i = \\sum_j J_{ij}\\sigma_j`. Symmetric unless
        ``symmetric=False``.
    keep_diagonal : bool, optional
        By default the diagonal is set to zero. With ``True`` it is kept and enters the
        local field :math:`h_i = \\sum_j J_{ij}\\sigma_j` as a self-coupling
        :math:`J_{ii}\\sigma_i` (it stabilises every state; see Folli, Leonetti, Ruocco,
        Front. Comput. Neurosci. 10, 144 (2017)). The energy never contains it, so with a
        non-zero diagonal the finite-temperature dynamics no longer samples
        :math:`e^{-\\beta E}`.
    memories : (K, N) array of {-1, 0, +1}, optional
        Vectors whose overlaps are measured (for example the patterns a learning rule
        stored in ``couplings``).
    symmetric : bool, optional
        ``True`` (default): ``couplings`` must equal their transpose, and the network has
        the energy below. ``False``: any finite matrix is taken as it is, for the rules
        that learn each neuron's row separately (perceptron-type rules, Gardner, Krauth
        and Mezard). Such a network has no energy function, so it runs only dynamics
        that need none, zero-temperature sequential and synchronous updates; its
        measured energies are NaN, and exact enumeration refuses it.

    Notes
    -----
    :math:`E = -\\frac12\\sum_{i \\ne j} J_{ij}\\sigma_i\\sigma_j` (symmetric couplings).
    """

    couplings: np.ndarray
    keep_diagonal: bool = False
    memories: np.ndarray | None = None
    symmetric: bool = True

    def __post_init__(self) -> None:
        J = np.array(self.couplings, dtype=np.float64)
        if J.ndim != 2 or J.shape[0] != J.shape[1] or J.shape[0] < 2:
            raise ValueError(f"couplings must be a square (N, N) array with N >= 2, got {J.shape}")
        if not np.all(np.isfinite(J)):
            raise ValueError("couplings must be finite")
        if not isinstance(self.symmetric, (bool, np.bool_)):
            raise TypeError(f"symmetric must be True or False, got {self.symmetric!r}")
        if self.symmetric and not np.array_equal(J, J.T):
            raise ValueError(
                "couplings must be symmetric (J == J.T); pass symmetric=False for a "
                "network without an energy function (zero-temperature and synchronous "
                "dynamics only)"
            )
        if not self.keep_diagonal:
            np.fill_diagonal(J, 0.0)
        J.flags.writeable = False
        object.__setattr__(self, "couplings", J)
        if self.memories is not None:
            xi = np.asarray(self.memories)
            if xi.ndim != 2 or xi.shape[1] != J.shape[0] or not is_ternary(xi):
                raise ValueError(
                    f"memories must be a (K, {J.shape[0]}) array of {{-1, 0, +1}}, "
                    f"got shape {xi.shape}"
                )
            xi = np.ascontiguousarray(xi, dtype=np.int8)
            xi.flags.writeable = False
            object.__setattr__(self, "memories", xi)

    @property
    def n_neurons(self) -> int:
        """Number of neurons ``N``."""
        return int(self.couplings.shape[0])

    @property
    def n_memories(self) -> int:
        """Number of measured memories (0 without memories)."""
        return 0 if self.memories is None else int(self.memories.shape[0])

    def describe(self) -> dict:
        """Parameters as plain Python values (for result attributes)."""
        return {
            "model": "couplings",
            "n_neurons": self.n_neurons,
            "n_memories": self.n_memories,
            "keep_diagonal": int(bool(self.keep_diagonal)),
            "symmetric": int(bool(self.symmetric)),
        }
