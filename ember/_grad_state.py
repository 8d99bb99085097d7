"""The grad-mode switches as one object, read on the hot paths (``ember.autograd.grad_mode`` sets
them). A module of its own so that ``_tensor`` can read it without importing ``ember.autograd``."""


class GradState:
    enabled = True      # operations record graphs
    inference = False   # inside inference_mode: new tensors are inference tensors


state = GradState()
