"""backend.memory_overlap classifies two arrays' memory as PyTorch's get_overlap_status classifies tensors (the
refusals built on it are pinned against PyTorch by tests/fixtures/printed/memory_overlap.py)."""
import numpy as np

from ember.backend import memory_overlap
from ember.backend._overlap import FULL, NO, PARTIAL


def test_the_same_elements_laid_out_alike_are_a_full_overlap():
    x = np.arange(12.)
    assert memory_overlap(x, x) == FULL
    assert memory_overlap(x[2:5], x[2:5]) == FULL
    assert memory_overlap(x.reshape(3, 4), x.reshape(3, 4)[:]) == FULL


def test_shared_memory_otherwise_is_a_partial_overlap():
    x = np.arange(12.)
    assert memory_overlap(x[1:3], x[:2]) == PARTIAL
    assert memory_overlap(x[:4], x) == PARTIAL
    square = x[:9].reshape(3, 3)
    assert memory_overlap(square, square.T) == PARTIAL          # (the same span, other strides)
    assert memory_overlap(x[0:1], x[0, ...]) == PARTIAL         # (PyTorch compares the strides kept: (1,) and ())


def test_apart_empty_and_too_hard_to_tell_pass():
    x = np.arange(12.)
    assert memory_overlap(x[:3], x[3:6]) == NO
    assert memory_overlap(x[:0], x) == NO
    assert memory_overlap(x[::2], x[:6]) == NO                  # (a view with gaps: PyTorch's "too hard")
    assert memory_overlap(np.broadcast_to(x[:1], (3,)), x) == NO    # (repeated elements: too hard too)
    assert memory_overlap(x, np.arange(12.)) == NO
