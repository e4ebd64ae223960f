"""Write hebbian/data/digits.npz from scikit-learn's copy of the UCI digits test set.

Run once, by hand, where scikit-learn is installed (it is not a dependency of hebbian):

    python scripts/make_digits.py

It prints the SHA-256 that :data:`hebbian.data.DIGITS_SHA256` must hold.
"""

import hashlib
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

digits = load_digits()
images = digits.data.astype(np.uint8).reshape(-1, 8, 8)
labels = digits.target.astype(np.uint8)
target = Path(__file__).resolve().parents[1] / "hebbian" / "data" / "digits.npz"
np.savez_compressed(target, images=images, labels=labels)
print(hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest())
