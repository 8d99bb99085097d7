"""Optical flow models with torchvision's names, builders and checkpoints (torchvision.models.optical_flow):
RAFT large and small. Models take two ``(N, 3, H, W)`` images in [-1, 1] (H, W multiples of 8) and
return the list of successive ``(N, 2, H, W)`` flow estimates.
"""
from ember.vision.models.optical_flow.raft import *  # noqa: F401,F403
