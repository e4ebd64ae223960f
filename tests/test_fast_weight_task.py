"""Schlag et al.'s synthetic retrieval task with fixed random keys."""

import numpy as np
import pytest

from hebbian.attention.fast_weight_task import task_loss, task_sequence


@pytest.mark.parametrize("name", ["dpfp1", "dpfp2", "dpfp3"])
def test_least_squares_knee_sits_at_d_dot(name):
    # the least-squares memory reads P e_mu: loss 1/2 (1 - rank/S), rank = min(S, d_dot)
    d_dot = {"dpfp1": 32, "dpfp2": 64, "dpfp3": 96}[name]
    kwargs = {"feature_map_name": name, "rule": "lsq", "dim_key": 16, "trials": 2, "seed": 0}
    assert task_loss(d_dot, **kwargs).d_dot == d_dot
    assert task_loss(d_dot, **kwargs).loss < 1e-12
    assert task_loss(d_dot // 2, **kwargs).loss < 1e-12
    assert task_loss(3 * d_dot // 2, **kwargs).loss == pytest.approx(1 / 6, abs=1e-9)
    assert task_loss(2 * d_dot, **kwargs).loss == pytest.approx(0.25, abs=1e-9)


def test_sum_rule_identity_loss_is_the_hebbian_crosstalk():
    # 1/2 sum_nu s_nu^2 with <s^2> = 1/d: (S - 1)/(2 d); 20 x 48 reads, within 10%
    result = task_loss(48, rule="sum", dim_key=32, trials=20, seed=1)
    assert result.loss == pytest.approx(47 / 64, rel=0.1)
    assert result.accuracy > 0.95  # the argmax survives the crosstalk


def test_delta_rule_overwrites_where_the_sum_rule_cannot():
    common = {"feature_map_name": "dpfp1", "dim_key": 32, "trials": 20, "seed": 2}  # d_dot = 64
    total = 20 * 8
    summed = task_loss(8, rule="sum", setting=2, **common)
    delta = task_loss(8, rule="delta", setting=2, **common)
    once = task_loss(8, rule="delta", setting=1, **common)
    # old and new values carry equal weight in the sum: a coin flip (4 sigma = 0.13)
    assert abs(summed.accuracy - 0.5) < 0.13 and summed.loss > 0.5
    # the delta rule reads the new value as well as a single write would
    assert delta.accuracy > 0.93 and abs(delta.accuracy - once.accuracy) <= 5 / total
    assert delta.loss < 0.3 * summed.loss


def test_task_sequence_overwrites_every_key_with_a_new_value():
    keys, order, written, targets = task_sequence(3, 10, 4, 2, np.random.default_rng(0))
    assert keys.shape == (3, 10, 4) and order.shape == written.shape == (3, 20)
    for t in range(3):
        assert sorted(order[t, :10]) == sorted(order[t, 10:]) == list(range(10))
        first = dict(zip(order[t, :10], written[t, :10]))
        last = dict(zip(order[t, 10:], written[t, 10:]))
        assert all(first[k] != last[k] == targets[t, k] for k in range(10))
        assert sorted(targets[t]) == list(range(10))


def test_seeded_and_bad_arguments():
    a = task_loss(10, rule="delta", setting=2, trials=3, seed=5)
    b = task_loss(10, rule="delta", setting=2, trials=3, seed=5)
    assert a == b
    for kwargs, message in [
        ({"n_keys": 0}, "n_keys must be"),
        ({"n_keys": 4, "rule": "hebb"}, "rule must be"),
        ({"n_keys": 4, "setting": 3}, "setting must be"),
        ({"n_keys": 4, "feature_map_name": "dpfp4"}, "feature_map must be"),
        ({"n_keys": 4, "learning_rate": 0.0}, "learning_rate must be"),
        ({"n_keys": 4, "trials": 0}, "trials must be"),
        ({"n_keys": 4, "dim_key": 0}, "dim_key must be"),
    ]:
        with pytest.raises(ValueError, match=message):
            task_loss(**kwargs)
