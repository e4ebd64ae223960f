"""Pattern ensembles: the quenched disorder of a Hebbian network.

Every function returns ``int8`` arrays, draws from its own ``seed`` (an int, a NumPy
``Generator`` or ``None``) and nothing else, and has no side effects.

Each entry is decided by one ``Generator.random()`` double, drawn in the row-major order
of the result: the arrays, and the state the generator is left in, are those of a single
``rng.random(shape)`` call. The doubles are drawn in slices of :data:`DRAW_SLICE`, turned
into ``int8`` at once (no temporary as large as the result); with a PCG64 or PCG64DXSM
generator, the slices are shared between threads, each starting from a copy of the
generator advanced (``advance``) to its first draw, and the generator is then advanced
past all of them.

Ensembles
---------
* :func:`random_patterns` -- i.i.d. :math:`\\xi \\in \\{-1,+1\\}` with mean ``bias``
  (Amit, Gutfreund, Sompolinsky, Phys. Rev. A 32, 1007 (1985); biased patterns as in
  Amit, Gutfreund, Sompolinsky, Phys. Rev. A 35, 2293 (1987)).
* :func:`diluted_patterns` -- i.i.d. :math:`\\xi \\in \\{-1,0,+1\\}` with
  :math:`P(0) = d`, :math:`P(\\pm 1) = (1-d)/2` (Agliari, Barra, Galluzzi, Guerra,
  Moauro, Phys. Rev. Lett. 109, 268101 (2012)).
* :func:`noisy_examples` -- examples :math:`\\eta^{\\mu,a}_i = \\xi^\\mu_i \\chi^{\\mu,a}_i`
  with :math:`P(\\chi = +1) = (1+r)/2` (Alemanno, Aquaro, Kanter, Barra, Agliari,
  EPL 141, 11001 (2023)).
* :func:`cue` -- a memory with an exact fraction of its sites flipped.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from hebbian._parallel import in_threads, split, workers
from hebbian._validation import as_generator, check_int, check_real, is_ternary

__all__ = ["cue", "cue_each", "diluted_patterns", "noisy_examples", "random_patterns"]

#: Doubles per slice of the draws (1 MiB, kept in cache while it becomes int8).
DRAW_SLICE = 1 << 17

#: Bit generators whose ``random()`` takes exactly one step per double and which can
#: ``advance`` by any number of steps: their draws can be split between threads.
_SPLITTABLE = (np.random.PCG64, np.random.PCG64DXSM)


def _fill_from_uniforms(
    rng: np.random.Generator, out: np.ndarray, convert: Callable[[np.ndarray, np.ndarray], None]
) -> None:
    """Fill ``out`` (C-contiguous) as ``convert(rng.random(out.shape), out)`` would.

    ``convert(u, o)`` writes into the 1-d slice ``o`` of ``out`` the values decided by
    the doubles ``u`` of the same positions. The doubles are drawn in slices of
    :data:`DRAW_SLICE` (in threads when the bit generator allows: module docstring), so that
    the entries and the final state of ``rng`` are those of one ``rng.random`` call.
    """
    flat = out.reshape(-1)
    total = flat.size
    bitgen = rng.bit_generator
    # at least 16 slices a thread: the threads' buffers (9 bytes per double of a slice)
    # stay below 0.6 byte per entry of the result
    threads = min(workers(), total // (16 * DRAW_SLICE))
    if threads < 2 or type(bitgen) not in _SPLITTABLE:
        _fill_slices(rng, flat, 0, total, convert)
        return

    def fill(lo: int, hi: int) -> None:
        part = type(bitgen)()
        part.state = state
        part.advance(lo)
        _fill_slices(np.random.Generator(part), flat, lo, hi, convert)

    with bitgen.lock:  # as rng.random holds it: no other draw in between
        state = bitgen.state
        in_threads(fill, split(total, threads, DRAW_SLICE))
        end = type(bitgen)()
        end.state = state
        end.advance(total)
        after = end.state
        # random() leaves the buffered half of a 64-bit draw alone; advance() clears it
        after["has_uint32"], after["uinteger"] = state["has_uint32"], state["uinteger"]
        bitgen.state = after


def _fill_slices(rng, flat, lo, hi, convert) -> None:
    u = np.empty(min(DRAW_SLICE, hi - lo))
    for a in range(lo, hi, DRAW_SLICE):
        b = min(a + DRAW_SLICE, hi)
        rng.random(out=u[: b - a])
        convert(u[: b - a], flat[a:b])


def _signs_below(threshold: float) -> Callable[[np.ndarray, np.ndarray], None]:
    """``convert`` giving ``+1`` where ``u < threshold`` and ``-1`` elsewhere."""

    def convert(u: np.ndarray, o: np.ndarray) -> None:
        np.less(u, threshold, out=o.view(np.bool_))
        o += o
        o -= 1

    return convert


def random_patterns(
    n_patterns: int,
    n_neurons: int,
    *,
    bias: float = 0.0,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Draw i.i.d. binary patterns.

    .. math:: P(\\xi^\\mu_i = \\pm 1) = (1 \\pm a) / 2, \\qquad \\langle \\xi \\rangle = a.

    Parameters
    ----------
    n_patterns, n_neurons : int
        Shape of the result, ``K >= 1`` and ``N >= 1``.
    bias : float, optional
        Mean ``a`` of each entry, in ``(-1, 1)``; 0 gives unbiased patterns.
    seed : int, Generator or None

    Returns
    -------
    (K, N) ndarray of int8 in {-1, +1}
    """
    K = check_int("n_patterns", n_patterns, minimum=1)
    N = check_int("n_neurons", n_neurons, minimum=1)
    a = check_real(
        "bias", bias, minimum=-1.0, maximum=1.0, include_minimum=False, include_maximum=False
    )
    rng = as_generator(seed)
    out = np.empty((K, N), dtype=np.int8)
    _fill_from_uniforms(rng, out, _signs_below(0.5 * (1.0 + a)))
    return out


def diluted_patterns(
    n_patterns: int,
    n_neurons: int,
    *,
    dilution: float,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Draw i.i.d. diluted patterns (multitasking networks).

    .. math:: P(\\xi^\\mu_i = 0) = d, \\qquad P(\\xi^\\mu_i = \\pm 1) = (1 - d) / 2.

    Parameters
    ----------
    n_patterns, n_neurons : int
        Shape of the result.
    dilution : float
        Fraction ``d`` of blank entries, in ``[0, 1)`` (``d = 1`` leaves nothing to store).
    seed : int, Generator or None

    Returns
    -------
    (K, N) ndarray of int8 in {-1, 0, +1}
    """
    K = check_int("n_patterns", n_patterns, minimum=1)
    N = check_int("n_neurons", n_neurons, minimum=1)
    d = check_real("dilution", dilution, minimum=0.0, maximum=1.0, include_maximum=False)
    rng = as_generator(seed)
    signs, keep = _signs_below(0.5 * (1.0 - d)), 1.0 - d

    def convert(u: np.ndarray, o: np.ndarray) -> None:
        signs(u, o)
        o *= u < keep  # blank where u >= 1 - d

    out = np.empty((K, N), dtype=np.int8)
    _fill_from_uniforms(rng, out, convert)
    return out


def noisy_examples(
    archetypes: np.ndarray,
    *,
    quality: float,
    n_examples: int,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Draw ``M`` noisy examples of each archetype.

    .. math:: \\eta^{\\mu,a}_i = \\xi^\\mu_i \\chi^{\\mu,a}_i, \\qquad
              P(\\chi^{\\mu,a}_i = \\pm 1) = (1 \\pm r) / 2,

    so that :math:`\\langle \\eta \\xi \\rangle = r` (dataset quality).

    Parameters
    ----------
    archetypes : (K, N) array of {-1, +1}
    quality : float
        ``r`` in ``[0, 1]``.
    n_examples : int
        ``M >= 1`` examples per archetype.
    seed : int, Generator or None

    Returns
    -------
    (K, M, N) ndarray of int8
    """
    xi = _as_pattern_array("archetypes", archetypes)
    r = check_real("quality", quality, minimum=0.0, maximum=1.0)
    M = check_int("n_examples", n_examples, minimum=1)
    rng = as_generator(seed)
    out = np.empty((xi.shape[0], M, xi.shape[1]), dtype=np.int8)
    _fill_from_uniforms(rng, out, _signs_below(0.5 * (1.0 + r)))  # chi
    out *= xi[:, None, :]
    return out


def cue(
    memory: np.ndarray,
    *,
    noise: float,
    n_cues: int = 1,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Corrupt a memory by flipping an exact fraction of its sites.

    Blank entries of a diluted memory (``xi_i = 0``) are first set to random signs; then
    exactly ``round(noise * N)`` distinct sites, chosen uniformly, are flipped, so that a
    binary memory and its cue have overlap exactly ``1 - 2 round(noise N) / N``.

    Parameters
    ----------
    memory : (N,) array of {-1, 0, +1}
    noise : float
        Fraction of flipped sites, in ``[0, 1]``.
    n_cues : int, optional
        Number of independent cues (rows of the result).
    seed : int, Generator or None

    Returns
    -------
    (n_cues, N) ndarray of int8 in {-1, +1}
    """
    xi = np.asarray(memory)
    if xi.ndim != 1 or xi.size == 0:
        raise ValueError(f"memory must be a non-empty 1-d array, got shape {xi.shape}")
    xi = _as_pattern_array("memory", xi[None, :])[0]
    b = check_real("cue noise", noise, minimum=0.0, maximum=1.0)
    n = check_int("n_cues", n_cues, minimum=1)
    rng = as_generator(seed)
    N = xi.size
    n_flip = int(round(b * N))
    out = np.empty((n, N), dtype=np.int8)
    for c in range(n):
        s = xi.copy()
        blank = s == 0
        s[blank] = np.where(rng.random(int(blank.sum())) < 0.5, 1, -1)
        flip = rng.choice(N, size=n_flip, replace=False)
        s[flip] = -s[flip]
        out[c] = s
    return out


def cue_each(
    memories: np.ndarray,
    *,
    noise: float,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Return one cue of each memory (:func:`cue`), drawn in order from one generator.

    Parameters
    ----------
    memories : (C, N) array of {-1, 0, +1}
    noise : float
        Fraction of flipped sites, in ``[0, 1]``.
    seed : int, Generator or None

    Returns
    -------
    (C, N) ndarray of int8 in {-1, +1}
    """
    rng = as_generator(seed)
    return np.concatenate([cue(memory, noise=noise, seed=rng) for memory in memories])


def _as_pattern_array(name: str, value: np.ndarray) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-d array (K, N), got shape {arr.shape}")
    if not is_ternary(arr):
        raise ValueError(f"{name} entries must be in {{-1, 0, +1}}")
    return arr.astype(np.int8, copy=False)
