"""Checks of the model-free solver core of hebbian.theory (hebbian.theory._core).

The core is tested on problems with known answers (x = cos x, a linear system, the fold
of a cubic, golden-section and regula falsi on closed forms), independently of any
model family.
"""

from __future__ import annotations

import numpy as np
import pytest

from hebbian.theory._core import (
    ABSENT,
    CONVERGED,
    INVALID,
    NOT_CONVERGED,
    STATUS_NAMES,
    as_real_array,
    broadcast_flat,
    check_count,
    damped_newton,
    golden_section_min,
    illinois,
    log2cosh,
    newton_fd,
    scalar_or_array,
    sech2,
)


def test_status_names():
    assert STATUS_NAMES[[CONVERGED, ABSENT, NOT_CONVERGED, INVALID]].tolist() == [
        "converged",
        "absent",
        "not_converged",
        "invalid",
    ]


@pytest.mark.parametrize(
    ("kwargs", "value", "message"),
    [
        ({}, np.inf, "x must be finite and in [0, inf), got inf"),
        ({}, [0.1, np.nan], "x must be finite and in [0, inf), got nan"),
        ({}, -1.0, "x must be finite and in [0, inf), got -1"),
        ({"include_minimum": False}, 0.0, "x must be finite and in (0, inf), got 0"),
        ({"minimum": -np.inf}, -np.inf, "x must be finite and in (-inf, inf), got -inf"),
        (
            {"minimum": 0.0, "maximum": 1.0, "include_maximum": True},
            1.5,
            "x must be finite and in [0, 1], got 1.5",
        ),
    ],
)
def test_as_real_array_refuses_with_one_line(kwargs, value, message):
    with pytest.raises(ValueError) as exc:
        as_real_array("x", value, **kwargs)
    assert str(exc.value) == message


def test_as_real_array_accepts_and_shapes():
    arr = as_real_array("x", [[0.0, 1.0]], maximum=1.0, include_maximum=True)
    assert arr.dtype == float and arr.shape == (1, 2)
    assert as_real_array("x", -3, minimum=-np.inf) == -3.0
    shape, (a, b) = broadcast_flat(np.array([1.0, 2.0])[:, None], np.array([3, 4, 5]))
    assert shape == (2, 3) and a.tolist() == [1, 1, 1, 2, 2, 2] and b.dtype == float
    assert isinstance(scalar_or_array(np.array(2.0)), np.float64)
    assert scalar_or_array(np.ones(2)).shape == (2,)


def test_check_count():
    assert check_count("n", 3) == 3 and check_count("n", np.int32(2)) == 2
    assert check_count("k", 0, minimum=0) == 0
    for bad in (0, 1.0, True, "2", None):
        with pytest.raises(ValueError, match=r"^n must be an integer >= 1, got "):
            check_count("n", bad)


def test_log2cosh_and_sech2_are_stable():
    x = np.array([-800.0, -3.0, 0.0, 0.5, 800.0])
    with np.errstate(over="raise"):
        np.testing.assert_allclose(log2cosh(x[1:4]), np.log(2 * np.cosh(x[1:4])), rtol=1e-15)
        assert log2cosh(x)[[0, 4]].tolist() == [800.0, 800.0]
        np.testing.assert_allclose(sech2(x[1:4]), 1 / np.cosh(x[1:4]) ** 2, rtol=1e-14)
        assert sech2(x)[[0, 4]].tolist() == [0.0, 0.0]
    # relative precision where 1 - tanh^2 has cancelled to zero
    assert sech2(20.0) == pytest.approx(4 * np.exp(-40.0), rel=1e-14)


def _cos_map(x, index):
    return np.cos(x) - x, (-np.sin(x) - 1.0)[:, :, None], x**2


def test_damped_newton_scalar_fixed_point():
    x0 = np.array([[0.0], [0.5], [3.0], [-2.0]])
    res = damped_newton(_cos_map, x0, tol=1e-14)
    assert np.all(res.status == CONVERGED)
    np.testing.assert_allclose(res.x[:, 0], 0.7390851332151607, rtol=0, atol=1e-14)
    np.testing.assert_allclose(res.aux[:, 0], res.x[:, 0] ** 2)
    np.testing.assert_allclose(res.det, 1 + np.sin(res.x[:, 0]), rtol=1e-12)
    assert np.all(res.residual < 1e-14)
    # Newton takes over near the solution: far fewer iterations than the damped map
    plain = damped_newton(_cos_map, x0, tol=1e-14, newton_below=0.0)
    assert np.all(plain.status == CONVERGED)
    assert np.max(res.n_iter) < 10 < np.min(plain.n_iter)


def test_damped_newton_linear_system_three_unknowns():
    # G(x) = A x + b with a contraction A: one Newton step solves it exactly
    rng = np.random.default_rng(0)
    a = 0.3 * rng.standard_normal((5, 3, 3))
    b = rng.standard_normal((5, 3))

    def fn(x, index):
        f = np.einsum("nij,nj->ni", a[index], x) + b[index] - x
        return f, a[index] - np.eye(3), None

    res = damped_newton(fn, np.zeros((5, 3)), newton_below=np.inf, trust=np.inf)
    expected = np.linalg.solve(np.eye(3) - a, b[..., None])[..., 0]
    assert np.all(res.status == CONVERGED) and res.aux is None
    np.testing.assert_allclose(res.x, expected, atol=1e-12)
    np.testing.assert_allclose(res.det, np.linalg.det(np.eye(3) - a), rtol=1e-12)


def test_damped_newton_reports_failures_and_keeps_bounds():
    def fn(x, index):
        # point 0: x = 1 + x / 2 (fine); point 1: residual becomes nan; point 2: no fixed
        # point at all (G(x) = x + 1)
        g = np.where(index[:, None] == 0, 1 + x / 2, np.where(index[:, None] == 1, np.nan, x + 1))
        jac = np.where(index == 0, -0.5, 0.0)[:, None, None]
        return g - x, jac, None

    res = damped_newton(fn, np.zeros((3, 1)), max_iter=50)
    assert res.status.tolist() == [CONVERGED, INVALID, NOT_CONVERGED]
    assert res.x[0, 0] == pytest.approx(2.0, abs=1e-12)
    assert np.isnan(res.det[1:]).all() and res.n_iter[2] == 50

    # the damped step is clipped to the lower bound: x -> max(x + F / 2, 0) with G = -1
    def down(x, index):
        return -1.0 - x, -np.ones((x.shape[0], 1, 1)), None

    res = damped_newton(down, np.ones((1, 1)), lower=[0.0], max_iter=100)
    assert res.status[0] == NOT_CONVERGED and res.x[0, 0] == 0.0
    with pytest.raises(ValueError, match="x0 must have shape"):
        damped_newton(down, np.ones(3))


def test_newton_fd_finds_a_fold():
    # x^3 - 3x + c has a fold (double root) at x = 1, c = 2: solve F = (f, f') = 0 in (x, c)
    def fold(x, c):
        return np.stack([x**3 - 3 * x + c, 3 * x**2 - 3])

    x, ok = newton_fd(
        fold,
        np.array([[1.3, 0.8], [1.5, 2.5]]),
        max_step=np.array([0.1, 0.5]),
        xtol=np.array([np.inf, 1e-10]),
    )
    assert ok.all()
    np.testing.assert_allclose(x, [[1.0, 1.0], [2.0, 2.0]], atol=1e-8)


def _three_functions(x, active):
    """cos x, sin x and exp(x) - 2 for the brackets still open (``active``)."""
    funcs = (np.cos, np.sin, lambda v: np.exp(v) - 2.0)
    return np.array([funcs[k](v) for k, v in zip(np.flatnonzero(active), x)])


def test_illinois_and_golden_section():
    lo, hi = np.array([0.0, 2.0, 0.0]), np.array([2.0, 4.0, 1.0])
    every = np.ones(3, dtype=bool)
    f_lo, f_hi = _three_functions(lo, every), _three_functions(hi, every)
    roots = illinois(_three_functions, lo, hi, f_lo, f_hi)
    np.testing.assert_allclose(roots, [np.pi / 2, np.pi, np.log(2)], atol=1e-12)
    x, fmin = golden_section_min(lambda t: (t - [0.2, 0.7]) ** 2 - 1, np.zeros(2), np.ones(2))
    np.testing.assert_allclose(x, [0.2, 0.7], atol=1e-5)
    np.testing.assert_allclose(fmin, -1.0, atol=1e-10)
