r"""The Zipf associative memory of Cabannes, Dohmatob and Bietti, and its error.

Model (Cabannes, Dohmatob, Bietti, "Scaling Laws for Associative Memories", ICLR 2024,
arXiv:2310.02984, and their validation notebook): tokens
:math:`x \in \{0, \dots, N-1\}` (``n_tokens``) drawn from a Zipf law

.. math::

    p(x) = \frac{(x+1)^{-\alpha}}{\sum_{x'=0}^{N-1} (x'+1)^{-\alpha}},

``alpha`` being ``zipf_exponent``; the label of a token is :math:`f^*(x) = x \bmod M`
(``n_labels``). Each token has an input embedding :math:`e_x \sim N(0, I_d/d)` and each
label an output embedding :math:`u_y` uniform on the unit sphere of
:math:`\mathbb{R}^d` (``dim``). The memory stores the associations with weights
:math:`q(x)`,

.. math::

    W = \sum_{x} q(x)\, e_x u_{f^*(x)}^\top \in \mathbb{R}^{d \times d},

predicts :math:`\hat f(x) = \arg\max_y e_x^\top W u_y`, and its generalisation error is
the probability mass of the wrongly recalled tokens,
:math:`E = \sum_x p(x)\, \mathbf{1}[\hat f(x) \ne f^*(x)]`.

Storage schemes (``scheme``), with infinite data (``n_samples=None``) or with the counts
:math:`n_x` of ``n_samples`` (T) i.i.d. Zipf draws:

``"frequency"``
    :math:`q = p` (infinite data) or the empirical frequencies
    :math:`q = \hat p_T = n_x / T`. Predicted :math:`E \asymp d^{-(\alpha-1)/(2\alpha)}`
    (+ :math:`T^{-1+1/\alpha}`).
``"top"``
    :math:`q = \mathbf{1}[x < P]` with ``top`` :math:`= P` (infinite data), or weight
    one on the ``top`` most often *observed* tokens (only tokens seen at least once;
    ties in the counts are broken at random). Predicted
    :math:`E \asymp d^{-(\alpha-1)}` for :math:`P \propto d`, and
    :math:`E \asymp T^{-1+1/\alpha}` in the number of samples.
``"uniform"``
    :math:`q = 1` on every token (infinite data) or on every observed token: every
    association interferes with every other, so the error stays high (falling only
    slowly) until :math:`d` approaches :math:`N`.

The theory exponents are in :mod:`hebbian.theory.scaling_laws`.

Computation: with :math:`B_y = \sum_{x: f^*(x) = y} q(x)\, e_x` the per-label sums of
the stored inputs, the scores are :math:`e_x^\top W u_y = \sum_{y'} (e_x \cdot B_{y'})
(u_{y'} \cdot u_y)`, so a trial costs :math:`O(N d M)` after drawing :math:`N d`
Gaussians and :math:`W` (``d x d``) is never formed; trials run in batched matrix
products, in chunks of at most :data:`CHUNK_BYTES` of embeddings. All schemes, sizes
and sample sizes asked for in one call share each trial's draws (common random
numbers, :func:`memory_trial_errors`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hebbian._validation import as_generator, check_choice, check_int, check_real

__all__ = [
    "CHUNK_BYTES",
    "SCHEMES",
    "ErrorEstimate",
    "memory_error",
    "memory_errors",
    "memory_trial_errors",
    "zipf_probabilities",
]

#: The storage schemes (module docstring).
SCHEMES = ("frequency", "top", "uniform")

#: Bytes of input embeddings held at once (one chunk of trials).
CHUNK_BYTES = 32 * 2**20

#: Largest sizes accepted (bounds the memory of one trial).
MAX_TOKENS = 1_000_000
MAX_DIM = 100_000
MAX_SAMPLES = 10**9


def zipf_probabilities(n_tokens: int, zipf_exponent: float, *, xp=np) -> np.ndarray:
    r"""Return the Zipf law :math:`p(x) \propto (x+1)^{-\alpha}` on ``0 .. n_tokens-1``.

    Parameters
    ----------
    n_tokens : int
        Number of tokens :math:`N` (>= 1).
    zipf_exponent : float
        Exponent :math:`\alpha` (>= 0; the scaling laws need :math:`\alpha > 1`).
    xp : module, optional
        Array module (NumPy by default).

    Returns
    -------
    ndarray, shape (n_tokens,)
        Probabilities, decreasing, summing to one.
    """
    n_tokens = check_int("n_tokens", n_tokens, minimum=1, maximum=MAX_TOKENS)
    zipf_exponent = check_real("zipf_exponent", zipf_exponent, minimum=0.0, maximum=100.0)
    p = (xp.arange(n_tokens, dtype=xp.float64) + 1.0) ** (-zipf_exponent)
    return p / p.sum()


@dataclass(frozen=True)
class ErrorEstimate:
    """Mean error of the memory over trials, with its standard error.

    Attributes
    ----------
    mean : float
        Mean over trials of :math:`E = \\sum_x p(x) 1[\\hat f(x) \\ne f^*(x)]`.
    stderr : float
        Standard deviation over trials divided by ``sqrt(trials)`` (0 for one trial).
    trials : int
        Number of independent draws of embeddings (and samples).
    """

    mean: float
    stderr: float
    trials: int


def _weights(scheme, p, counts, tops, rng, xp):
    """Return the storage weights q of one scheme.

    Shape (chunk, len(tops), N) for "top" (one row per number of stored tokens),
    (chunk, 1, N) otherwise.
    """
    chunk = counts.shape[0] if counts is not None else 1
    n_tokens = p.shape[0]
    if scheme == "frequency":
        if counts is None:
            return xp.broadcast_to(p, (chunk, 1, n_tokens))
        return (counts / counts.sum(axis=1, keepdims=True))[:, None, :]
    if scheme == "uniform":
        if counts is None:
            return xp.ones((chunk, 1, n_tokens))
        return (counts > 0).astype(xp.float64)[:, None, :]
    # "top": the first P tokens, or the P most often observed ones (only observed ones)
    if counts is None:
        rank = xp.broadcast_to(xp.arange(n_tokens), (chunk, n_tokens))
        seen = xp.ones((chunk, n_tokens), dtype=bool)
    else:
        # counts are integers: the uniform key in [0, 1) breaks ties at random
        order = xp.argsort(-(counts + rng.random(counts.shape)), axis=1)
        rank = xp.empty_like(order)
        xp.put_along_axis(rank, order, xp.arange(n_tokens)[None, :], axis=1)
        seen = counts > 0
    P = xp.asarray(tops)[None, :, None]
    return ((rank[:, None, :] < P) & seen[:, None, :]).astype(xp.float64)


def memory_trial_errors(
    dim,
    *,
    n_tokens: int = 1000,
    n_labels: int = 5,
    zipf_exponent: float = 2.0,
    schemes: tuple[str, ...] | list[str] = ("frequency",),
    top=None,
    n_samples=None,
    trials: int = 100,
    seed=None,
    xp=np,
) -> dict[str, np.ndarray]:
    r"""Return the error of every trial for each storage scheme (module docstring).

    Several dimensions (and sample sizes) are computed from the same draws, as in the
    validation notebook of Cabannes et al.: a trial draws its embeddings at the largest
    dimension :math:`D` and the memory of dimension :math:`d` uses their first
    :math:`d` coordinates, the inputs rescaled by :math:`\sqrt{D/d}` (exactly
    :math:`N(0, I_d/d)`) and the outputs renormalised (exactly uniform on the sphere of
    :math:`\mathbb{R}^d`); the samples of size :math:`T` are the first :math:`T` of one
    sequence of i.i.d. draws. Each size thus has the distribution of the model, and the
    errors at different sizes are positively correlated, which narrows the spread of
    fitted slopes.

    Parameters
    ----------
    dim : int or sequence of int
        Embedding dimension(s) :math:`d`.
    n_tokens : int
        Number of tokens :math:`N` (Cabannes et al. use 1000).
    n_labels : int
        Number of labels :math:`M`; :math:`f^*(x) = x \bmod M` (they use 5).
    zipf_exponent : float
        Zipf exponent :math:`\alpha` of the token law.
    schemes : sequence of str
        Storage schemes among :data:`SCHEMES`; they share each trial's draws.
    top : int or sequence of int, optional
        Number :math:`P` of tokens stored by ``"top"`` (required for it): one for all
        dimensions, or one per dimension.
    n_samples : int or sequence of int, optional
        Number(s) :math:`T` of i.i.d. samples the weights are estimated from; None for
        the population (infinite data).
    trials : int
        Independent draws of the embeddings (and of the samples).
    seed : int, numpy.random.Generator or None
        Random source.
    xp : module
        Array module (NumPy).

    Returns
    -------
    dict of str to ndarray
        Error :math:`E` of each trial, per scheme: shape ``(trials,)`` for one ``dim``
        and at most one ``n_samples``; otherwise ``(trials, len(dims))``, with a last
        axis ``len(n_samples)`` when ``n_samples`` is a sequence.
    """
    dims = [dim] if np.ndim(dim) == 0 else list(dim)
    sample_list = n_samples if n_samples is not None and np.ndim(n_samples) else None
    Ts = [None] if n_samples is None else ([n_samples] if sample_list is None else list(n_samples))
    if not dims or not Ts:
        raise ValueError("dim and n_samples must not be empty")
    tops = [None] * len(dims) if top is None else (
        [top] * len(dims) if np.ndim(top) == 0 else list(top)
    )  # fmt: skip
    if len(tops) != len(dims):
        raise ValueError(f"top needs one value per dimension ({len(dims)}), got {len(tops)}")
    n_tokens = check_int("n_tokens", n_tokens, minimum=1, maximum=MAX_TOKENS)
    n_labels = check_int("n_labels", n_labels, minimum=2, maximum=n_tokens)
    zipf_exponent = check_real("zipf_exponent", zipf_exponent, minimum=0.0, maximum=100.0)
    trials = check_int("trials", trials, minimum=1, maximum=10**7)
    dims = [check_int("dim", d, minimum=1, maximum=MAX_DIM) for d in dims]
    tops = [None if P is None else check_int("top", P, minimum=1, maximum=n_tokens) for P in tops]
    Ts = [None if T is None else check_int("n_samples", T, minimum=1, maximum=MAX_SAMPLES)
          for T in Ts]  # fmt: skip
    if isinstance(schemes, str) or not schemes:
        raise ValueError(f"schemes must be a non-empty list of {', '.join(SCHEMES)}")
    schemes = [check_choice("scheme", s, SCHEMES) for s in schemes]
    if "top" in schemes and None in tops:
        raise ValueError("scheme 'top' needs top, the number of stored tokens (>= 1)")
    rng = as_generator(seed)
    p = zipf_probabilities(n_tokens, zipf_exponent, xp=xp)
    cdf = xp.cumsum(p)
    labels = xp.arange(n_tokens) % n_labels
    onehot = (labels[:, None] == xp.arange(n_labels)[None, :]).astype(xp.float64)
    d_max = max(dims)
    chunk = max(1, min(trials, CHUNK_BYTES // (8 * n_tokens * d_max)))
    out = {s: xp.empty((trials, len(dims), len(Ts))) for s in schemes}
    for start in range(0, trials, chunk):
        c = min(chunk, trials - start)
        # inputs stored transposed, (c, D, N): the first d rows are the first d coordinates
        emb_t = rng.standard_normal((c, d_max, n_tokens))
        out_full = rng.standard_normal((c, n_labels, d_max))
        all_counts = [None] * len(Ts)
        if Ts[0] is not None:
            u = rng.random((c, max(Ts)))
            draws = xp.minimum(xp.searchsorted(cdf, u * cdf[-1], side="right"), n_tokens - 1)
            offsets = (xp.arange(c) * n_tokens)[:, None]
            for k, T in enumerate(Ts):
                counts = xp.bincount((draws[:, :T] + offsets).ravel(), minlength=c * n_tokens)
                all_counts[k] = counts.reshape(c, n_tokens).astype(xp.float64)
        # Gram matrices of the truncated, renormalised outputs, one per dimension: (c, M, M)
        grams = {}
        for d in set(dims):
            raw = out_full[:, :, :d] @ xp.swapaxes(out_full[:, :, :d], 1, 2)
            norm = xp.sqrt(xp.diagonal(raw, axis1=1, axis2=2))
            grams[d] = raw / (norm[:, :, None] * norm[:, None, :])
        # One group of M columns per weight vector q (per sample size, scheme and, for
        # "top", dimension). With B_y = sum_{f*(x)=y} q(x) e_x the per-label sums of the
        # stored inputs, the scores are e_x^T W u_y = sum_y' (e_x . B_y') (u_y' . u_y); the
        # coordinates of B_y are those of the e_x, so the memory of dimension d uses the
        # first d rows of one product at the largest dimension, and the overlaps
        # e_x . B_y' are prefix sums over the coordinates, accumulated from d to d. The
        # 1/d variance of the inputs scales every score of a dimension alike (left out).
        groups, weights = {}, []
        for k, counts in enumerate(all_counts):
            for scheme in schemes:
                q = _weights(scheme, p, counts, tops, rng, xp)  # (c, len(dims) or 1, N)
                for i in range(q.shape[1]):
                    groups[(k, scheme, i)] = len(weights)
                    weights.append(q[:, i, :, None] * onehot)  # (c, N, M)
        stored = emb_t @ xp.concatenate(weights, axis=2)  # (c, D, groups * M)
        stored_t = xp.ascontiguousarray(xp.swapaxes(stored, 1, 2))  # (c, groups * M, D)
        overlaps = xp.zeros((c, stored_t.shape[1], n_tokens))
        done = 0
        for i in sorted(range(len(dims)), key=lambda j: dims[j]):
            d = dims[i]
            if d > done:
                overlaps += stored_t[:, :, done:d] @ emb_t[:, done:d, :]
                done = d
            for k in range(len(Ts)):
                for scheme in schemes:
                    g = groups[(k, scheme, i if scheme == "top" else 0)]
                    scores = grams[d] @ overlaps[:, g * n_labels : (g + 1) * n_labels, :]
                    wrong = xp.argmax(scores, axis=1) != labels  # scores (c, M, N)
                    out[scheme][start : start + c, i, k] = wrong.astype(xp.float64) @ p
    for scheme in schemes:
        values = out[scheme]
        if sample_list is None:
            values = values[:, :, 0]
            if np.ndim(dim) == 0:
                values = values[:, 0]
        out[scheme] = values
    return out


def memory_errors(dim: int, *, schemes=SCHEMES, trials: int = 100, **kwargs) -> dict:
    """Return :class:`ErrorEstimate` (mean, stderr) per scheme.

    The arguments are those of :func:`memory_trial_errors`.
    """
    raw = memory_trial_errors(dim, schemes=schemes, trials=trials, **kwargs)
    out = {}
    for scheme, values in raw.items():
        stderr = float(np.std(values, ddof=1) / np.sqrt(len(values))) if len(values) > 1 else 0.0
        out[scheme] = ErrorEstimate(float(np.mean(values)), stderr, len(values))
    return out


def memory_error(
    dim: int,
    *,
    n_tokens: int = 1000,
    n_labels: int = 5,
    zipf_exponent: float = 2.0,
    scheme: str = "frequency",
    top: int | None = None,
    n_samples: int | None = None,
    trials: int = 100,
    seed=None,
) -> ErrorEstimate:
    r"""Mean generalisation error of the Zipf associative memory for one storage scheme.

    Cabannes, Dohmatob, Bietti (ICLR 2024, arXiv:2310.02984): the memory
    :math:`W = \sum_x q(x) e_x u_{f^*(x)}^\top`, its prediction
    :math:`\arg\max_y e_x^\top W u_y` and error :math:`E = \sum_x p(x)
    \mathbf{1}[\hat f(x) \ne f^*(x)]` averaged over ``trials`` draws of the
    embeddings (module docstring for the schemes).

    Parameters
    ----------
    dim : int
        Embedding dimension :math:`d`.
    n_tokens, n_labels, zipf_exponent : int, int, float
        :math:`N`, :math:`M`, :math:`\alpha`.
    scheme : {"frequency", "top", "uniform"}
        Storage scheme.
    top : int, optional
        Number of stored tokens for ``"top"``.
    n_samples : int, optional
        Number of samples :math:`T` (None: population weights).
    trials : int
        Number of independent trials.
    seed : int, numpy.random.Generator or None
        Random source.

    Returns
    -------
    ErrorEstimate
        Mean and standard error over the trials.

    Examples
    --------
    >>> r = memory_error(100, scheme="top", top=12, trials=10, seed=0)
    >>> 0.0 < r.mean < 0.2
    True
    """
    scheme = check_choice("scheme", scheme, SCHEMES)
    return memory_errors(
        dim,
        schemes=(scheme,),
        n_tokens=n_tokens,
        n_labels=n_labels,
        zipf_exponent=zipf_exponent,
        top=top,
        n_samples=n_samples,
        trials=trials,
        seed=seed,
    )[scheme]
