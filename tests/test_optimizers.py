"""GD, Adam, SignGD and Muon on the one-layer associative memory (Wang et al. 2025)."""

from __future__ import annotations

import numpy as np
import pytest

from hebbian.attention.optimizers import (
    correlated_embeddings,
    newton_schulz,
    spectrum_entropy,
    train_memory,
)


@pytest.fixture(autouse=True)
def _one_blas_thread():
    # narrow products: OpenBLAS's threads mostly wait for each other on a small shared
    # machine, so the tests run with one (as the experiment kinds do)
    from hebbian._blas import blas_threads

    with blas_threads(1):
        yield


def test_newton_schulz_is_nearly_orthogonal():
    # 5 quintic steps (Jordan et al. 2024) put every singular value of a well-conditioned
    # matrix in about [0.7, 1.2], and keep the singular vectors
    rng = np.random.default_rng(0)
    G = rng.standard_normal((32, 96))
    X = newton_schulz(G)
    s = np.linalg.svd(X, compute_uv=False)
    assert s.min() > 0.65 and s.max() < 1.25
    U, _, Vt = np.linalg.svd(G, full_matrices=False)
    polar = U @ Vt
    cos = np.sum(X * polar) / (np.linalg.norm(X) * np.linalg.norm(polar))
    assert cos > 0.98
    # batched, tall matrices (iterated on the transpose), and zero stays zero
    B = newton_schulz(rng.standard_normal((3, 80, 20)))
    sb = np.linalg.svd(B, compute_uv=False)
    assert B.shape == (3, 80, 20) and sb.min() > 0.65 and sb.max() < 1.25
    assert np.all(newton_schulz(np.zeros((4, 4))) == 0)


def test_spectrum_entropy():
    h, r = spectrum_entropy(np.ones(8))
    assert h == pytest.approx(1.0) and r == pytest.approx(8.0)
    h, r = spectrum_entropy(np.array([1.0, 0, 0, 0]))
    assert h == pytest.approx(0.0) and r == pytest.approx(1.0)
    assert np.isnan(spectrum_entropy(np.zeros(3))[0])


def test_correlated_embeddings_overlap():
    rng = np.random.default_rng(1)
    e = correlated_embeddings(200, 400, 0.5, rng)
    gram = e @ e.T
    off = gram[~np.eye(200, dtype=bool)]
    assert np.allclose(np.diag(gram), 1.0) and off.mean() == pytest.approx(0.5, abs=0.1)


def test_training_is_seeded_and_decreases_the_loss():
    kw = dict(n_classes=16, dim=16, n_steps=30, record_steps=[0, 10, 30], trials=2)
    for opt, lr in (("gd", 5.0), ("signgd", 0.01), ("adam", 0.01), ("muon", 0.1)):
        a = train_memory(opt, lr=lr, seed=3, **kw)
        b = train_memory(opt, lr=lr, seed=3, **kw)
        np.testing.assert_array_equal(a.class_loss, b.class_loss)
        assert a.class_loss.shape == (2, 3, 16) and a.singular_values.shape == (2, 3, 16)
        assert np.all(a.loss[:, -1] < a.loss[:, 0]), opt
        assert a.loss[0, 0] == pytest.approx(np.log(16))  # W = 0: uniform softmax


@pytest.mark.parametrize("rho", [0.0, 0.5])
def test_muon_balances_the_tail_at_matched_loss(rho):
    # Wang et al. (qualitative): at equal population loss, Muon's tail classes are
    # learned better than GD's and Adam's, and W's spectrum is flatter. K = d = 64,
    # alpha = 1, population loss 0.5: the tail-half mean loss ratio Muon/Adam measured
    # 0.63 (rho = 0) and 0.77 (rho = 0.5), Muon/GD 0.58 and 0.71; threshold 0.9
    kw = dict(n_classes=64, dim=64, zipf_exponent=1.0, embedding_correlation=rho,
              loss_target=0.5, n_steps=600, trials=4, seed=5)  # fmt: skip
    runs = {
        "gd": train_memory("gd", lr=10.0, **kw),
        "adam": train_memory("adam", lr=0.005, **kw),
        "muon": train_memory("muon", lr=0.05, **kw),
    }
    tail = slice(32, 64)
    loss = {}
    for name, r in runs.items():
        assert not np.any(np.isnan(r.matched_step)), name
        loss[name] = r.matched_class_loss[:, tail].mean()
    assert loss["muon"] < 0.9 * loss["adam"] and loss["muon"] < 0.9 * loss["gd"]
    h = {n: spectrum_entropy(r.matched_singular_values)[0].mean() for n, r in runs.items()}
    assert h["muon"] > h["adam"] + 0.03 and h["muon"] > h["gd"] + 0.03


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"optimizer": "sgdm"}, "optimizer"),
        ({"n_classes": 1}, "n_classes"),
        ({"dim": 1}, "dim"),
        ({"embedding_correlation": 1.0}, "embedding_correlation"),
        ({"lr": 0.0}, "lr"),
        ({"n_steps": 5, "record_steps": [6]}, "record_steps"),
        ({"zipf_exponent": -1.0}, "zipf_exponent"),
        ({"loss_target": -1.0}, "loss_target"),
    ],
)
def test_bad_arguments(kwargs, match):
    opt = kwargs.pop("optimizer", "gd")
    with pytest.raises(ValueError, match=match):
        train_memory(opt, **kwargs)
