import itertools
import math

import numpy as np
import pytest

from hebbian.models import CouplingModel, HebbianModel
from hebbian.observables import (
    coupling_energy,
    edwards_anderson_overlaps,
    hebbian_energy,
    ordered_products,
    overlap_sums,
)
from hebbian.patterns import diluted_patterns, random_patterns


def brute_force_energy(xi, weights, p, s):
    """-(1/(p N^(p-1))) sum_k w_k sum over ordered tuples of distinct sites."""
    K, N = xi.shape
    total = 0.0
    for k in range(K):
        x = xi[k] * s
        acc = 0
        for tup in itertools.permutations(range(N), p):
            acc += int(np.prod(x[list(tup)]))
        total += weights[k] * acc
    return -total / (p * N ** (p - 1)) / N


@pytest.mark.parametrize("p", [2, 3, 4])
@pytest.mark.parametrize("diluted", [False, True])
def test_energy_is_distinct_index_sum(p, diluted, rng):
    N, K = 7, 3
    xi = diluted_patterns(K, N, dilution=0.3, seed=1) if diluted else random_patterns(K, N, seed=1)
    model = HebbianModel(xi, p=p, weights=rng.random(K) + 0.5)
    for _ in range(3):
        s = np.where(rng.random(N) < 0.5, 1, -1)
        e = hebbian_energy(
            overlap_sums(s, xi), nnz=model.nonzero_counts, weights=model.weights, p=p, n_neurons=N
        )
        assert e == pytest.approx(
            brute_force_energy(xi, model.weights, p, s), rel=1e-12, abs=1e-14
        )


def test_hopfield_energy_matches_zero_diagonal_couplings(rng):
    N, K = 40, 6
    xi = random_patterns(K, N, seed=2)
    J = xi.T.astype(float) @ xi / N
    s = np.where(rng.random((5, N)) < 0.5, 1, -1)
    model = HebbianModel(xi)
    e_hebb = hebbian_energy(
        overlap_sums(s, xi), nnz=model.nonzero_counts, weights=model.weights, p=2, n_neurons=N
    )
    np.testing.assert_allclose(e_hebb, coupling_energy(s, CouplingModel(J).couplings), rtol=1e-12)
    # AGS convention: E/N = -sum m^2 / 2 + alpha / 2
    m = overlap_sums(s, xi) / N
    np.testing.assert_allclose(e_hebb, -0.5 * (m**2).sum(axis=1) + K / (2 * N), rtol=1e-12)


def test_ordered_products_closed_forms():
    S = np.arange(-9, 10)
    n = 9
    assert np.array_equal(ordered_products(2, S, n), S**2 - n)
    assert np.array_equal(ordered_products(3, S, n), S**3 - 3 * n * S + 2 * S)
    # g_n(S, n) for an all-(+1) vector of length n is n!
    assert ordered_products(5, 5, 5) == math.factorial(5)
    assert ordered_products(6, 5, 5) == 0


def test_memories_int8_read_only():
    xi = random_patterns(4, 30, seed=0)
    model = HebbianModel(xi)
    assert model.memories.dtype == np.int8
    assert not model.memories.flags.writeable
    assert model.alpha == pytest.approx(4 / 30)
    assert HebbianModel(random_patterns(90, 30, seed=0), p=3).alpha == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"memories": np.ones((2, 5)), "p": 1}, "p must be >= 2, got 1"),
        ({"memories": np.ones(5)}, "memories must be a (K, N) array"),
        ({"memories": np.full((2, 5), 3), "p": 7}, "entries must be in {-1, 0, +1}"),
        ({"memories": np.full((2, 5), 0.5)}, "entries must be in {-1, 0, +1}"),
        ({"memories": np.ones((2, 5)), "weights": np.ones(3)}, "weights must have shape (2,)"),
        ({"memories": np.ones((2, 5)), "weights": [1.0, np.nan]}, "weights must be finite"),
    ],
)
def test_hebbian_model_validation(kwargs, message):
    with pytest.raises(ValueError) as info:
        HebbianModel(**kwargs)
    assert message in str(info.value)


def test_coupling_model_validation_and_diagonal():
    J = np.array([[1.0, 0.5], [0.5, 2.0]])
    assert np.all(np.diag(CouplingModel(J).couplings) == 0)
    assert np.all(np.diag(CouplingModel(J, keep_diagonal=True).couplings) == [1.0, 2.0])
    with pytest.raises(ValueError, match="symmetric"):
        CouplingModel(np.array([[0.0, 1.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="square"):
        CouplingModel(np.ones((2, 3)))
    with pytest.raises(TypeError, match="symmetric must be True or False"):
        CouplingModel(J, symmetric="no")


def test_asymmetric_couplings_are_taken_as_given_and_say_so():
    J = np.array([[0.7, 1.0, -2.0], [0.0, 0.3, 0.5], [1.5, -1.0, 0.0]])
    model = CouplingModel(J, symmetric=False)
    expected = J.copy()
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_array_equal(model.couplings, expected)
    kept = CouplingModel(J, symmetric=False, keep_diagonal=True)
    np.testing.assert_array_equal(kept.couplings, J)
    assert model.describe()["symmetric"] == 0
    assert CouplingModel(J + J.T).describe()["symmetric"] == 1


def test_edwards_anderson_pairs():
    s = np.array([[1, 1, 1, 1], [1, 1, -1, -1], [-1, -1, -1, -1]])
    np.testing.assert_allclose(edwards_anderson_overlaps(s), [0.0, -1.0, 0.0])


def test_padded_storage_is_the_only_copy():
    from hebbian.models import padded_memory_count

    assert [padded_memory_count(k) for k in (1, 16, 17, 64, 65, 400)] == [16, 16, 32, 64, 128, 448]
    xi = random_patterns(70, 33, seed=0)
    model = HebbianModel(xi)
    block = model.site_major
    assert block.shape == (33, 128)
    assert block.flags.c_contiguous and not block.flags.writeable
    assert np.shares_memory(model.memories, block)
    assert np.array_equal(model.memories, xi) and not block[:, 70:].any()
