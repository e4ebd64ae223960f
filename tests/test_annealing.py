"""Annealing schedules: their stages, their checks, and what they do to a pattern."""

import numpy as np
import pytest

from hebbian import HebbianModel, random_patterns
from hebbian.montecarlo.annealing import anneal_batch, linear_schedule
from hebbian.montecarlo.engine import simulate
from hebbian.montecarlo.options import EngineOptions


def test_linear_schedule_falls_to_start_over_n():
    assert linear_schedule(0.3, 3, 10) == ((0.3, 10), (0.2, 10), (0.1, 10))
    assert linear_schedule(0.045, 1, 4) == ((0.045, 4),)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0.0, 3, 10), "start must be > 0"),
        ((float("nan"), 3, 10), "start"),
        ((0.3, 0, 10), "n_stages must be >= 1"),
        ((0.3, 3, 0), "sweeps must be >= 1"),
    ],
)
def test_linear_schedule_refuses_bad_values(args, match):
    with pytest.raises(ValueError, match=match):
        linear_schedule(*args)


def _model(seed=0):
    return HebbianModel(random_patterns(5, 60, seed=seed))


def test_anneal_batch_refuses_bad_schedules_and_seeds():
    model, rng = _model(), np.random.default_rng(0)
    with pytest.raises(ValueError, match="at least one stage"):
        anneal_batch([model], schedule=[], seed=[rng])
    with pytest.raises(ValueError, match="must be > 0"):
        anneal_batch([model], schedule=[(0.0, 2)], seed=[rng])
    with pytest.raises(ValueError, match="sweeps must be >= 1"):
        anneal_batch([model], schedule=[(0.5, 0)], seed=[rng])
    with pytest.raises(TypeError, match="Generator"):
        anneal_batch([model], schedule=[(0.5, 2)], seed=[3])


def test_anneal_batch_is_its_stages_run_one_after_the_other():
    model = _model()
    options = EngineOptions(n_sweeps=1, n_chains=3, site_order="shared", device="cpu")
    schedule = linear_schedule(0.6, 2, 3)
    spins = anneal_batch(
        [model],
        schedule=schedule,
        seed=[np.random.default_rng(4)],
        initial=[model.memories[0]],
        options=options,
    )[0]
    rng, by_hand = np.random.default_rng(4), model.memories[0]
    for T, sweeps in schedule:
        by_hand = simulate(
            model, temperature=T, initial=by_hand, seed=rng, options=options, n_sweeps=sweeps
        ).spins.values
    np.testing.assert_array_equal(spins, by_hand)
    assert spins.shape == (3, 60)


def test_annealing_keeps_a_pattern_below_tc_and_melts_it_far_above():
    # Hopfield network at alpha = 5/400: the retrieval state lives up to T ~ 1 (AGS);
    # at T = 0.3 the chains keep overlaps near 1 (RS m(0.3) = 0.9987 at alpha -> 0, so
    # 0.95 leaves room for N = 400 fluctuations), at T = 5 the spins are nearly free
    # (|m| ~ N^(-1/2) = 0.05, so 0.3 is six standard deviations)
    model = HebbianModel(random_patterns(5, 400, seed=1))
    options = EngineOptions(n_sweeps=1, n_chains=4, device="cpu")
    for T, check in ((0.3, lambda m: m.min() > 0.95), (5.0, lambda m: np.abs(m).max() < 0.3)):
        spins = anneal_batch(
            [model],
            schedule=[(T, 20)],
            seed=[np.random.default_rng(2)],
            initial=[model.memories[0]],
            options=options,
        )[0]
        m = spins.astype(float) @ model.memories[0].astype(float) / 400
        assert check(m), (T, m)
