"""Queues between processes (``torch.multiprocessing.queue``). ember registers its tensor pickling
rules with :mod:`multiprocessing` itself, so the standard queues already hand tensors over in shared
memory; these are those queues, under PyTorch's module path."""
from multiprocessing import Queue, SimpleQueue  # noqa: F401

import ember.multiprocessing  # noqa: F401 - registers the tensor rules (shared memory) with multiprocessing
