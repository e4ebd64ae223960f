r"""Training the one-layer associative memory with GD, Adam, SignGD and Muon.

Setting (the one-layer associative memory of Wang et al., "Muon Outperforms Adam in
Tail-End Associative Memory Learning", arXiv:2509.26030, on the Zipf data of Cabannes,
Dohmatob, Bietti, ICLR 2024, arXiv:2310.02984): ``n_classes`` :math:`K` classes, each
token its own class, drawn with Zipf frequencies :math:`p_k \propto (k+1)^{-\alpha}`
(``zipf_exponent``); input embeddings :math:`e_k` and output embeddings :math:`u_k` in
:math:`\mathbb{R}^d` (``dim``), unit vectors with a shared component of weight
:math:`\rho` (``embedding_correlation``),

.. math::

    e_k = \frac{\sqrt{1-\rho}\, g_k + \sqrt{\rho}\, g_0}
               {\lVert \sqrt{1-\rho}\, g_k + \sqrt{\rho}\, g_0 \rVert},
    \qquad g \sim N(0, I_d),

so that :math:`e_k \cdot e_{k'} \approx \rho` (``rho = 0``: nearly orthogonal random
embeddings); the :math:`u_k` are drawn the same way, independently. The logits of token
:math:`x` are :math:`z_y = u_y^\top W e_x`, and :math:`W \in \mathbb{R}^{d\times d}`
(zero at the start) minimises the population cross-entropy

.. math::

    L(W) = \sum_x p_x\, \bigl(-\log \mathrm{softmax}(z(x))_x\bigr), \qquad
    \nabla L = \sum_x p_x\, U^\top (\mathrm{softmax}(z(x)) - \mathbf{1}_x)\, e_x^\top,

with the exact (full-batch, frequency-weighted) gradient :math:`G`, so a run is
deterministic given the embeddings. Updates, step size :math:`\eta` (``lr``):

``"gd"``
    :math:`W \leftarrow W - \eta G`.
``"signgd"``
    :math:`W \leftarrow W - \eta\, \mathrm{sign}(G)` (Adam without moments, the
    :math:`\ell_\infty` steepest descent).
``"adam"``
    Kingma and Ba (arXiv:1412.6980), :math:`\beta_1 = 0.9, \beta_2 = 0.999,
    \epsilon = 10^{-8}`, bias-corrected.
``"muon"``
    :math:`W \leftarrow W - \eta\, \mathrm{NS}_5(G)`, the Newton-Schulz approximation
    of the polar factor :math:`UV^\top` of :math:`G = U\Sigma V^\top`
    (:func:`newton_schulz`; Jordan et al., "Muon: An optimizer for hidden layers in
    neural networks", 2024, coefficients :math:`(3.4445, -4.7750, 2.0315)`, 5 steps).
    No momentum: with the exact gradient the update is the orthogonalised gradient.

Measured at the recorded steps: the per-class loss :math:`-\log \mathrm{softmax}(z(k))_k`
and error :math:`\mathbf{1}[\arg\max_y z_y(k) \ne k]` against the frequency rank
:math:`k`, the population loss and error, and the singular values of :math:`W`
with their normalised entropy and effective rank (:func:`spectrum_entropy`).

Why a head-tail effect is expected (heuristic, the mechanism Wang et al. analyse): with
orthonormal embeddings and :math:`W` small, :math:`G \approx -\sum_k p_k u_k e_k^\top`
plus a rank-one term, i.e. nearly diagonal in the class basis with weights :math:`p_k`.
GD moves class :math:`k` at a speed :math:`\propto p_k`, so the tail lags by
:math:`p_1/p_K`; Muon's update replaces :math:`G` by its polar factor, whose singular
values are all one, so the class directions move at comparable speeds whatever
:math:`p_k`; SignGD/Adam act entrywise in the coordinate basis, not in the class basis,
so unless the class directions are the coordinate axes the larger head entries set the
signs. The experiment measures whether this shows (it does for Muon against GD and
Adam; the dependence on the embedding correlation is weak, see
``docs/theory/scaling_laws.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hebbian._validation import as_generator, check_choice, check_int, check_real

__all__ = [
    "NS_COEFFICIENTS",
    "OPTIMIZERS",
    "TrainingRecord",
    "correlated_embeddings",
    "newton_schulz",
    "spectrum_entropy",
    "train_memory",
]

#: The optimizers of :func:`train_memory`.
OPTIMIZERS = ("gd", "signgd", "adam", "muon")

#: Keller Jordan's quintic Newton-Schulz coefficients (Muon, 2024).
NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)


def newton_schulz(matrix, *, steps: int = 5, eps: float = 1e-7, xp=np):
    r"""Approximate the polar factor :math:`UV^\top` of ``matrix`` by Newton-Schulz.

    The quintic iteration of Muon (Jordan et al. 2024): :math:`X_0 = G/\lVert G
    \rVert_F`, then :math:`X \leftarrow aX + (bA + cA^2)X` with :math:`A = XX^\top`
    and :math:`(a, b, c) = (3.4445, -4.7750, 2.0315)`. It maps each singular value
    :math:`\sigma \in (0, 1]` to one in roughly :math:`[0.7, 1.2]` after 5 steps (not to
    exactly 1: the coefficients trade accuracy for speed), keeping the singular vectors.

    Parameters
    ----------
    matrix : ndarray, shape (..., m, n)
        One matrix or a batch.
    steps : int
        Iterations (5 in Muon).
    eps : float
        Added to the Frobenius norm (a zero matrix stays zero).
    xp : module
        Array module.

    Returns
    -------
    ndarray, shape (..., m, n)
    """
    steps = check_int("steps", steps, minimum=0, maximum=100)
    a, b, c = NS_COEFFICIENTS
    x = xp.asarray(matrix, dtype=xp.float64)
    transpose = x.shape[-2] > x.shape[-1]
    if transpose:  # iterate on the smaller Gram matrix
        x = xp.swapaxes(x, -1, -2)
    x = x / (xp.sqrt(xp.sum(x * x, axis=(-2, -1), keepdims=True)) + eps)
    for _ in range(steps):
        gram = x @ xp.swapaxes(x, -1, -2)
        x = a * x + (b * gram + c * (gram @ gram)) @ x
    return xp.swapaxes(x, -1, -2) if transpose else x


def spectrum_entropy(singular_values, *, xp=np):
    r"""Normalised SVD entropy and effective rank of singular values (last axis).

    With :math:`\tilde\sigma_i = \sigma_i / \sum_j \sigma_j`, the entropy
    :math:`H = -\sum_i \tilde\sigma_i \log \tilde\sigma_i`, its normalised value
    :math:`H / \log r` (``r`` the number of singular values; 1 for a flat spectrum)
    and the effective rank :math:`e^H` (Roy and Vetterli, EUSIPCO 2007), the isotropy
    measures used by Wang et al. (arXiv:2509.26030).

    Returns
    -------
    (ndarray, ndarray)
        Normalised entropy and effective rank (NaN for an all-zero spectrum).
    """
    s = xp.asarray(singular_values, dtype=xp.float64)
    total = xp.sum(s, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = s / total
        h = -xp.sum(xp.where(w > 0, w * xp.log(xp.where(w > 0, w, 1.0)), 0.0), axis=-1)
    h = xp.where(total[..., 0] > 0, h, xp.nan)
    return h / np.log(s.shape[-1]), xp.exp(h)


def correlated_embeddings(n, dim, correlation, rng, *, trials=None, xp=np):
    r"""Return unit embeddings with a shared component of weight ``correlation``.

    :math:`e \propto \sqrt{1-\rho}\, g + \sqrt{\rho}\, g_0` (module docstring); shape
    ``(trials, n, dim)``, or ``(n, dim)`` when ``trials`` is None.
    """
    lead = () if trials is None else (trials,)
    g = rng.standard_normal(lead + (n, dim))
    g0 = rng.standard_normal(lead + (1, dim))
    e = np.sqrt(1.0 - correlation) * g + np.sqrt(correlation) * g0
    return e / xp.linalg.norm(e, axis=-1, keepdims=True)


@dataclass(frozen=True)
class TrainingRecord:
    """What :func:`train_memory` records (arrays over trials, steps and classes).

    Attributes
    ----------
    steps : ndarray, shape (S,)
        Recorded steps (0 is the start).
    frequencies : ndarray, shape (K,)
        Class frequencies :math:`p_k`, decreasing with the rank ``k``.
    class_loss : ndarray, shape (trials, S, K)
        :math:`-\\log \\mathrm{softmax}(z(k))_k` per class.
    class_error : ndarray, shape (trials, S, K)
        :math:`\\mathbf{1}[\\arg\\max_y z_y(k) \\ne k]` per class.
    loss, error : ndarray, shape (trials, S)
        Population (frequency-weighted) loss and error.
    singular_values : ndarray, shape (trials, S, dim)
        Singular values of :math:`W`, decreasing.
    spectrum_entropy, effective_rank : ndarray, shape (trials, S)
        :func:`spectrum_entropy` of them.
    matched_step : ndarray, shape (trials,)
        First step whose population loss is <= ``loss_target`` (NaN: never, or no
        target).
    matched_class_loss, matched_class_error : ndarray, shape (trials, K)
        Per-class loss and error at that step (NaN rows where never reached).
    matched_singular_values : ndarray, shape (trials, dim)
        Singular values of :math:`W` at that step.
    """

    steps: np.ndarray
    frequencies: np.ndarray
    class_loss: np.ndarray
    class_error: np.ndarray
    loss: np.ndarray
    error: np.ndarray
    singular_values: np.ndarray
    spectrum_entropy: np.ndarray
    effective_rank: np.ndarray
    matched_step: np.ndarray
    matched_class_loss: np.ndarray
    matched_class_error: np.ndarray
    matched_singular_values: np.ndarray


def _log_softmax(z, xp):
    m = xp.max(z, axis=-1, keepdims=True)
    return z - m - xp.log(xp.sum(xp.exp(z - m), axis=-1, keepdims=True))


def train_memory(
    optimizer: str,
    *,
    n_classes: int = 64,
    dim: int = 64,
    zipf_exponent: float = 1.0,
    embedding_correlation: float = 0.0,
    lr: float = 0.01,
    n_steps: int = 200,
    record_steps=None,
    loss_target: float | None = None,
    trials: int = 1,
    seed=None,
    xp=np,
) -> TrainingRecord:
    r"""Train :math:`W` on the Zipf classes with one optimizer (module docstring).

    Parameters
    ----------
    optimizer : {"gd", "signgd", "adam", "muon"}
        Update rule.
    n_classes : int
        Number of classes :math:`K` (each token its own class).
    dim : int
        Embedding dimension :math:`d`.
    zipf_exponent : float
        :math:`\alpha` of the class frequencies :math:`p_k \propto (k+1)^{-\alpha}`.
    embedding_correlation : float
        :math:`\rho \in [0, 1)`, the shared component of the embeddings.
    lr : float
        Step size :math:`\eta`.
    n_steps : int
        Number of full-batch steps.
    record_steps : sequence of int, optional
        Steps to record (default: 0 and ``n_steps``).
    loss_target : float, optional
        Also record each trial at the first step where its population loss is
        ``<= loss_target`` (the comparison at matched loss).
    trials : int
        Independent draws of the embeddings, trained together (batched).
    seed : int, numpy.random.Generator or None
        Draws the embeddings (the training itself is deterministic).
    xp : module
        Array module.

    Returns
    -------
    TrainingRecord
    """
    optimizer = check_choice("optimizer", optimizer, OPTIMIZERS)
    K = check_int("n_classes", n_classes, minimum=2, maximum=10_000)
    d = check_int("dim", dim, minimum=2, maximum=10_000)
    alpha = check_real("zipf_exponent", zipf_exponent, minimum=0.0, maximum=10.0)
    rho = check_real(
        "embedding_correlation", embedding_correlation, minimum=0.0, maximum=1.0,
        include_maximum=False,
    )  # fmt: skip
    lr = check_real("lr", lr, minimum=0.0, include_minimum=False, maximum=1e6)
    n_steps = check_int("n_steps", n_steps, minimum=0, maximum=1_000_000)
    trials = check_int("trials", trials, minimum=1, maximum=100_000)
    if record_steps is None:
        record_steps = [0, n_steps]
    record = sorted({check_int("record_steps", int(s), minimum=0, maximum=n_steps)
                     for s in record_steps})  # fmt: skip
    if loss_target is not None:
        loss_target = check_real("loss_target", loss_target, minimum=0.0, maximum=1e6)
    rng = as_generator(seed)
    p = (xp.arange(K, dtype=xp.float64) + 1.0) ** (-alpha)
    p = p / p.sum()
    emb = correlated_embeddings(K, d, rho, rng, trials=trials, xp=xp)  # (t, K, d)
    out = correlated_embeddings(K, d, rho, rng, trials=trials, xp=xp)  # (t, K, d)
    W = xp.zeros((trials, d, d))
    m = xp.zeros_like(W)
    v = xp.zeros_like(W)
    eye = xp.eye(K)
    rows = {key: [] for key in ("class_loss", "class_error", "sv")}
    matched_step = xp.full(trials, xp.nan)
    matched_loss = xp.full((trials, K), xp.nan)
    matched_error = xp.full((trials, K), xp.nan)
    matched_sv = xp.full((trials, d), xp.nan)

    def logits(W):  # z[t, x, y] = u_y^T W e_x
        return (emb @ xp.swapaxes(W, 1, 2)) @ xp.swapaxes(out, 1, 2)

    for step in range(n_steps + 1):
        z = logits(W)
        logp = _log_softmax(z, xp)
        class_loss = -xp.diagonal(logp, axis1=1, axis2=2)
        class_error = (xp.argmax(z, axis=2) != xp.arange(K)).astype(float)
        if step in record:
            rows["class_loss"].append(class_loss)
            rows["class_error"].append(class_error)
            rows["sv"].append(xp.linalg.svd(W, compute_uv=False))
        if loss_target is not None:
            new = xp.isnan(matched_step) & (class_loss @ p <= loss_target)
            if xp.any(new):
                matched_step[new] = step
                matched_loss[new] = class_loss[new]
                matched_error[new] = class_error[new]
                matched_sv[new] = xp.linalg.svd(W[new], compute_uv=False)
        if step == n_steps:
            break
        # dL/dW = sum_x p_x U^T (softmax - onehot)_x e_x^T
        residual = (xp.exp(logp) - eye) * p[:, None]  # (t, K, K) rows x, columns y
        G = xp.swapaxes(out, 1, 2) @ xp.swapaxes(residual, 1, 2) @ emb  # (t, d, d)
        if optimizer == "gd":
            W = W - lr * G
        elif optimizer == "signgd":
            W = W - lr * xp.sign(G)
        elif optimizer == "adam":
            b1, b2, eps = 0.9, 0.999, 1e-8
            m = b1 * m + (1 - b1) * G
            v = b2 * v + (1 - b2) * G * G
            t = step + 1
            W = W - lr * (m / (1 - b1**t)) / (xp.sqrt(v / (1 - b2**t)) + eps)
        else:
            W = W - lr * newton_schulz(G, xp=xp)
    class_loss = xp.stack(rows["class_loss"], axis=1)
    class_error = xp.stack(rows["class_error"], axis=1)
    sv = xp.stack(rows["sv"], axis=1)
    entropy, erank = spectrum_entropy(sv, xp=xp)
    return TrainingRecord(
        steps=np.asarray(record),
        frequencies=p,
        class_loss=class_loss,
        class_error=class_error,
        loss=class_loss @ p,
        error=class_error @ p,
        singular_values=sv,
        spectrum_entropy=entropy,
        effective_rank=erank,
        matched_step=matched_step,
        matched_class_loss=matched_loss,
        matched_class_error=matched_error,
        matched_singular_values=matched_sv,
    )
