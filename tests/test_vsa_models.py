"""Hypervector models (hebbian.vsa.models) and their capacity Monte Carlo (hebbian.vsa.capacity).

The accuracy anchors are theory values of the winner-take-all formula of Frady, Kleyko and
Sommer, Neural Computation 30, 1449 (2018),
p_corr(d', M) = int dh phi(h) Phi(h + d')^(M - 1), computed here with SciPy; each Monte
Carlo is held to 4 binomial standard errors (at the theory value) of it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.stats import norm

from hebbian.theory.vsa import bloom_false_positive_rate as theory_false_positive_rate
from hebbian.vsa.capacity import (
    BinomialRate,
    bloom_false_positives,
    bundle_retrieval_accuracy,
    sequence_retrieval_accuracy,
)
from hebbian.vsa.models import (
    BSC,
    FHRR,
    HRR,
    MAPB,
    MAPI,
    MODELS,
    BloomFilter,
    hypervector_model,
)

D = 1000
BINDING = ["map-i", "map-b", "bsc", "hrr", "fhrr"]
EXACT = ["map-i", "map-b", "bsc", "fhrr"]


def make(name, dimension=D):
    return hypervector_model(name, dimension, n_hashes=10 if name == "bloom" else None)


def p_corr(dprime: float, M: int) -> float:
    """Frady-Kleyko-Sommer WTA accuracy (hit and M - 1 rejects independent Gaussians)."""
    integrand = lambda h: norm.pdf(h) * norm.cdf(h + dprime) ** (M - 1)  # noqa: E731
    return quad(integrand, -10, 10, limit=200)[0]


def within(result: BinomialRate, p: float, sigmas: float = 4.0) -> bool:
    return abs(float(result.rate) - p) <= sigmas * math.sqrt(p * (1 - p) / result.count)


# -- the models -----------------------------------------------------------------------


def test_registry_factory_and_seeded_atoms():
    assert set(MODELS) == {"map-i", "map-b", "bsc", "hrr", "fhrr", "bloom"}
    classes = {"map-i": MAPI, "map-b": MAPB, "bsc": BSC, "hrr": HRR, "fhrr": FHRR}
    dtypes = {"map-i": "int8", "map-b": "int8", "bsc": "uint8", "hrr": "float64",
              "fhrr": "complex128", "bloom": "uint8"}  # fmt: skip
    for name in MODELS:
        model = make(name, 64)
        assert model.name == name and model.dimension == 64 and model.xp is np
        assert isinstance(model, classes.get(name, BloomFilter))
        a = model.random((3, 2), seed=7)
        assert a.shape == (3, 2, 64) and str(a.dtype) == dtypes[name]
        assert model.random(seed=7).shape == (64,)
        np.testing.assert_array_equal(a, model.random((3, 2), seed=7))
        assert not np.array_equal(a, model.random((3, 2), seed=8))
    atoms = {name: make(name, 4096).random(seed=1) for name in MODELS}
    assert set(np.unique(atoms["map-i"]).tolist()) == {-1, 1}
    assert set(np.unique(atoms["bsc"]).tolist()) == {0, 1}
    np.testing.assert_allclose(np.abs(atoms["fhrr"]), 1.0, atol=1e-15)
    assert abs(atoms["hrr"].std() * math.sqrt(4096) - 1) < 0.05
    assert int(atoms["bloom"].sum()) == 10
    for dim, k in ((64, 3), (64, 20)):  # Floyd's sampling and the argpartition path
        rows = BloomFilter(dim, k).random(500, seed=2)
        assert (rows.sum(axis=1) == k).all() and (rows.max(axis=0) == 1).all()


@pytest.mark.parametrize("name", EXACT)
def test_unbind_inverts_bind_exactly(name):
    model = make(name)
    a, b = model.random((2, 5), seed=3)
    c = model.bind(a, b)
    if name == "fhrr":  # unit phasors: exact up to the rounding of |b_j| = 1
        np.testing.assert_allclose(model.unbind(c, b), a, atol=1e-12)
    else:
        np.testing.assert_array_equal(model.unbind(c, b), a)
        np.testing.assert_array_equal(model.bind(c, b), a)  # self-inverse
    assert model.exact_unbind
    np.testing.assert_allclose(model.similarity(a, a), 1.0, atol=1e-12)


def test_hrr_unbind_is_approximate_with_plate_statistics():
    # (a* (x) (a (x) b)) . b has mean 1; its variance is 6/D at leading order: the term
    # (a.a)(b.b) contributes 2/D + 2/D, the products of the autocorrelations of a and b
    # at the D - 1 nonzero lags (equal at +-s) another 2/D. (2/D is the variance of a.a.)
    n, dim = 4000, 256
    model = hypervector_model("hrr", dim)
    a, b = model.random((2, n), seed=11)
    x = model.similarity(model.unbind(model.bind(a, b), a), b)
    assert abs(x.mean() - 1) < 4 * math.sqrt(6 / dim / n)
    assert 5.2 < x.var() * dim < 6.8
    aa = model.similarity(a, a)
    assert 1.7 < aa.var() * dim < 2.3
    by_involution = model.bind(b[:3], model.involution(a[:3]))
    np.testing.assert_allclose(model.unbind(b[:3], a[:3]), by_involution)
    assert not model.exact_unbind


@pytest.mark.parametrize("name", BINDING)
def test_binding_preserves_similarity(name):
    model = make(name, 512)
    n = 2000
    a, c = model.random((2, n), seed=5)
    noise = model.random(n, seed=6)
    # b correlated with a: MAP/BSC share the first 40% of the components; HRR/FHRR mix
    if name in ("hrr", "fhrr"):
        b = 0.6 * a + 0.8 * noise
    else:
        b = np.concatenate([a[:, :205], noise[:, 205:]], axis=1)
    before = model.similarity(a, b)
    after = model.similarity(model.bind(a, c), model.bind(b, c))
    assert abs(before.mean() - (0.6 if name in ("hrr", "fhrr") else 0.4)) < 0.05
    if name == "hrr":  # approximately: the deviation has mean 0, standard deviation ~ 1/sqrt(D)
        dev = after - before
        assert abs(dev.mean()) < 4 * math.sqrt(2 / 512 / n)
        assert math.sqrt((dev**2).mean()) < 2 / math.sqrt(512)
    else:
        np.testing.assert_allclose(after, before, atol=1e-12)


@pytest.mark.parametrize("name", list(MODELS))
def test_permute_is_invertible_and_decorrelates(name):
    model = make(name)
    a = model.random(400, seed=9)
    for shift in (1, 7, -3):
        np.testing.assert_array_equal(model.permute(model.permute(a, shift), -shift), a)
    sims = model.similarity(model.permute(a), a)
    expected = 10 / D if name == "bloom" else 0.0  # bloom: overlap / k of two sparse atoms
    assert abs(sims.mean() - expected) < 5 * math.sqrt(2 / D / 400) + 1e-12
    shifts = np.arange(400) % 13 - 6  # one shift per vector
    rolled = model.permute(a, shifts)
    for i in (0, 5, 399):
        np.testing.assert_array_equal(rolled[i], np.roll(a[i], shifts[i]))


@pytest.mark.parametrize("name", list(MODELS))
def test_bundle_is_similar_to_each_member(name):
    K, n = 5, 400
    model = make(name)
    atoms = model.random((n, K), seed=13)
    s = model.bundle(atoms, seed=14)
    assert s.shape == (n, D)
    sims = model.similarity(s[:, None, :], atoms)
    if name in ("map-b", "bsc"):  # majority of odd K: C(K-1, (K-1)/2) / 2^(K-1) ~ sqrt(2/(pi K))
        expected = math.comb(K - 1, (K - 1) // 2) / 2 ** (K - 1)
        assert abs(expected - math.sqrt(2 / (math.pi * K))) < 0.02
    else:  # sums: 1 + crosstalk of mean 0; bloom: every bit of a member is set, exactly 1
        expected = 1.0
    if name == "bloom":
        np.testing.assert_array_equal(sims, 1.0)
        assert model.contains(s[:, None, :], atoms).all()
    assert abs(sims.mean() - expected) < 5 * math.sqrt((K + 1) / D / (n * K))
    # MAP-B and BSC break the ties of an even count with the seed
    if name in ("map-b", "bsc"):
        pair = model.bundle(atoms[0, :2], axis=0, seed=1)
        np.testing.assert_array_equal(pair, model.bundle(atoms[0, :2], axis=0, seed=1))
        assert not np.array_equal(pair, model.bundle(atoms[0, :2], axis=0, seed=2))
        agree = atoms[0, 0] == atoms[0, 1]
        np.testing.assert_array_equal(pair[agree], atoms[0, 0][agree])


@pytest.mark.parametrize("name", list(MODELS))
def test_cleanup_finds_the_stored_atom(name):
    model = make(name)
    codebook = model.random(20, seed=21)
    idx = np.array([[3, 0, 19], [7, 7, 1]])
    assert model.cleanup(codebook[idx], codebook).tolist() == idx.tolist()
    winner, sims = model.cleanup(codebook[4], codebook, return_similarities=True)
    assert int(winner) == 4 and sims.shape == (20,)
    np.testing.assert_allclose(sims, model.similarity(codebook[4], codebook), atol=1e-12)
    batched = model.random((2, 20), seed=22)  # one codebook per batch entry
    assert model.cleanup(batched[:, [5, 6]], batched).tolist() == [[5, 6], [5, 6]]


# -- capacity Monte Carlo -------------------------------------------------------------

ANCHORS = [
    # model, K, M, trials, d' (theory)
    ("map-i", 100, 27, 300, math.sqrt(D / 100)),
    # binarised bundle: the hit's mean similarity C(K-1,(K-1)/2)/2^(K-1) (Kanerva's Delta)
    # over unit crosstalk, ~ sqrt(2D/(pi K))
    ("map-b", 51, 27, 300, math.sqrt(D) * math.comb(50, 25) / 2**50),
    ("bsc", 51, 27, 300, math.sqrt(D) * math.comb(50, 25) / 2**50),
    ("fhrr", 100, 1000, 30, math.sqrt(2 * D / 100)),
    # HRR: the unbinding noise adds about one item's worth, d' ~ sqrt(D/(K+1))
    ("hrr", 50, 1000, 40, math.sqrt(D / 51)),
]


@pytest.mark.parametrize(("name", "K", "M", "trials", "dprime"), ANCHORS)
def test_bundle_retrieval_matches_frady_formula(name, K, M, trials, dprime):
    theory = p_corr(dprime, M)
    result = bundle_retrieval_accuracy(make(name), K, M, trials=trials, seed=2018)
    assert result.count == trials * K
    assert within(result, theory), (float(result.rate), theory)


def test_published_style_anchor_values():
    # the theory values the anchors above stand for, at D = 1000
    assert abs(p_corr(math.sqrt(10), 27) - 0.8540) < 5e-4  # MAP-I, K = 100, M = 27
    assert abs(p_corr(math.sqrt(2 * D / (math.pi * 51)), 27) - 0.9159) < 5e-4  # MAP-B, K = 51
    assert abs(p_corr(math.sqrt(20), 1000) - 0.8771) < 5e-4  # FHRR, K = 100, M = 1000
    assert abs(p_corr(math.sqrt(D / 51), 1000) - 0.8686) < 5e-4  # HRR, K = 50, sqrt(D/(K+1))


def test_sequence_retrieval_matches_frady_formula():
    K, M, trials = 50, 27, 200
    result = sequence_retrieval_accuracy(make("map-i"), K, M, trials=trials, seed=1707)
    assert result.successes.shape == (K,) and (result.count == trials).all()
    pooled = result.pooled()
    assert pooled.count == K * trials
    assert within(pooled, p_corr(math.sqrt(D / K), M))
    # every lag sees the same crosstalk: no lag far below the pooled accuracy
    assert result.rate.min() > float(pooled.rate) - 5 * math.sqrt(0.015 * 0.985 / trials)


def test_bloom_false_positive_rate_at_optimal_k():
    n = 100
    k = round(D / n * math.log(2))  # 7
    theory = float(theory_false_positive_rate(D, n, k))
    assert abs(theory - 2.0**-k) / theory < 0.06
    result = bloom_false_positives(D, n, k, trials=300, universe=1000, seed=1970)
    assert result.count == 300 * 900
    assert within(result, theory), (float(result.rate), theory)
    # no false negatives, and an empty filter passes nothing
    empty = bloom_false_positives(D, 0, k, trials=2, universe=50, seed=0)
    assert empty.successes == 0


# -- bad inputs -----------------------------------------------------------------------


def one_line(excinfo):
    return "\n" not in str(excinfo.value)


@pytest.mark.parametrize(
    ("call", "kind", "match"),
    [
        (lambda: hypervector_model("vsa", D), ValueError, "model must be one of"),
        (lambda: hypervector_model("map-i", 0), ValueError, "dimension must be in"),
        (lambda: hypervector_model("map-i", 2**27), ValueError, "dimension must be in"),
        (lambda: hypervector_model("map-i", float("nan")), TypeError, "dimension must be"),
        (lambda: hypervector_model("bloom", D), ValueError, "needs n_hashes"),
        (lambda: hypervector_model("hrr", D, n_hashes=3), ValueError, "bloom"),
        (lambda: hypervector_model("bloom", 10, n_hashes=11), ValueError, "n_hashes"),
        (lambda: make("hrr").similarity(np.full(D, np.nan), np.ones(D)), ValueError, "finite"),
        (lambda: make("map-i").bind(np.ones(D), np.ones(D - 1)), ValueError, "last axis"),
        (lambda: make("map-i").bind(np.ones((3, D)), np.ones((4, D))), ValueError, "broadcast"),
        (lambda: make("map-i").bundle(np.ones((3, D)), axis=-1), ValueError, "last axis"),
        (lambda: make("map-i").bundle(np.ones((3, D)), axis=2), ValueError, "axis"),
        (lambda: make("bloom").bind(np.ones(D), np.ones(D)), ValueError, "no binding"),
        (lambda: make("fhrr").cleanup(np.ones(D), np.ones(D)), ValueError, "codebook"),
        (
            lambda: make("map-i").cleanup(np.ones((3, 2, D)), np.ones((4, 5, D))),
            ValueError,
            "does not match",
        ),
        (lambda: make("map-i").permute(np.ones((3, D)), np.ones(4, int)), ValueError, "shift"),
        (lambda: make("map-i").random(-1, seed=0), ValueError, "shape"),
        (
            lambda: bundle_retrieval_accuracy(make("bloom"), 5, 5, trials=1, seed=0),
            ValueError,
            "bloom_false_positives",
        ),
        (
            lambda: bundle_retrieval_accuracy(make("map-i"), 0, 5, trials=1, seed=0),
            ValueError,
            "n_items",
        ),
        (
            lambda: bloom_false_positives(D, 10, 3, trials=1, universe=10, seed=0),
            ValueError,
            "universe",
        ),
    ],
)
def test_bad_inputs_are_refused_in_one_line(call, kind, match):
    with pytest.raises(kind, match=match) as excinfo:
        call()
    assert one_line(excinfo)


# -- GPU ------------------------------------------------------------------------------


@pytest.mark.gpu
def test_gpu_draws_and_results_match_the_cpu():
    cupy = pytest.importorskip("cupy")
    for name in MODELS:
        cpu = make(name, 256)
        gpu = hypervector_model(name, 256, device="gpu", n_hashes=10 if name == "bloom" else None)
        assert gpu.xp is cupy
        np.testing.assert_array_equal(cupy.asnumpy(gpu.random(4, seed=3)), cpu.random(4, seed=3))
    for name in BINDING:
        args = (64, 27)
        host = bundle_retrieval_accuracy(make(name), *args, trials=5, seed=4)
        device = bundle_retrieval_accuracy(
            hypervector_model(name, D, device="gpu"), *args, trials=5, seed=4
        )
        assert abs(host.successes - device.successes) <= 2  # WTA ties at float rounding


def test_a_fading_sequence_needs_a_summed_bundle_and_follows_the_theory():
    from hebbian.theory.vsa import sequence_accuracy

    with pytest.raises(ValueError, match="decay < 1 needs a model whose bundle is a sum"):
        sequence_retrieval_accuracy(hypervector_model("map-b", 64), 5, 4, trials=2, seed=0,
                                    decay=0.9)  # fmt: skip
    # MAP-I, D = 500, lambda = 0.9: pooled over lags, within 4 binomial standard errors
    rate = sequence_retrieval_accuracy(hypervector_model("map-i", 500), 30, 27, trials=200,
                                       seed=3, decay=0.9)  # fmt: skip
    theory = sequence_accuracy("map-i", 500, 30, 27, 0.9)
    pooled = rate.pooled()
    expected = float(theory.mean())
    sd = (expected * (1 - expected) / pooled.count) ** 0.5
    assert abs(pooled.rate - expected) < 4 * sd
