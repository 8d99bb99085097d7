"""Graph inspection types (PyTorch's ``torch.autograd.graph``)."""
from ember.autograd.function import Node  # noqa: F401
