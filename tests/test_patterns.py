import numpy as np
import pytest

from hebbian.patterns import cue, diluted_patterns, noisy_examples, random_patterns


def test_random_patterns_shape_values_and_bias():
    xi = random_patterns(50, 2000, seed=1)
    assert xi.shape == (50, 2000) and xi.dtype == np.int8
    assert set(np.unique(xi)) == {-1, 1}
    # mean of 1e5 unbiased entries: |mean| < 4 sigma = 4 / sqrt(1e5)
    assert abs(xi.mean()) < 4 / np.sqrt(xi.size)
    biased = random_patterns(50, 2000, bias=0.4, seed=1)
    assert abs(biased.mean() - 0.4) < 4 * np.sqrt(1 - 0.4**2) / np.sqrt(biased.size)


def test_same_seed_same_patterns():
    assert np.array_equal(random_patterns(3, 10, seed=5), random_patterns(3, 10, seed=5))
    assert not np.array_equal(random_patterns(3, 10, seed=5), random_patterns(3, 10, seed=6))


def test_diluted_fraction():
    xi = diluted_patterns(40, 5000, dilution=0.3, seed=2)
    frac0 = np.mean(xi == 0)
    assert abs(frac0 - 0.3) < 4 * np.sqrt(0.3 * 0.7 / xi.size)
    assert abs(np.mean(xi == 1) - np.mean(xi == -1)) < 0.01
    assert np.count_nonzero(diluted_patterns(2, 10, dilution=0.0, seed=0) == 0) == 0


@pytest.mark.parametrize("noise", [0.0, 0.1, 0.25, 0.5, 1.0])
def test_cue_flips_exact_fraction(noise):
    xi = random_patterns(1, 999, seed=3)[0]
    cues = cue(xi, noise=noise, n_cues=4, seed=4)
    n_flip = round(noise * 999)
    assert cues.shape == (4, 999)
    assert np.all(np.sum(cues != xi, axis=1) == n_flip)


def test_cue_of_diluted_memory_is_binary():
    xi = diluted_patterns(1, 500, dilution=0.5, seed=3)[0]
    c = cue(xi, noise=0.0, seed=1)[0]
    assert set(np.unique(c)) == {-1, 1}
    assert np.array_equal(c[xi != 0], xi[xi != 0])


def test_noisy_examples_quality():
    xi = random_patterns(5, 4000, seed=1)
    eta = noisy_examples(xi, quality=0.6, n_examples=7, seed=2)
    assert eta.shape == (5, 7, 4000)
    r_hat = np.mean(eta * xi[:, None, :])
    assert abs(r_hat - 0.6) < 4 * np.sqrt(1 - 0.36) / np.sqrt(eta.size)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: random_patterns(0, 10), "n_patterns must be >= 1, got 0"),
        (lambda: random_patterns(2, 10, bias=1.0), "bias must be in (-1, 1), got 1"),
        (lambda: diluted_patterns(2, 10, dilution=1.0), "dilution must be in [0, 1), got 1"),
        (lambda: cue(np.ones(5), noise=1.5), "cue noise must be in [0, 1], got 1.5"),
        (
            lambda: noisy_examples(np.ones((2, 3)), quality=-0.1, n_examples=2),
            "quality must be in [0, 1], got -0.1",
        ),
        (lambda: cue(np.full(4, 2), noise=0.1), "entries must be in {-1, 0, +1}"),
    ],
)
def test_bad_input_names_value_and_range(call, message):
    with pytest.raises(ValueError, match=None) as info:
        call()
    assert message in str(info.value)


def test_cue_each_draws_one_cue_per_memory_in_order():
    from hebbian.patterns import cue_each

    xi = random_patterns(3, 50, seed=1)
    rng = np.random.default_rng(5)
    want = np.concatenate([cue(x, noise=0.2, seed=rng) for x in xi])
    got = cue_each(xi, noise=0.2, seed=np.random.default_rng(5))
    np.testing.assert_array_equal(got, want)
    assert got.shape == (3, 50) and np.all((got != xi).sum(axis=1) == 10)
