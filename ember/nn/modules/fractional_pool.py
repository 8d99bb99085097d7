"""FractionalMaxPool2d and FractionalMaxPool3d (math in ember/ops/fractional_pool.py)."""
from ember.nn import functional as F
from ember.nn.modules.module import Module

__all__ = ['FractionalMaxPool2d', 'FractionalMaxPool3d']


def _ntuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class _FractionalMaxPoolNd(Module):
    __constants__ = ['kernel_size', 'return_indices', 'output_size', 'output_ratio']
    _n = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
        super().__init__()
        n = self._n
        self.kernel_size = _ntuple(kernel_size, n)
        self.return_indices = return_indices
        # fixed samples (a buffer) make the windows the same on every call; None draws new ones each time
        self.register_buffer('_random_samples', _random_samples)
        self.output_size = _ntuple(output_size, n) if output_size is not None else None
        self.output_ratio = _ntuple(output_ratio, n) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f'{type(self).__name__} requires specifying either an output size, or a pooling ratio')
        if output_size is not None and output_ratio is not None:
            raise ValueError('only one of output_size and output_ratio may be specified')
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f'output_ratio must be between 0 and 1 (got {output_ratio})')

    def forward(self, input):
        fn = F.fractional_max_pool2d if self._n == 2 else F.fractional_max_pool3d
        return fn(input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices,
                  _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Max pooling over pseudo-randomly placed windows of (N, C, H, W) input (Graham 2014).

    >>> FractionalMaxPool2d(3, output_ratio=(0.5, 0.5))
    FractionalMaxPool2d()
    """
    _n = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling of (N, C, T, H, W) input.

    Example::

        >>> m = nn.FractionalMaxPool3d(2, output_ratio=0.5)
        >>> m(ember.arange(64.).reshape(1, 1, 4, 4, 4)).shape
        ember.Size([1, 1, 2, 2, 2])
    """
    _n = 3
