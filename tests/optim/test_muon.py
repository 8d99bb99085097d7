"""Muon (muon.py): trajectories, state dicts, repr and errors against PyTorch 2.13's recorded values."""
import ember
from tests.optim._shared import RecordedParity


class TestPytorchParity(RecordedParity):
    OPT, NAME = ember.optim.Muon, 'Muon'
