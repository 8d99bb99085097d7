"""The grad-mode switches as one object, read on the hot paths (``ember.autograd.grad_mode`` sets
them). A module of its own so that ``_tensor`` can read it without importing ``ember.autograd``.

The switches are per thread, as PyTorch's are: a thread starts with grad enabled whatever another
thread has set, so ``no_grad`` (or a backward pass) on one thread never stops another thread's
operations from recording their graph (RPC's serving threads run forwards and backwards side by
side). Reading an attribute of a ``threading.local`` costs about the same as of a plain object here.
"""


import threading


class GradState(threading.local):
    enabled = True      # operations record graphs
    inference = False   # inside inference_mode: new tensors are inference tensors


state = GradState()
