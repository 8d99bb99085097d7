"""Regenerate ember/vision/datasets/_data/digits.npz from scikit-learn's copy of the UCI digits.

Run once with any Python that has scikit-learn (the file is committed; ember never needs
scikit-learn):  python scripts/make_digits_npz.py
"""
import os

import numpy as np
from sklearn.datasets import load_digits

bunch = load_digits()
images = bunch.images.astype(np.uint8)          # counts 0..16 of an 8x8 grid, as the UCI files give them
assert images.shape == (1797, 8, 8) and images.max() == 16 and (bunch.images == images).all()
target = bunch.target.astype(np.uint8)
out = os.path.join(os.path.dirname(__file__), '..', 'ember', 'vision', 'datasets', '_data', 'digits.npz')
np.savez_compressed(out, images=images, target=target)
print(out, os.path.getsize(out), 'bytes')
