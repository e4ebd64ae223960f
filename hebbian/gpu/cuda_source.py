"""CUDA C source of the fused block pass (p = 2), built from the Python constants.

The kernel is the CUDA form of the visits of
:func:`hebbian.montecarlo.blocked.generic_block_step` for p = 2: one thread per chain (of any
member of a batch) visits the ``b`` sites of a block in order. The numerator
of visit ``u`` is the block-start numerator from the matrix product, minus the
self-interaction :math:`n_j \\sigma_j`, plus :math:`G_{ut} d_t` for every earlier visit
``t`` of the block that flipped (the thread keeps a list of them, so the in-block work
is proportional to the flips). All of it is exact integer arithmetic in float64.

The update rule is :func:`hebbian.montecarlo.dynamics.new_spin` written in C with the
same operations in the same order; the source is compiled with ``--fmad=false`` so
that no multiply-add is contracted. CUDA's double ``exp`` has an error of at most one
ulp, so a visit can differ from the CPU only when its uniform lies within one ulp of
the acceptance probability.
"""

from __future__ import annotations

from hebbian.montecarlo.blocked import MAX_BLOCK_SIZE
from hebbian.montecarlo.dynamics import HEAT_BATH, METROPOLIS, ZERO_TEMPERATURE

__all__ = ["BLOCK_PASS_P2", "COMPILE_OPTIONS", "MAX_BLOCK_SIZE"]

#: NVRTC options: no contraction of multiply-adds, IEEE division.
COMPILE_OPTIONS = ("--fmad=false", "--prec-div=true")

_CONSTANTS = f"""
#define HEAT_BATH {HEAT_BATH}
#define METROPOLIS {METROPOLIS}
#define ZERO_TEMPERATURE {ZERO_TEMPERATURE}
#define MAX_BLOCK {MAX_BLOCK_SIZE}
"""

_KERNELS = r"""
__device__ __forceinline__ int new_spin(int s, double h, double beta, double u, int dyn)
{
    if (dyn == ZERO_TEMPERATURE) {
        return (s * h < 0.0) ? -s : s;
    }
    if (dyn == HEAT_BATH) {
        const double x = -2.0 * beta * h;
        if (x > 700.0) return -1;
        return (u < 1.0 / (1.0 + exp(x))) ? 1 : -1;
    }
    if (dyn == METROPOLIS) {
        const double dE = 2.0 * s * h;
        return (dE <= 0.0 || u < exp(-beta * dE)) ? -s : s;
    }
    return s;
}

extern "C" __global__ void hebbian_block_pass_p2(
    const double* __restrict__ num,      // (D, b, C) block-start products sum_k xi M
    const double* __restrict__ G,        // (D, b, b) in-block couplings
    const double* __restrict__ diag,     // (D, N) self-interactions n_j, visiting order
    const int* __restrict__ sites,       // (D, N) sites in visiting order
    signed char* __restrict__ spins_t,   // (D, N, C) spins, updated in place
    const double* __restrict__ uniforms, // (D, N, C) uniforms of the visits (if has_u)
    double* __restrict__ d_out,          // (D, b, C) spin changes
    long long* __restrict__ flips,       // (D, C) flip counts, incremented
    const double* __restrict__ beta,     // (D,) inverse temperatures
    const double* __restrict__ w,        // (D,) weights
    const int t0, const int N, const int b, const int C, const int D,
    const double norm, const int dynamics, const int has_u)
{
    const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= (long long)D * C) return;
    const long long m = t / C;
    const long long c = t % C;
    short flip_at[MAX_BLOCK];
    signed char flip_d[MAX_BLOCK];
    int n_flip = 0;
    for (int u = 0; u < b; ++u) {
        const long long at = (m * b + u) * C + c;
        const long long visit = m * N + t0 + u;
        const long long site = (m * N + sites[visit]) * C + c;
        const int s = spins_t[site];
        double nu = num[at] - diag[visit] * s;
        for (int f = 0; f < n_flip; ++f) {
            nu += G[(m * b + u) * b + flip_at[f]] * flip_d[f];
        }
        const double h = w[m] * nu / norm;
        const double r = has_u ? uniforms[visit * C + c] : 0.0;
        const int s_new = new_spin(s, h, beta[m], r, dynamics);
        d_out[at] = (double)(s_new - s);
        if (s_new != s) {
            spins_t[site] = (signed char)s_new;
            flip_at[n_flip] = (short)u;
            flip_d[n_flip] = (signed char)(s_new - s);
            ++n_flip;
        }
    }
    flips[t] += n_flip;
}
"""

#: The source, constants first.
BLOCK_PASS_P2 = _CONSTANTS + _KERNELS
