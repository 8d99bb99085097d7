"""HistogramObserver: a running histogram of the values seen, and a scale and zero point chosen to minimise
the L2 error of quantizing that histogram (clipping outliers), computed as PyTorch's observer computes
them: the same ops in the same float32 arithmetic."""
import warnings

import numpy as np

import ember
from ember.quantized import _dtypes
from ember.ao.quantization.observer import UniformQuantizationObserverBase, _EPS, _PER_TENSOR

__all__ = ['HistogramObserver']


class HistogramObserver(UniformQuantizationObserverBase):
    """Keeps a histogram (``bins`` bins) of the values it sees, widening it as the range grows, and picks the
    range to quantize by searching for the one whose quantization error (L2, over the histogram) is least.

    Args:
        bins: the number of histogram bins.
        dtype, qscheme, reduce_range, quant_min, quant_max, eps: as for :class:`MinMaxObserver`.

    Example::

        >>> obs = ember.ao.quantization.HistogramObserver(bins=64)
        >>> _ = obs(ember.linspace(-1, 1, 101))
        >>> obs.calculate_qparams()
        (tensor([0.0077]), tensor([130], dtype=ember.int32))
    """

    def __init__(self, bins=2048, dtype=_dtypes.quint8, qscheme=_dtypes.per_tensor_affine, reduce_range=False,
                 quant_min=None, quant_max=None, factory_kwargs=None, eps=_EPS, is_dynamic=False, **kwargs):
        if getattr(qscheme, 'name', None) not in _PER_TENSOR:
            raise NotImplementedError("HistogramObserver's qscheme only support torch.per_tensor_symmetric         "
                                      "            and torch.per_tensor_affine.")
        if is_dynamic:
            raise NotImplementedError("HistogramObserver doesn't support dynamic quantization")
        super().__init__(dtype=dtype, qscheme=qscheme, reduce_range=reduce_range, quant_min=quant_min,
                         quant_max=quant_max, factory_kwargs=factory_kwargs, eps=eps, is_dynamic=is_dynamic, **kwargs)
        self.bins = bins
        self.register_buffer('histogram', ember.zeros(self.bins))
        self.register_buffer('min_val', ember.tensor(float('inf')))
        self.register_buffer('max_val', ember.tensor(float('-inf')))
        self.dst_nbins = 2 ** (dtype.bits if isinstance(dtype, _dtypes._QuantizedDtype) else ember.iinfo(dtype).bits)
        self.upsample_rate = 16     # upscaling a histogram splits each bin into this many before re-binning

    @staticmethod
    def _get_norm(delta_begin, delta_end, density):
        # density * integral of x^2 from delta_begin to delta_end
        return density * ((delta_end * delta_end * delta_end - delta_begin * delta_begin * delta_begin) / 3)

    def _compute_quantization_error(self, next_start_bin, next_end_bin):
        """The L2 error of quantizing the histogram with the range of bins ``next_start_bin..next_end_bin``."""
        bin_width = (self.max_val.item() - self.min_val.item()) / self.bins
        dst_bin_width = bin_width * (next_end_bin - next_start_bin + 1) / self.dst_nbins
        if dst_bin_width == 0.0:
            return 0.0
        src_bin = ember.arange(self.bins)
        src_bin_begin = (src_bin - next_start_bin) * bin_width
        src_bin_end = src_bin_begin + bin_width
        dst_bin_of_begin = ember.clamp(ember.div(src_bin_begin, dst_bin_width, rounding_mode='floor'), 0,
                                       self.dst_nbins - 1)
        dst_bin_of_begin_center = (dst_bin_of_begin + 0.5) * dst_bin_width
        dst_bin_of_end = ember.clamp(ember.div(src_bin_end, dst_bin_width, rounding_mode='floor'), 0,
                                     self.dst_nbins - 1)
        density = self.histogram / bin_width
        norm = ember.zeros(self.bins)
        delta_begin = src_bin_begin - dst_bin_of_begin_center
        norm += self._get_norm(delta_begin, ember.ones(self.bins) * (dst_bin_width / 2), density)
        norm += (dst_bin_of_end - dst_bin_of_begin - 1) * self._get_norm(
            ember.tensor(-dst_bin_width / 2), ember.tensor(dst_bin_width / 2), density)
        dst_bin_of_end_center = dst_bin_of_end * dst_bin_width + dst_bin_width / 2
        norm += self._get_norm(ember.tensor(-dst_bin_width / 2), src_bin_end - dst_bin_of_end_center, density)
        return norm.sum().item()

    def _non_linear_param_search(self):
        """The (min, max) whose quantization error is least: bins are dropped from the emptier end, one
        1e-5 quantile step at a time, while the error keeps falling."""
        if self.histogram.size()[0] != self.bins:
            raise AssertionError("bins mismatch")
        bin_width = (self.max_val - self.min_val) / self.bins
        total = ember.sum(self.histogram).item()
        # the cumulative counts as float32 numbers, compared with float32 thresholds (a tensor against a
        # Python number compares in the tensor's dtype)
        c_sum = ember.cumsum(self.histogram, dim=0).numpy()
        stepsize = 1e-5
        alpha, beta = 0.0, 1.0
        start_bin, end_bin = 0, self.bins - 1
        norm_min = float('inf')
        f32 = np.float32
        while alpha < beta:
            next_alpha, next_beta = alpha + stepsize, beta - stepsize
            low, high = start_bin, end_bin
            while low < end_bin and c_sum[low] < f32(next_alpha * total):
                low += 1
            while high > start_bin and c_sum[high] > f32(next_beta * total):
                high -= 1
            next_start_bin, next_end_bin = start_bin, end_bin
            if (low - start_bin) > (end_bin - high):
                next_start_bin = low
                alpha = next_alpha
            else:
                next_end_bin = high
                beta = next_beta
            if next_start_bin == start_bin and next_end_bin == end_bin:
                continue
            norm = self._compute_quantization_error(next_start_bin, next_end_bin)
            if norm > norm_min:
                break
            norm_min = norm
            start_bin, end_bin = next_start_bin, next_end_bin
        return self.min_val + bin_width * start_bin, self.min_val + bin_width * (end_bin + 1)

    def _upscale_histogram(self, histogram, orig_min, orig_max, update_min, update_max):
        # each bin split evenly into upsample_rate pieces, each piece moved to the new bin its middle falls in
        histogram = histogram.repeat_interleave(self.upsample_rate) / self.upsample_rate
        bin_size = (orig_max - orig_min) / (self.bins * self.upsample_rate)
        mid_points = ember.linspace(orig_min, orig_max, self.bins * self.upsample_rate + 1)[:-1] + 0.5 * bin_size
        boundaries = ember.linspace(update_min, update_max, self.bins + 1)
        buckets = ember.bucketize(mid_points, boundaries, right=True) - 1
        buckets[buckets >= self.bins] = self.bins - 1
        buckets[buckets < 0] = 0
        return ember.bincount(buckets, weights=histogram, minlength=self.bins)

    def _combine_histograms(self, orig_hist, orig_min, orig_max, update_hist, update_min, update_max):
        if update_min == orig_min and update_max == orig_max:
            return orig_hist + update_hist
        if orig_min == orig_max:
            bin_value = ember.sum(orig_hist)
            transformed = ember.histc(orig_min, bins=self.bins, min=update_min, max=update_max) * bin_value
            return transformed + update_hist
        if update_min > orig_min:
            raise AssertionError("update_min must be <= orig_min")
        if update_max < orig_max:
            raise AssertionError("update_max must be >= orig_max")
        return update_hist + self._upscale_histogram(orig_hist, orig_min, orig_max, update_min, update_max)

    def reset_histogram(self, x, min_val, max_val):
        """Starts the histogram afresh from ``x`` over ``[min_val, max_val]``."""
        self.min_val.resize_(min_val.shape)
        self.min_val.copy_(min_val)
        self.max_val.resize_(max_val.shape)
        self.max_val.copy_(max_val)
        if min_val.numel() != 1 or max_val.numel() != 1:
            raise AssertionError("histogram min/max values must be scalar.")
        new_histogram = ember.histc(x, self.bins, min=min_val.item(), max=max_val.item())
        self.histogram.detach_().resize_(new_histogram.shape)
        self.histogram.copy_(new_histogram)

    def forward(self, x_orig):
        """Adds ``x_orig``'s values to the histogram (widening its range when they fall outside); returns it."""
        if x_orig.numel() == 0:
            return x_orig
        x = x_orig.detach()
        x_min, x_max = ember.aminmax(x)
        if x_min == -float('inf') or x_max == float('inf'):
            warnings.warn("torch.inf detected in input tensor, ignoring input", stacklevel=2)
            x = x[x.abs() != float('inf')]
            if x.numel() == 0:
                return x_orig
            x_min, x_max = ember.aminmax(x)
        current_min, current_max = self.min_val, self.max_val
        if self.min_val == float('inf') or self.max_val == float('-inf'):
            self.reset_histogram(x, x_min, x_max)
            return x_orig
        new_min = ember.min(current_min, x_min).detach()
        new_max = ember.max(current_max, x_max).detach()
        update_histogram = ember.histc(x, self.bins, min=new_min.item(), max=new_max.item())
        if new_min == current_min and new_max == current_max:
            combined = self.histogram + update_histogram
            self.histogram.detach_().resize_(combined.shape)
            self.histogram.copy_(combined)
        else:
            combined = self._combine_histograms(self.histogram, current_min, current_max, update_histogram,
                                                new_min, new_max)
            self.histogram.detach_().resize_(combined.shape)
            self.histogram.copy_(combined)
            self.min_val.detach_().resize_(new_min.shape)
            self.min_val.copy_(new_min)
            self.max_val.detach_().resize_(new_max.shape)
            self.max_val.copy_(new_max)
        return x_orig

    def calculate_qparams(self):
        """The scale and zero point for the range the search picks."""
        if self.min_val == float('inf') and self.max_val == float('-inf'):
            warnings.warn("must run observer before calling calculate_qparams.                                    "
                          "Returning default scale and zero point ", stacklevel=2)
            return ember.tensor([1.0]), ember.tensor([0])
        if self.bins != len(self.histogram):
            raise AssertionError("The number of bins in histogram should be equal to the number of bins "
                                 "supplied while making this observer")
        new_min, new_max = self._non_linear_param_search()
        return self._calculate_qparams(new_min, new_max)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + 'min_val'] = self.min_val
        destination[prefix + 'max_val'] = self.max_val

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"
