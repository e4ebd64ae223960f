"""Shared fixtures and markers.

Markers: ``slow`` (long statistical or end-to-end tests, run by default) and ``gpu``
(skipped, with the reason, where CuPy or a CUDA device is missing).
"""

from __future__ import annotations

import numpy as np
import pytest

from hebbian.device import gpu_unavailable_reason


def pytest_collection_modifyitems(config, items):
    reason = None
    for item in items:
        if "gpu" in item.keywords:
            reason = reason or gpu_unavailable_reason()
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"gpu test: {reason}"))


@pytest.fixture
def rng():
    return np.random.default_rng(20261125)
