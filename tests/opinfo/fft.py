"""Rows for ember/ops/fft.py (torch.fft), against numpy.fft.

Complex inputs are built from two real tensors and complex outputs taken apart with
view_as_real, so gradcheck and gradgradcheck (float64) see real functions of real inputs."""
import numpy as np

import ember
from tests.opinfo import ErrorInput, OpInfo, Sample

F = ember.fft


def _as_real(z):
    return np.stack([z.real, z.imag], -1) if np.iscomplexobj(z) else z


def _real_in(name):
    """The transform of a real input; a complex result is returned as view_as_real."""
    def run(x, *args, **kwargs):
        y = getattr(F, name)(x, *args, **kwargs)
        return ember.view_as_real(y) if y.is_complex() else y

    def ref(x, *args, **kwargs):
        return _as_real(getattr(np.fft, name)(x, *args, **_np_kwargs(kwargs)))
    return run, ref


def _complex_in(name):
    """The transform of re + i im."""
    def run(re, im, *args, **kwargs):
        y = getattr(F, name)(ember.complex(re, im), *args, **kwargs)
        return ember.view_as_real(y) if y.is_complex() else y

    def ref(re, im, *args, **kwargs):
        return _as_real(getattr(np.fft, name)(re + 1j * im, *args, **_np_kwargs(kwargs)))
    return run, ref


def _np_kwargs(kwargs):
    renamed = {'dim': 'axis'}
    out = {renamed.get(k, k): v for k, v in kwargs.items()}
    if 'axis' in out and not isinstance(out['axis'], int):
        out['axes'] = out.pop('axis')
    if out.get('s') is not None and 'axes' not in out:  # PyTorch's default: the last len(s) dims
        out['axes'] = tuple(range(-len(out['s']), 0))
    return out


_ONE_D = [((3, 8), {}), ((2, 5), {'n': 7, 'norm': 'ortho'}), ((4, 6), {'n': 4, 'dim': 0, 'norm': 'forward'})]
_N_D = [((3, 4), {}), ((2, 3, 4), {'s': (2, 6)}), ((3, 4), {'dim': (0,), 'norm': 'ortho'}),
        ((2, 3, 4), {'dim': (0, 2), 'norm': 'forward'})]


def _samples(cases, complex_input):
    def samples(rng):
        out = []
        for shape, kw in cases:
            args = (rng.standard_normal(shape), rng.standard_normal(shape)) if complex_input else \
                (rng.standard_normal(shape),)
            out.append(Sample(*args, **kw))
        return out
    return samples


def _row(name, cases, complex_input, **extra):
    run, ref = (_complex_in if complex_input else _real_in)(name)
    if not complex_input:   # (PyTorch's recorded nodes are of the transform itself)
        extra['called'] = getattr(F, name)
    return OpInfo(f'fft.{name}', run, _samples(cases, complex_input), ref=ref, **extra)



_ERR_NORM = 'Invalid normalization mode: "bad"'

OPS = [
    _row('fft', _ONE_D, True),
    OpInfo('fft.fft_complex_out', F.fft, lambda rng: [Sample(rng.standard_normal((2, 6)), n=4)],
           ref=lambda x, n: np.fft.fft(x, n), grad=False, error_inputs=lambda: [
               ErrorInput(Sample(np.zeros(4), norm='bad'), RuntimeError, _ERR_NORM),
               ErrorInput(Sample(np.zeros(4), n=0), RuntimeError, 'Invalid number of data points (0) specified'),
               ErrorInput(Sample(np.zeros(4), dim=2), IndexError,
                          'Dimension out of range (expected to be in range of [-1, 0], but got 2)')]),
    _row('fft', _ONE_D[:1], False),
    _row('ifft', _ONE_D, True),
    _row('fft2', [((3, 4), {}), ((2, 3, 4), {'s': (2, 6), 'norm': 'ortho'})], True),
    _row('ifft2', [((3, 4), {}), ((2, 3, 4), {'s': (4, 3)})], True),
    _row('fftn', _N_D, True),
    OpInfo('fft.fftn_errors', F.fftn, lambda rng: [Sample(rng.standard_normal((2, 3)))], ref=np.fft.fftn, grad=False,
           error_inputs=lambda: [
        ErrorInput(Sample(np.zeros((3, 4)), s=(2, 3, 4)), RuntimeError,
                   'Got shape with 3 values but input tensor only has 2 dimensions.'),
        ErrorInput(Sample(np.zeros((3, 4)), s=(2, 3), dim=(0,)), RuntimeError,
                   'When given, dim and shape arguments must have the same length')]),
    _row('ifftn', _N_D, True),
    _row('rfft', _ONE_D, False, error_inputs=lambda: [
        ErrorInput(Sample(ember.zeros(4, dtype=ember.complex64)), RuntimeError,
                   'rfft expects a real input tensor, but got ComplexFloat')]),
    _row('rfft2', [((3, 4), {}), ((2, 3, 5), {'s': (2, 6)})], False),
    _row('rfftn', _N_D, False),
    _row('irfft', [((3, 5), {}), ((2, 5), {'n': 9, 'norm': 'ortho'}), ((2, 4), {'n': 4, 'norm': 'forward'})], True),
    _row('irfft2', [((3, 4), {}), ((2, 3, 4), {'s': (4, 7)})], True),
    _row('irfftn', [((3, 4), {}), ((2, 3, 4), {'s': (2, 5)}), ((2, 3, 4), {'dim': (0, 1)})], True),
    _row('hfft', [((3, 5), {}), ((2, 5), {'n': 5, 'norm': 'forward'})], True),
    _row('ihfft', [((3, 6), {}), ((2, 5), {'n': 4, 'norm': 'ortho'})], False, error_inputs=lambda: [
        ErrorInput(Sample(ember.zeros(4, dtype=ember.complex64)), RuntimeError,
                   'ihfft expects a real input tensor, but got ComplexFloat')]),
]


def _hfftn(re, im, s=None, dim=None, norm=None):
    return F.hfftn(ember.complex(re, im), s, dim, norm)


def _np_hfftn(re, im, s=None, dim=None, norm=None):
    # hfftn is the real n-d transform of a Hermitian half-spectrum: n times irfftn of the conjugate
    z = np.conj(re + 1j * im)
    axes = tuple(range(z.ndim)) if dim is None else dim
    if s is not None and dim is None:
        axes = tuple(range(z.ndim - len(s), z.ndim))
    inv = {'backward': 'forward', 'forward': 'backward', 'ortho': 'ortho', None: 'forward'}[norm]
    return np.fft.irfftn(z, s, axes, norm=inv)


def _ihfftn(x, s=None, dim=None, norm=None):
    return ember.view_as_real(F.ihfftn(x, s, dim, norm))


def _np_ihfftn(x, s=None, dim=None, norm=None):
    axes = tuple(range(x.ndim)) if dim is None else dim
    if s is not None and dim is None:
        axes = tuple(range(x.ndim - len(s), x.ndim))
    inv = {'backward': 'forward', 'forward': 'backward', 'ortho': 'ortho', None: 'forward'}[norm]
    return _as_real(np.conj(np.fft.rfftn(x, s, axes, norm=inv)))


def _pair(shape):
    return lambda rng: [Sample(rng.standard_normal(shape), rng.standard_normal(shape)),
                        Sample(rng.standard_normal((2,) + shape), rng.standard_normal((2,) + shape), s=(3, 4),
                               norm='ortho')]


OPS += [
    OpInfo('fft.hfftn', _hfftn, _pair((3, 4)), ref=_np_hfftn),
    OpInfo('fft.hfft2', lambda re, im, **kw: F.hfft2(ember.complex(re, im), **kw), _pair((3, 4)),
           ref=lambda re, im, **kw: _np_hfftn(re, im, dim=(-2, -1), **kw)),
    OpInfo('fft.ihfftn', _ihfftn, lambda rng: [Sample(rng.standard_normal((3, 4))),
                                               Sample(rng.standard_normal((2, 3, 4)), dim=(0, 2), norm='forward')],
           ref=_np_ihfftn, called=F.ihfftn),
    OpInfo('fft.ihfft2', lambda x, **kw: ember.view_as_real(F.ihfft2(x, **kw)),
           lambda rng: [Sample(rng.standard_normal((2, 3, 4)))], ref=lambda x, **kw: _np_ihfftn(x, dim=(-2, -1), **kw),
           called=F.ihfft2),
    OpInfo('fft.fftfreq', F.fftfreq, lambda rng: [Sample(5), Sample(6, 0.25)], ref=np.fft.fftfreq, grad=False,
           dtypes=('float32',)),
    OpInfo('fft.rfftfreq', F.rfftfreq, lambda rng: [Sample(5), Sample(6, 0.25)], ref=np.fft.rfftfreq, grad=False,
           dtypes=('float32',)),
    OpInfo('fft.fftshift', F.fftshift, lambda rng: [Sample(rng.standard_normal((3, 4))),
                                                   Sample(rng.standard_normal((5, 4)), dim=0)],
           ref=lambda x, dim=None: np.fft.fftshift(x, dim)),
    OpInfo('fft.ifftshift', F.ifftshift, lambda rng: [Sample(rng.standard_normal((3, 5))),
                                                     Sample(rng.standard_normal((5, 4)), dim=(0,))],
           ref=lambda x, dim=None: np.fft.ifftshift(x, dim)),
]
