"""Attention layers: the limits each one must reach, and the capacity protocol.

Statistical thresholds are stated at each test: with ``t`` trials the standard error of
a mean relative error is printed by :class:`RetrievalResult`, and the bounds below are
several standard errors wide.
"""

from __future__ import annotations

import numpy as np
import pytest

from hebbian.attention.capacity import RULES, random_pairs, retrieval_trials
from hebbian.attention.layers import (
    delta_rule,
    dense_attention,
    feature_dimension,
    feature_map,
    hopfield_energy,
    hopfield_retrieve,
    least_squares,
    linear_attention,
    read_memory,
    softmax1,
    softmax_attention,
)
from hebbian.theory import attention as theory


def _pairs(n_pairs, dim, seed=0, trials=1):
    keys, values = random_pairs(trials, n_pairs, dim, np.random.default_rng(seed))
    return keys[0], values[0]


def test_hebbian_error_is_n_minus_one_over_d_within_two_percent():
    # d = 64, 400 memories of N = 128 pairs: the standard error of the mean is 0.3%
    result = retrieval_trials("hebbian", 64, 128, trials=400, seed=1)
    expected = theory.hebbian_relative_error(128, 64)
    assert abs(result.rel_err / expected - 1) < 0.02
    assert result.rel_err_stderr < 0.005 * expected


@pytest.mark.parametrize("n_pairs", [32, 64, 128, 256])
def test_least_squares_error_is_one_minus_d_over_n(n_pairs):
    # exact (to rounding) for N <= d; within 0.01 of 1 - d/N above (40 memories)
    result = retrieval_trials("lsq", 64, n_pairs, trials=40, seed=2)
    expected = theory.least_squares_relative_error(n_pairs, 64)
    assert abs(result.rel_err - expected) < (1e-9 if n_pairs <= 64 else 0.01)


def test_converged_delta_rule_is_exact_for_independent_keys_and_equals_least_squares():
    keys, values = _pairs(40, 64, seed=3)
    memory = delta_rule(keys, values, passes=300)
    np.testing.assert_allclose(read_memory(memory, keys), values, atol=1e-8)
    np.testing.assert_allclose(memory, least_squares(keys, values), atol=1e-8)


def test_one_pass_delta_rule_is_exact_for_orthonormal_keys_and_hebbian_is_too():
    rng = np.random.default_rng(4)
    keys = np.linalg.qr(rng.standard_normal((64, 64)))[0][:, :50].T  # 50 orthonormal rows
    values = np.where(rng.random((50, 64)) < 0.5, -1.0, 1.0)
    np.testing.assert_allclose(read_memory(delta_rule(keys, values), keys), values, atol=1e-12)
    np.testing.assert_allclose(read_memory(linear_attention(keys, values), keys), values,
                               atol=1e-12)  # fmt: skip
    # with random (non-orthogonal) keys one pass is not exact
    k, v = _pairs(50, 64, seed=5)
    assert np.abs(read_memory(delta_rule(k, v), k) - v).max() > 0.1


def test_delta_rule_matches_a_plain_loop():
    keys, values = _pairs(12, 8, seed=6)
    expected = np.zeros((8, 8))
    for _ in range(3):
        for k, v in zip(keys, values, strict=True):
            expected += 0.5 * np.outer(v - expected @ k, k)
    got = delta_rule(keys, values, learning_rate=0.5, passes=3)
    np.testing.assert_allclose(got, expected, atol=1e-13)


def test_softmax_at_large_beta_returns_the_nearest_pattern_and_at_zero_the_mean():
    rng = np.random.default_rng(7)
    patterns = rng.standard_normal((20, 16))
    queries = patterns[[3, 11]] + 0.3 * rng.standard_normal((2, 16))
    nearest = np.argmax(queries @ patterns.T, axis=1)
    cold = softmax_attention(patterns, patterns, queries, 1e4)
    np.testing.assert_allclose(cold, patterns[nearest], atol=1e-12)
    hot = softmax_attention(patterns, patterns, queries, 0.0)
    np.testing.assert_allclose(hot, np.broadcast_to(patterns.mean(axis=0), hot.shape),
                               atol=1e-12)  # fmt: skip


def test_softmax1_sends_the_mass_to_the_null_slot_when_nothing_matches():
    rng = np.random.default_rng(8)
    keys, values = _pairs(10, 32, seed=8)
    keys = np.abs(keys)  # in the positive orthant, so that a query can face away from all
    far = -np.ones((1, 32)) / np.sqrt(32)
    scores = 50.0 * far @ keys.T
    assert scores.max() < -20
    assert softmax1(scores).sum() < 1e-2
    read = softmax_attention(keys, values, far, 50.0, normalization="softmax1")
    assert np.abs(read).max() < 1e-2
    # a matching query keeps almost all of its mass on its pair
    read = softmax_attention(keys, values, keys[:1], 50.0, normalization="softmax1")
    np.testing.assert_allclose(read, values[:1], atol=1e-4)
    # Softmax1 of any scores sums to less than one, and equals softmax with a zero slot
    z = rng.standard_normal((3, 7)) * 30
    padded = np.concatenate([z, np.zeros((3, 1))], axis=1)
    full = np.exp(padded - padded.max(axis=1, keepdims=True))
    full /= full.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax1(z), full[:, :7], rtol=1e-12)


def test_hopfield_iteration_lowers_the_energy_and_stops_at_a_fixed_point():
    rng = np.random.default_rng(9)
    patterns = rng.standard_normal((30, 24))
    states = rng.standard_normal((5, 24))
    beta = 0.3
    energies = [hopfield_energy(patterns, states, beta)]
    for _ in range(8):
        states = softmax_attention(patterns, patterns, states, beta)
        energies.append(hopfield_energy(patterns, states, beta))
    energies = np.array(energies)
    assert (np.diff(energies, axis=0) <= 1e-12).all()  # Ramsauer et al., Theorem 1
    assert (energies >= -1e-12).all()
    result = hopfield_retrieve(patterns, states, beta, max_steps=500, tolerance=1e-12)
    assert result.converged.all() and result.steps < 500
    again = softmax_attention(patterns, patterns, result.states, beta)
    np.testing.assert_allclose(again, result.states, atol=1e-11)


def test_feature_maps_have_their_dimensions_and_dpfp_is_schlags_product():
    x = np.random.default_rng(10).standard_normal((4, 6))
    for name in ("identity", "elu1", "dpfp1", "dpfp2", "dpfp3"):
        assert feature_map(x, name).shape == (4, feature_dimension(name, 6))
    assert (feature_map(x, "elu1") > 0).all()
    r = np.maximum(np.concatenate([x, -x], axis=1), 0)
    dpfp2 = feature_map(x, "dpfp2")
    for i in range(12):
        np.testing.assert_allclose(dpfp2[:, i], r[:, i] * r[:, (i + 1) % 12])
        np.testing.assert_allclose(dpfp2[:, 12 + i], r[:, i] * r[:, (i + 2) % 12])


def test_dense_attention_of_order_two_is_the_hebbian_memory_and_follows_its_theory():
    keys, values = _pairs(50, 32, seed=11)
    queries = keys[:7]
    hebb = read_memory(linear_attention(keys, values), queries)
    np.testing.assert_allclose(dense_attention(keys, values, queries, 2), hebb, atol=1e-12)
    # exact theory at order 3 and 4 (stderr about 2% with 300 memories: 8% allowed)
    for order in (3, 4):
        result = retrieval_trials("dense", 32, 200, trials=300, order=order, seed=order)
        expected = theory.dense_relative_error(200, 32, order)
        assert abs(result.rel_err / expected - 1) < 0.08


def test_exponential_dense_memory_follows_its_exact_error():
    # (N - 1) e^(-2 beta) <e^(2 beta s)>: at d = 64, beta = 8, N = 1024, 40 memories
    # measure it to about 1% (the mean is dominated by rare large overlaps when beta/d is
    # larger, and converges slowly there)
    result = retrieval_trials("dense-exp", 64, 1024, beta=8.0, trials=40, seed=1)
    expected = theory.dense_exponential_relative_error(1024, 64, 8.0)
    assert abs(result.rel_err / expected - 1) < 0.03
    keys, values = _pairs(6, 16)
    read = dense_attention(keys, values, keys[:2], beta=3.0)
    np.testing.assert_allclose(read, np.exp(3.0 * (keys[:2] @ keys.T - 1)) @ values)
    with pytest.raises(ValueError, match="one of order"):
        dense_attention(keys, values, keys, 3, beta=1.0)


def test_dense_attention_on_binary_patterns_descends_the_p_body_energy():
    # the read is the gradient of sum_mu (xi_mu . sigma)^p / p: its sign is the steepest
    # descent step of the dense energy with index coincidences kept
    rng = np.random.default_rng(12)
    xi = np.where(rng.random((30, 40)) < 0.5, -1.0, 1.0)
    sigma = xi[:1] * np.where(rng.random((1, 40)) < 0.1, -1.0, 1.0)
    read = dense_attention(xi, xi, sigma, 3)
    m = xi @ sigma[0]
    np.testing.assert_allclose(read[0], (m**2) @ xi)


def test_softmax_theory_follows_the_measured_error():
    # the mean-field formula against 40 memories at d = 64, beta = 8 (within 10%)
    for n_pairs in (64, 256, 1024):
        result = retrieval_trials("softmax", 64, n_pairs, trials=40, seed=n_pairs)
        expected = theory.softmax_relative_error(n_pairs, 64, 8.0)
        assert abs(result.rel_err / expected - 1) < 0.1
        assert result.wta_accuracy == 1.0


def test_the_wta_knee_of_the_hebbian_memory_grows_as_d_squared():
    # a knee d^2/(2 ln N): at 0.5 accuracy the ratio of capacities at d and 2d is near 4
    n64, n128 = theory.hebbian_wta_capacity(64, 0.5), theory.hebbian_wta_capacity(128, 0.5)
    assert 3.0 < n128 / n64 < 4.0
    # the Gaussian formula within 0.08 of the measured accuracy around the knee (d = 64)
    for n_pairs in (128, 256, 512):
        result = retrieval_trials("hebbian", 64, n_pairs, trials=20, seed=13)
        assert abs(result.wta_accuracy - theory.hebbian_wta_accuracy(n_pairs, 64)) < 0.08


def test_every_rule_runs_and_a_seed_fixes_the_result():
    sdm = {"n_locations": 512, "radius": 5}
    for rule in RULES:
        extra = sdm if rule == "sdm" else {}
        a = retrieval_trials(rule, 16, 20, trials=3, seed=14, **extra)
        b = retrieval_trials(rule, 16, 20, trials=3, seed=14, **extra)
        assert a == b
        assert 0.0 <= a.wta_accuracy <= 1.0 and a.reads == 60


def test_sdm_reads_are_normalised_weighted_sums_of_the_stored_values():
    # one memory: the capacity protocol's read equals sum_mu w_mu v_mu / sum_mu w_mu with
    # the intersection counts of the same hard locations
    from hebbian.attention.capacity import _sdm_reads
    from hebbian.attention.sdm import SparseDistributedMemory

    rng = np.random.default_rng(16)
    bits = rng.integers(0, 2, (1, 12, 32), dtype=np.uint8)
    values = np.where(rng.random((1, 12, 32)) < 0.5, -1.0, 1.0)
    reads = _sdm_reads(bits, values, n_locations=2048, radius=11,
                       rng=np.random.default_rng(3), device="cpu")  # fmt: skip
    memory = SparseDistributedMemory(32, 2048, 11, value_dimension=33,
                                     seed=np.random.default_rng(3))  # fmt: skip
    weights = memory.read_weights(bits[0], bits[0]).astype(float)
    expected = weights @ values[0] / weights.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(reads[0], expected, atol=1e-12)
    # few pairs, many locations: every value is recovered by the cleanup
    result = retrieval_trials("sdm", 64, 16, trials=4, n_locations=4096, radius=22, seed=1)
    assert result.wta_accuracy == 1.0 and result.rel_err < 0.2
    with pytest.raises(ValueError, match="needs n_locations and radius"):
        retrieval_trials("sdm", 64, 16, trials=2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rule": "nope"}, "rule must be one of"),
        ({"dim": 1}, "dim must be"),
        ({"n_pairs": 0}, "n_pairs must be"),
        ({"beta": float("nan")}, "beta must be a finite number"),
        ({"beta": -1.0}, "beta must be"),
        ({"order": 1}, "order must be"),
        ({"feature_map_name": "relu"}, "feature_map must be one of"),
        ({"passes": 0}, "passes must be"),
    ],
)
def test_bad_arguments_are_refused_naming_the_value(kwargs, message):
    args = {"rule": "hebbian", "dim": 8, "n_pairs": 4, "trials": 1}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        retrieval_trials(**args)


def test_shapes_are_checked():
    keys, values = _pairs(5, 8)
    with pytest.raises(ValueError, match="same number of pairs"):
        linear_attention(keys, values[:4])
    with pytest.raises(ValueError, match="queries must have shape"):
        softmax_attention(keys, values, keys[:, :4], 1.0)


@pytest.mark.gpu
def test_layers_give_the_same_reads_on_cupy():
    cupy = pytest.importorskip("cupy")
    sdm = {"n_locations": 1024, "radius": 11}
    for rule in RULES:
        extra = sdm if rule == "sdm" else {}
        cpu = retrieval_trials(rule, 32, 48, trials=4, seed=15, device="cpu", **extra)
        gpu = retrieval_trials(rule, 32, 48, trials=4, seed=15, device="gpu", **extra)
        assert gpu.wta_correct == cpu.wta_correct
        assert abs(gpu.rel_err - cpu.rel_err) < 1e-9 * max(1.0, cpu.rel_err)
    keys, values = _pairs(10, 16)
    for name in ("elu1", "dpfp2"):
        np.testing.assert_allclose(
            cupy.asnumpy(feature_map(cupy.asarray(keys), name)), feature_map(keys, name)
        )
