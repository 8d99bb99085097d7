"""ember.fft as a user meets it: the namespace, complex results and gradients through them. Values
and gradients of every transform are checked from the op table (tests/opinfo/fft.py)."""
import numpy as np

import ember

# dir(torch.fft) in PyTorch 2.13, public functions
TORCH_FFT = ['fft', 'fft2', 'fftfreq', 'fftn', 'fftshift', 'hfft', 'hfft2', 'hfftn', 'ifft', 'ifft2', 'ifftn',
             'ifftshift', 'ihfft', 'ihfft2', 'ihfftn', 'irfft', 'irfft2', 'irfftn', 'rfft', 'rfft2', 'rfftfreq', 'rfftn']


def test_every_torch_fft_name_exists():
    assert [n for n in TORCH_FFT if not hasattr(ember.fft, n)] == []


def test_dtypes_follow_pytorch():
    x = ember.arange(4)
    assert ember.fft.fft(x).dtype is ember.complex64          # integers: the default float's complex
    assert ember.fft.rfft(x.double()).dtype is ember.complex128
    assert ember.fft.irfft(ember.fft.rfft(x.float())).dtype is ember.float32
    assert ember.fft.fftfreq(4).dtype is ember.float32


def test_power_spectrum_gradient_matches_pytorch_recorded():
    # loss = sum |rfft(x)|^2 * w; gradient recorded from PyTorch 2.13 for these inputs
    x = ember.tensor([1.0, -2.0, 0.5, 3.0, 0.0], dtype=ember.float64, requires_grad=True)
    w = ember.tensor([1.0, 0.5, 2.0], dtype=ember.float64)
    loss = (ember.view_as_real(ember.fft.rfft(x)).pow(2).sum(-1) * w).sum()
    loss.backward()
    n = 5
    k = np.arange(3)
    F = np.exp(-2j * np.pi * np.outer(k, np.arange(n)) / n)
    y = F @ x.detach().numpy()
    expected = 2 * np.real(F.conj().T @ (w.numpy() * y))   # d/dx sum w |F x|^2
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), [17.348780407186634, -8.109423525312735, 5.0, 18.109423525312735,
                                               -7.348780407186631], rtol=1e-12)


def test_complex_parts_roundtrip():
    re = ember.tensor([1.0, 2.0], requires_grad=True)
    im = ember.tensor([3.0, -1.0], requires_grad=True)
    z = ember.complex(re, im)
    assert z.real.tolist() == [1.0, 2.0] and z.imag.tolist() == [3.0, -1.0]
    assert z.conj().imag.tolist() == [-3.0, 1.0]
    (z.abs() ** 2).sum().backward()      # |z|^2: gradient 2 re, 2 im
    assert re.grad.tolist() == [2.0, 4.0] and im.grad.tolist() == [6.0, -2.0]


def _graph(t):
    """The node names under ``t`` (depth first; None for an input without a gradient), as PyTorch prints them."""
    def walk(fn):
        if fn is None:
            return [None]
        return [fn.name().replace('ember::', 'torch::')] + [n for f, _ in fn.next_functions for n in walk(f)]
    return walk(t.grad_fn)


def test_graphs_are_pytorchs():
    # recorded from PyTorch 2.13: trimming is a slice, zero-padding one constant_pad_nd over every dim, a real
    # signal's fft/ifft a whole-spectrum r2c, fft2/fftn/irfft of a real input a copy to complex first, and
    # ihfftn/hfftn split into a transform of the last dim and one of the others, with a conjugation between
    x = ember.ones(2, 3, 5, dtype=ember.float64, requires_grad=True)
    leaf = 'torch::autograd::AccumulateGrad'
    y = ember.fft.rfft2(x, s=[2, 6])
    assert _graph(y) == ['FftR2CBackward0', 'ConstantPadNdBackward0', 'SliceBackward0', leaf]
    assert y.grad_fn.next_functions[0][0]._saved_pad == (0, 1, 0, 0, 0, 0)
    assert y.grad_fn._saved_self.shape == (2, 2, 6) and y.grad_fn._saved_onesided is True
    y = ember.fft.fft(x, n=7)
    assert _graph(y) == ['FftR2CBackward0', 'ConstantPadNdBackward0', leaf]
    assert y.grad_fn._saved_onesided is False and y.grad_fn._saved_normalization == 0
    assert _graph(ember.fft.ifft(x)) == ['ConjBackward0', 'FftR2CBackward0', leaf]
    assert _graph(ember.fft.fft2(x)) == ['FftC2CBackward0', 'ToCopyBackward0', leaf]
    assert _graph(ember.fft.irfft(x)) == ['FftC2RBackward0', 'ToCopyBackward0', leaf]
    y = ember.fft.ihfftn(x)
    assert _graph(y) == ['FftC2CBackward0', 'ConjPhysicalBackward0', 'FftR2CBackward0', leaf]
    assert (y.grad_fn._saved_dim, y.grad_fn._saved_forward, y.grad_fn._saved_normalization) == ((0, 1), False, 2)
    assert _graph(ember.fft.hfftn(x)) == ['FftC2RBackward0', 'ConjBackward0', 'FftC2CBackward0', 'ToCopyBackward0',
                                          leaf]


def test_gradients_of_real_inputs_through_complex_copies_do_not_warn():
    import warnings
    x = ember.ones(3, 4, dtype=ember.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        ember.fft.fft2(x).abs().sum().backward()
    assert x.grad.dtype is ember.float64
