"""Experimental DTensor helpers (PyTorch's ``torch.distributed.tensor.experimental``): ``local_map`` runs a
function written for plain tensors on DTensors' local pieces, and ``implicit_replication`` lets plain
tensors take part in DTensor operations as replicated ones."""
from ember.distributed.tensor.experimental._func_map import local_map
from ember.distributed.tensor.experimental._implicit import implicit_replication

__all__ = ['implicit_replication', 'local_map']
