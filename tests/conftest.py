"""Shared fixtures and markers.

Markers: ``slow`` (long statistical or end-to-end tests, run by default) and ``gpu``
(skipped, with the reason, where CuPy or a CUDA device is missing).
"""

from __future__ import annotations

import numpy as np
import pytest


def _gpu_reason() -> str | None:
    try:
        import cupy  # noqa: F401
    except Exception as exc:  # pragma: no cover - depends on the machine
        return f"CuPy is not importable ({type(exc).__name__})"
    try:  # pragma: no cover - depends on the machine
        import cupy

        if cupy.cuda.runtime.getDeviceCount() < 1:
            return "no CUDA device"
    except Exception as exc:  # pragma: no cover
        return f"no usable CUDA device ({type(exc).__name__})"
    return None  # pragma: no cover


def pytest_collection_modifyitems(config, items):
    reason = None
    for item in items:
        if "gpu" in item.keywords:
            reason = reason or _gpu_reason()
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"gpu test: {reason}"))


@pytest.fixture
def rng():
    return np.random.default_rng(20261125)
