"""Distance layers: CosineSimilarity and PairwiseDistance."""
from ember.nn import functional as F
from ember.nn.modules.module import Module

__all__ = ['CosineSimilarity', 'PairwiseDistance']


class CosineSimilarity(Module):
    """Returns the cosine similarity between ``x1`` and ``x2`` along ``dim``: ``x1 . x2 / max(||x1|| * ||x2||,
    eps)``.

    Args:
        dim (int, optional): dimension where cosine similarity is computed. Default: ``1``.
        eps (float, optional): small value to avoid division by zero. Default: ``1e-8``.

    Shape:
        - Input1: ``(*1, D, *2)`` where D is at position ``dim``.
        - Input2: ``(*1, D, *2)``, broadcastable to Input1.
        - Output: ``(*1, *2)``.

    Example::

        >>> cos = nn.CosineSimilarity(dim=1)
        >>> cos(ember.tensor([[1.0, 0.0], [1.0, 1.0]]), ember.tensor([[0.0, 1.0], [2.0, 2.0]]))
        tensor([0.0000, 1.0000])
    """
    __constants__ = ['dim', 'eps']

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """Computes the p-norm distance between the rows of ``x1`` and ``x2``: ``||x1 - x2 + eps||_p``.

    Args:
        p (float): the norm degree (may be negative). Default: ``2``.
        eps (float, optional): small value added to the difference to avoid division by zero. Default: ``1e-6``.
        keepdim (bool, optional): keep the vector dimension. Default: ``False``.

    Shape:
        - Input1: ``(N, D)`` or ``(D)``.
        - Input2: ``(N, D)`` or ``(D)``, same shape as Input1.
        - Output: ``(N)`` or ``()``; ``(N, 1)`` or ``(1)`` with ``keepdim=True``.

    Example::

        >>> pdist = nn.PairwiseDistance(p=2)
        >>> pdist(ember.tensor([[0.0, 0.0], [1.0, 1.0]]), ember.tensor([[3.0, 4.0], [1.0, 1.0]]))
        tensor([5.0000e+00, 1.4142e-06])
    """
    __constants__ = ['norm', 'eps', 'keepdim']

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
