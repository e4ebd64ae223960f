"""Pattern ensembles: the quenched disorder of a Hebbian network.

Every function returns ``int8`` arrays, draws from its own ``seed`` (an int, a NumPy
``Generator`` or ``None``) and nothing else, and has no side effects.

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

import numpy as np

from hebbian._validation import as_generator, check_int, check_real

__all__ = ["cue", "diluted_patterns", "noisy_examples", "random_patterns"]


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
    plus = rng.random((K, N)) < 0.5 * (1.0 + a)
    return np.where(plus, 1, -1).astype(np.int8)


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
    u = rng.random((K, N))
    out = np.where(u < 0.5 * (1.0 - d), 1, -1).astype(np.int8)
    out[u >= 1.0 - d] = 0
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
    chi = np.where(rng.random((xi.shape[0], M, xi.shape[1])) < 0.5 * (1.0 + r), 1, -1)
    return (xi[:, None, :] * chi).astype(np.int8)


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


def _as_pattern_array(name: str, value: np.ndarray) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-d array (K, N), got shape {arr.shape}")
    if not np.all(np.isin(arr, (-1, 0, 1))):
        raise ValueError(f"{name} entries must be in {{-1, 0, +1}}")
    return arr.astype(np.int8, copy=False)
