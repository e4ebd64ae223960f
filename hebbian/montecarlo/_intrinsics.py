"""A Numba intrinsic for 32-bit integer dot products.

Numba promotes every integer product to 64 bits, which keeps LLVM from using the
AVX2 ``vpmaddwd`` instruction (16 int16 products summed into 8 int32 lanes per
instruction). :func:`madd32` performs ``acc + a * b`` in wrapping 32-bit arithmetic, so
a loop over int8 memories and int16 overlap sums vectorises with it; on the development
machine this made the Hopfield field computation 2.4x faster. Callers guarantee that
no partial sum leaves the int32 range (:func:`hebbian.montecarlo.arrays.field_mode`
chooses this mode only when ``K N max|xi|^2 < 2**31``).
"""

from __future__ import annotations

from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic

__all__ = ["madd32"]


@intrinsic
def madd32(typingctx, acc, a, b):
    """Return ``acc + a * b`` computed in 32-bit integers (operands sign-extended)."""
    if not all(isinstance(t, types.Integer) for t in (acc, a, b)):
        return None
    sig = types.int32(acc, a, b)

    def codegen(context, builder, signature, args):
        i32 = ir.IntType(32)

        def to32(value):
            width = value.type.width
            if width < 32:
                return builder.sext(value, i32)
            if width > 32:
                return builder.trunc(value, i32)
            return value

        acc32, a32, b32 = (to32(v) for v in args)
        return builder.add(acc32, builder.mul(a32, b32, flags=["nsw"]), flags=["nsw"])

    return sig, codegen
