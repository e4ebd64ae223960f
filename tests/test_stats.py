import numpy as np
import pytest

from hebbian.montecarlo.stats import estimate, integrated_autocorrelation_time, pooled_estimate


def ar1(phi, n, m, seed):
    rng = np.random.default_rng(seed)
    e = rng.normal(size=(n, m))
    x = np.empty_like(e)
    x[0] = e[0] / np.sqrt(1 - phi**2)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + e[t]
    return x


@pytest.mark.parametrize("phi", [0.0, 0.5, 0.8])
def test_tau_of_ar1(phi):
    # exact tau_int = (1 + phi) / (2 (1 - phi)); 10% tolerance at n = 1e5 (bias and noise
    # of the windowed estimator are a few percent here)
    x = ar1(phi, 100_000, 4, seed=1)
    tau = integrated_autocorrelation_time(x)
    np.testing.assert_allclose(tau, (1 + phi) / (2 * (1 - phi)), rtol=0.1)


def test_stderr_covers_truth():
    # 200 independent AR(1) series of length 4000: the true mean 0 lies within
    # 2 stderr in 95% of them; accept 88%..99.5% (binomial 4-sigma band is about 89-100%)
    x = ar1(0.7, 4000, 200, seed=2)
    est = estimate(x)
    coverage = np.mean(np.abs(est.mean) < 2 * est.stderr)
    assert 0.88 < coverage <= 0.995


def test_pooled_estimate_combines_chains():
    x = ar1(0.5, 5000, 8, seed=3)
    pooled = pooled_estimate(x[:, :, None], time_axis=0, chain_axis=1)
    single = estimate(x)
    assert pooled.mean.shape == (1,)
    assert pooled.mean[0] == pytest.approx(x.mean())
    assert pooled.stderr[0] == pytest.approx(np.sqrt(np.sum(single.stderr**2)) / 8)


def test_constant_series_and_short_series():
    assert integrated_autocorrelation_time(np.ones((50, 2))).tolist() == [0.5, 0.5]
    with pytest.raises(ValueError, match="at least 2 samples"):
        integrated_autocorrelation_time(np.ones((1, 2)))
