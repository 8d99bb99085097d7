"""A seeded training run (digits MLP, dropout, shuffled DataLoader, SGD) prints PyTorch's losses."""
import json
import os

import pytest

import ember
from tests.random import training

with open(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'random', 'training.json')) as f:
    RECORDED = json.load(f)


def test_seeded_training_prints_pytorchs_losses():
    losses = training.train(ember)
    assert [training.printed(v) for v in losses] == RECORDED['printed']
    # the weights, shuffle order and dropout masks are PyTorch's bit for bit; what is left is the
    # last-bit rounding of the matrix products, which stays at float32 resolution
    for got, want in zip(losses, RECORDED['losses']):
        assert got == pytest.approx(float(want), rel=2e-6, abs=0)
