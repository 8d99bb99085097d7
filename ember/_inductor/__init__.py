"""``ember._inductor``: PyTorch's Inductor compiler namespace. ember has no compiler back end; its
``config`` module holds Inductor's settings for programs that set them (they change nothing here)."""
from ember._inductor import config  # noqa: F401

__all__ = ['config']
