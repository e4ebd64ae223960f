"""VSA capacity theory (hebbian.theory.vsa): WTA accuracy, bundles, Bloom, membership."""

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import comb
from scipy.stats import binom, norm

from hebbian.theory.vsa import (
    VSA_MODELS,
    bloom_dimension,
    bloom_false_positive_rate,
    bloom_optimal_false_positive_rate,
    bloom_optimal_hashes,
    bundle_accuracy,
    bundle_capacity,
    bundle_capacity_estimate,
    bundle_moments,
    bundle_snr,
    membership_dimension,
    membership_dimension_gaussian,
    wta_accuracy,
    wta_accuracy_general,
)

# Frady, Kleyko, Sommer (2018) formula, D = 1000, MAP-I, d' = sqrt(D/K), equal variances
MAP_I_TABLE = {
    27: {50: 0.9857, 100: 0.8540, 200: 0.5928, 400: 0.3625},
    1000: {50: 0.8771, 100: 0.4721, 200: 0.1714, 400: 0.0578},
}
# MAP-B, D = 1000: sqrt(2D/(pi K)) and Kanerva's Delta (both with equal variances D/4)
MAP_B_APPROX = {27: [0.9963, 0.9159, 0.6839], 1000: [0.9549, 0.6103, 0.2459]}
MAP_B_KANERVA = {27: [0.9967, 0.9183, 0.6859], 1000: [0.9592, 0.6166, 0.2477]}
MAP_B_ITEMS = [25, 51, 101]


def _reference(mu, sd_hit, m):
    """The WTA integral by adaptive quadrature (reject sd 1)."""
    if sd_hit == 0:
        return norm.cdf(mu) ** (m - 1)
    peak = math.sqrt(2 * math.log(max(m, 2)))
    return quad(
        lambda x: norm.pdf(x, mu, sd_hit) * norm.cdf(x) ** (m - 1),
        mu - 12 * sd_hit,
        mu + 12 * sd_hit,
        points=sorted({mu, peak}),
        limit=1000,
        epsabs=1e-13,
    )[0]


def test_wta_accuracy_matches_adaptive_quadrature():
    rng = np.random.default_rng(3)
    mus = rng.uniform(-2, 12, 25)
    sds = np.concatenate([[0.0, 0.05, 1.0, 1.0, 20.0], rng.uniform(0, 4, 20)])
    ms = np.concatenate([[1, 2, 27, 1000, 10**9], 10 ** rng.integers(0, 10, 20)])
    got = wta_accuracy_general(mus, sds, 1.0, ms)
    for g, mu, sd, m in zip(got, mus, sds, ms):
        ref = _reference(mu, sd, int(m))
        if ref < 1 - 1e-12:  # quad cannot resolve 1 - 1e-9 (norm.cdf rounds to 1)
            assert g == pytest.approx(ref, abs=1e-8), (mu, sd, m)
    # the equal-variance form is the general one with sd_hit = sd_reject
    np.testing.assert_allclose(
        wta_accuracy([0.5, 3.0, 7.0], [27, 1000, 10**9]),
        wta_accuracy_general([1.0, 6.0, 14.0], 2.0, 2.0, [27, 1000, 10**9]),
        atol=1e-13,
    )


def test_wta_accuracy_limits():
    m = np.array([1, 2, 5, 27, 1000, 10**5, 10**9])
    np.testing.assert_allclose(wta_accuracy(0.0, m), 1.0 / m, rtol=1e-9, atol=1e-15)
    np.testing.assert_array_equal(wta_accuracy([0.0, 1.0, 40.0], 1), 1.0)
    np.testing.assert_allclose(wta_accuracy(40.0, m), 1.0, atol=1e-12)
    # M = 2: P(N(d', 1) > N(0, 1)) = Phi(d' / sqrt 2)
    d = np.array([0.3, 1.0, 2.5])
    np.testing.assert_allclose(wta_accuracy(d, 2), norm.cdf(d / math.sqrt(2)), atol=1e-12)
    # a fixed hit: Phi(mu)^(M-1)
    assert float(wta_accuracy_general(3.0, 0.0, 1.0, 100)) == pytest.approx(norm.cdf(3) ** 99)
    # increasing in d', decreasing in M; shapes broadcast
    grid = wta_accuracy(np.linspace(0, 8, 9)[:, None], [2, 27, 1000])
    assert grid.shape == (9, 3)
    assert np.all(np.diff(grid, axis=0) > 0) and np.all(np.diff(grid, axis=1) < 0)
    assert isinstance(wta_accuracy(1.0, 10), np.floating)


@pytest.mark.parametrize("m", [27, 1000])
def test_map_i_table_is_the_equal_variance_formula(m):
    ks = list(MAP_I_TABLE[m])
    expected = list(MAP_I_TABLE[m].values())
    simple = bundle_accuracy("map-i", 1000, ks, m)  # form="snr": d' = sqrt(D/K)
    np.testing.assert_allclose(np.round(simple, 4), expected, atol=1e-12)
    np.testing.assert_allclose(wta_accuracy(np.sqrt(1000 / np.array(ks)), m), simple)
    # the exact-variance form (hit N(D, (K-1)D), reject N(0, KD)) is not the table:
    # it differs in the fourth decimal at K = 50
    moments = bundle_accuracy("map-i", 1000, 50, m, form="moments")
    assert abs(round(float(moments), 4) - expected[0]) >= 5e-4
    mu, sd_hit, sd_rej = bundle_moments("map-i", 1000, 50)
    assert float(moments) == float(wta_accuracy_general(mu, sd_hit, sd_rej, m))


@pytest.mark.parametrize("m", [27, 1000])
def test_map_b_tables(m):
    approx = bundle_accuracy("map-b", 1000, MAP_B_ITEMS, m, form="approximate")
    kanerva = bundle_accuracy("map-b", 1000, MAP_B_ITEMS, m)
    np.testing.assert_allclose(np.round(approx, 4), MAP_B_APPROX[m], atol=1e-12)
    np.testing.assert_allclose(np.round(kanerva, 4), MAP_B_KANERVA[m], atol=1e-12)
    np.testing.assert_array_equal(kanerva, bundle_accuracy("bsc", 1000, MAP_B_ITEMS, m))


def test_fhrr_table_and_snr_forms():
    got = bundle_accuracy("fhrr", 1000, [50, 100, 200], 1000)
    np.testing.assert_allclose(np.round(got, 3), [0.998, 0.877, 0.472], atol=1e-12)
    k = np.array([1, 7, 50, 400])
    np.testing.assert_allclose(bundle_snr("map-i", 1000, k), np.sqrt(1000 / k))
    np.testing.assert_allclose(bundle_snr("fhrr", 1000, k), np.sqrt(2000 / k))
    np.testing.assert_allclose(bundle_snr("hrr", 1000, k, exact=False), np.sqrt(1000 / (k + 1)))
    np.testing.assert_allclose(bundle_snr("hrr", 1000, k), np.sqrt(1000 / (k + 1 + 2 / 1000)))
    np.testing.assert_allclose(
        bundle_snr("map-b", 1000, k, exact=False), np.sqrt(2000 / np.pi / k)
    )


def test_kanerva_delta_and_its_two_over_pi_limit():
    # 1/2 - Delta(K) = C(K-1, floor((K-1)/2)) / 2^K, even K equal to K + 1
    for k in range(1, 40):
        c = comb(k - 1, (k - 1) // 2, exact=True) / 2**k
        mu, sd_hit, sd_rej = bundle_moments("map-b", 100, k)
        assert float(mu) == pytest.approx(100 * c, rel=1e-12)
        assert float(sd_rej) == 5.0
        assert float(sd_hit) ** 2 == pytest.approx(100 * (0.5 - c) * (0.5 + c), rel=1e-12)
    assert float(bundle_snr("map-b", 1000, 24)) == float(bundle_snr("map-b", 1000, 25))
    # d'^2 -> (2/pi) D/K, slowly: for odd K the ratio is 1 + 1/(2K) + 1/(8K^2) + ...
    k = np.array([11.0, 101.0, 10001.0, 1e8 + 1])
    ratio = bundle_snr("map-b", 1000, k) ** 2 / (2000 / (np.pi * k))
    np.testing.assert_allclose(ratio, 1 + 1 / (2 * k) + 1 / (8 * k**2), rtol=1e-4)
    assert float(bundle_snr("map-b", 10**15, 10**15)) == pytest.approx(math.sqrt(2 / math.pi))


def test_capacity_table_and_monotone_bisection():
    assert bundle_capacity("map-i", 1000, [27, 1000, 100000]).tolist() == [46, 30, 21]
    assert bundle_capacity("map-i", 1000, 27) == 46
    assert isinstance(bundle_capacity("map-i", 1000, 27), int)
    # K_max is the boundary: accuracy(K_max) >= p > accuracy(K_max + 1)
    for m, k in ((27, 46), (1000, 30), (100000, 21)):
        assert (
            bundle_accuracy("map-i", 1000, k, m) >= 0.99 > bundle_accuracy("map-i", 1000, k + 1, m)
        )
    # the exact-variance form gives one more at M = 27
    assert bundle_capacity("map-i", 1000, 27, form="moments") == 47
    # no item at all when a single one fails
    assert bundle_capacity("map-i", 4, 1000) == 0
    # grids
    grid = bundle_capacity(["map-i"][0], [[500], [1000]], [27, 1000], 0.99)
    assert grid.shape == (2, 2) and grid[1].tolist() == [46, 30]
    # the rule of thumb is within 15% at D = 1000
    est = bundle_capacity_estimate("map-i", 1000, [27, 1000])
    np.testing.assert_allclose(est, [46, 30], rtol=0.15)


def test_capacity_ratios_binary_two_over_pi_and_fhrr_two():
    # MAP-B / MAP-I -> 2/pi: within 0.005 from D = 10^4 (K_max ~ 300) on, 3e-4 at 10^5
    for d, tol in ((10**4, 5e-3), (10**5, 3e-4)):
        ratio = bundle_capacity("map-b", d, 1000) / bundle_capacity("map-i", d, 1000)
        assert abs(ratio - 2 / math.pi) < tol
    # FHRR has exactly MAP-I's statistics at twice the dimension: ratio 2 per complex
    # component up to the integer K
    for d in (300, 1000, 10**5):
        assert bundle_capacity("fhrr", d, 1000) == bundle_capacity("map-i", 2 * d, 1000)
    ratio = bundle_capacity("fhrr", 10**5, 1000) / bundle_capacity("map-i", 10**5, 1000)
    assert ratio == pytest.approx(2, abs=1e-3)


def test_hrr_moments_against_a_small_numpy_sample():
    # hit N(1, (K + 5 + 2r/D)/D), reject N(0, (K + 1 + r/D)/D) (Plate 1995, r = 2 at even D)
    rng = np.random.default_rng(11)
    d, k, trials = 64, 3, 4000
    a, b = rng.normal(0, d**-0.5, (2, trials, k, d))
    c = rng.normal(0, d**-0.5, (trials, d))
    fa = np.fft.rfft(a)
    trace = np.fft.rfft(np.fft.irfft((fa * np.fft.rfft(b)).sum(1), n=d))
    unbound = np.fft.irfft(trace * np.conj(fa[:, 0]), n=d)
    hit, rej = (unbound * b[:, 0]).sum(-1), (unbound * c).sum(-1)
    mu, sd_hit, sd_rej = bundle_moments("hrr", d, k)
    assert hit.mean() == pytest.approx(float(mu), abs=4 * float(sd_hit) / trials**0.5)
    assert hit.var() == pytest.approx(float(sd_hit) ** 2, rel=0.12)
    assert rej.var() == pytest.approx(float(sd_rej) ** 2, rel=0.08)


def test_map_i_monte_carlo_point_in_plain_numpy():
    # D = 1000, M = 27, K = 100: bipolar keys and codebook, one query per bundle
    rng = np.random.default_rng(2024)
    d, m, k, trials = 1000, 27, 100, 1500
    correct = 0
    for _ in range(trials // 150):
        codebook = rng.choice(np.array([-1, 1], dtype=np.int8), (150, m, d))
        keys = rng.choice(np.array([-1, 1], dtype=np.int8), (150, k, d))
        values = rng.integers(0, m, (150, k))
        items = np.take_along_axis(codebook, values[:, :, None], axis=1)
        bundle = (keys.astype(np.int32) * items).sum(1)
        scores = np.einsum("tmd,td->tm", codebook.astype(np.int32), bundle * keys[:, 0])
        correct += int((scores.argmax(1) == values[:, 0]).sum())
    p = float(bundle_accuracy("map-i", d, k, m))
    band = 4 * math.sqrt(p * (1 - p) / trials)
    assert abs(correct / trials - p) < band


def test_bloom_filter():
    d, n = np.array([1000, 4096, 10**6]), np.array([100, 300, 5000])
    k = bloom_optimal_hashes(d, n)
    np.testing.assert_allclose(k, d / n * math.log(2))
    np.testing.assert_allclose(bloom_false_positive_rate(d, n, k), 2.0**-k, rtol=1e-12)
    np.testing.assert_allclose(bloom_optimal_false_positive_rate(d, n), 2.0**-k, rtol=1e-12)
    # k* is the minimum over integer and real k
    ks = np.linspace(0.5, 30, 400)
    assert np.all(bloom_false_positive_rate(1000, 100, ks) >= 2.0 ** -k[0] * (1 - 1e-12))
    # the dimension: U 2^(-k*) = delta at D = n log2(U/delta)/ln 2
    dim = bloom_dimension(100, 10**4, 0.01)
    assert dim == pytest.approx(100 * math.log2(10**6) / math.log(2))
    assert 10**4 * bloom_optimal_false_positive_rate(math.ceil(dim), 100) <= 0.01
    assert float(bloom_false_positive_rate(1000, 0, 3)) == 0.0


def test_membership_bounds_and_the_hoeffding_derivation():
    n, u, delta = np.array([8, 64, 256]), 10**4, 0.1
    np.testing.assert_allclose(
        membership_dimension("map-i", n, u, delta), 8 * n * np.log(u / delta)
    )
    np.testing.assert_allclose(
        membership_dimension("map-b", n, u, delta), 56 * n * np.log(2 * u / delta)
    )
    # the MAP-B Hoeffding bound 2 ln(U/delta)/c_n^2 -> 4 pi n ln(U/delta)
    hb = membership_dimension("bsc", 10**6 + 1, 10**9, delta, bound="hoeffding")
    assert hb / (4 * math.pi * (10**6 + 1) * math.log(10**9 / delta)) == pytest.approx(1, rel=1e-5)
    # the identity behind the MAP-I bound: the exact binomial tail of a sum of nD signs
    # at D/2 lies below exp(-D/(8n)); at D = 8 n ln(U/delta) the union bound is delta
    for ni, di in ((1, 50), (4, 200), (16, 2000)):
        signs = ni * di  # sum of nD signs = 2 Bin(nD, 1/2) - nD >= D/2
        tail = binom.sf(math.ceil((signs + di / 2) / 2) - 1, signs, 0.5)
        assert tail <= math.exp(-di / (8 * ni))
    dim = float(membership_dimension("map-i", 4, 50, 0.1))
    assert 50 * math.exp(-dim / (8 * 4)) == pytest.approx(0.1)
    # and it holds on samples: n = 4 of U = 50 atoms at D = ceil(bound), threshold D/2
    rng = np.random.default_rng(5)
    d = math.ceil(dim)
    failures = 0
    for _ in range(200):
        atoms = rng.choice([-1, 1], (50, d))
        members = rng.choice(50, 4, replace=False)
        scores = atoms @ atoms[members].sum(0)
        answer = scores >= d / 2
        failures += int(np.any(answer != np.isin(np.arange(50), members)))
    assert failures / 200 <= 0.1
    # the Gaussian estimate sits below the sufficient bounds
    for model in ("map-i", "map-b"):
        g = membership_dimension_gaussian(model, n, u, delta)
        assert np.all(g < membership_dimension(model, n, u, delta, bound="hoeffding"))
        assert np.all(g > 0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: wta_accuracy(float("nan"), 10), r"snr must be finite and in \[0, inf\), got nan"),
        (lambda: wta_accuracy(-1.0, 10), "snr must be"),
        (lambda: wta_accuracy(1.0, 0), r"codebook_size must be finite and in \[1, 1e\+15\]"),
        (lambda: wta_accuracy(1.0, 2.5), r"codebook_size must be an integer .* got 2.5"),
        (lambda: wta_accuracy(1.0, 1e16), "codebook_size must be"),
        (lambda: wta_accuracy_general(1.0, -1.0, 1.0, 3), "sd_hit must be"),
        (lambda: wta_accuracy_general(1.0, 1.0, 0.0, 3), r"sd_reject must be finite and in \(0"),
        (lambda: wta_accuracy_general(np.inf, 1.0, 1.0, 3), "mu_hit must be finite"),
        (lambda: bundle_snr("map", 100, 3), "model must be one of 'map-i'"),
        (lambda: bundle_snr("map-i", 0, 3), "dimension must be"),
        (lambda: bundle_snr("map-i", 100, 1e16), "n_items must be"),
        (lambda: bundle_snr("map-i", 100, np.inf), "n_items must be finite"),
        (lambda: bundle_accuracy("hrr", 100, 3, 10, form="exact"), "form must be one of"),
        (lambda: bundle_capacity("map-i", 1000, 1), r"codebook_size must be finite and in \[2"),
        (
            lambda: bundle_capacity("map-i", 1000, 27, 1.0),
            r"accuracy must be finite and in \(0, 1\)",
        ),
        (lambda: bundle_capacity("map-i", 1000, 27, 0.0), "accuracy must be"),
        (lambda: bundle_capacity("map-i", 1000, 2, 0.5), "accuracy must exceed chance 1/codebook"),
        (lambda: bundle_capacity("fhrr", 1e15, 2, 0.6), "exceeds 1e\\+15 items"),
        (lambda: bundle_capacity("map-i", -5, 27), "dimension must be"),
        (lambda: bloom_false_positive_rate(100, 10, 0), "n_hashes must be"),
        (lambda: bloom_optimal_hashes(100, 0), "n_items must be"),
        (lambda: bloom_dimension(10, 5, 0.1), "n_items must be at most universe, got 10 > 5"),
        (lambda: bloom_dimension(10, 50, 1.0), r"delta must be finite and in \(0, 1\), got 1"),
        (lambda: membership_dimension("hrr", 10, 50, 0.1), "model must be one of 'map-i'"),
        (lambda: membership_dimension("map-i", 10, 50, 0.1, bound="clarkson"), "map-b"),
        (lambda: membership_dimension_gaussian("map-b", 10, 50, -0.1), "delta must be"),
    ],
)
def test_bad_inputs_raise_one_line_value_errors(call, match):
    with pytest.raises(ValueError, match=match) as info:
        call()
    assert "\n" not in str(info.value)


def test_models_constant():
    assert VSA_MODELS == ("map-i", "map-b", "bsc", "hrr", "fhrr")
    for model in VSA_MODELS:
        assert bundle_capacity(model, 1000, 1000) > 0


def test_sequence_accuracy_limits():
    # lambda = 1: every lag has the moments of a key-value bundle of K items
    from hebbian.theory.vsa import bundle_accuracy, sequence_accuracy

    flat = sequence_accuracy("map-i", 1000, 50, 27)
    np.testing.assert_allclose(flat, bundle_accuracy("map-i", 1000, 50, 27, form="moments"),
                               rtol=0, atol=1e-12)  # fmt: skip
    # FHRR is MAP-I at twice the dimension
    fhrr = sequence_accuracy("fhrr", 500, 30, 27, 0.9)
    np.testing.assert_allclose(fhrr, sequence_accuracy("map-i", 1000, 30, 27, 0.9), atol=1e-12)
    # one symbol: a fixed hit D against rejects of variance D
    from scipy.stats import norm

    one = sequence_accuracy("map-i", 100, 1, 27)[0]
    assert one == pytest.approx(norm.cdf(10.0) ** 26, abs=1e-12)
    # fading: the accuracy falls with the lag
    fading = sequence_accuracy("map-i", 1000, 60, 27, 0.95)
    assert np.all(np.diff(fading) <= 1e-12) and fading[0] > 0.99 > 0.2 > fading[-1]
    with pytest.raises(ValueError, match="model must be one of"):
        sequence_accuracy("map-b", 1000, 10, 27, 0.9)
    with pytest.raises(ValueError, match="decay must be"):
        sequence_accuracy("map-i", 1000, 10, 27, 0.0)
