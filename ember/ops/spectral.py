"""Short-time Fourier transforms (``ember.stft``, ``ember.istft``).

Both are compositions of differentiable ops — frames cut with ``unfold``, a windowed FFT per
frame, and for the inverse an overlap-add with ``index_add`` — so gradients of any order (with
respect to the signal and the window) come from those ops. Argument checks and their messages
follow PyTorch's, which describe the call they reject.
"""
from ember._warn_once import warn_once
from ember.ops._registry import op



def _opt(value):
    return 'None' if value is None else str(int(value)) if isinstance(value, bool) else str(value)


def _window_repr(window):
    return 'None' if window is None else f'{window.type()}{{{list(window.shape)}}}'


def _centered(window, win_length, n_fft, like):
    """The window (ones when not given) zero-padded on both sides to ``n_fft`` points."""
    import ember
    from ember.nn import functional as F
    if window is None:
        if win_length == n_fft:
            return None
        window = ember.ones(win_length, dtype=like.dtype, device=like.device)
    if win_length == n_fft:
        return window
    left = (n_fft - win_length) // 2
    return F.pad(window, (left, n_fft - win_length - left))


@op('ember', 'Tensor')
def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode='reflect',
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    r"""Short-time Fourier transform: the FFT of each windowed frame of the signal.

    ``X[w, m] = sum_k window[k] input[m * hop_length + k] exp(-2j pi w k / n_fft)``.

    Args:
        input (Tensor): the signal, ``(L,)`` or ``(B, L)``, real or complex.
        n_fft (int): size of the Fourier transform.
        hop_length (int, optional): distance between frames. Default: ``n_fft // 4``.
        win_length (int, optional): length of the window, at most ``n_fft``; a shorter window is
            zero-padded on both sides to ``n_fft``. Default: ``n_fft``.
        window (Tensor, optional): 1-D window of ``win_length`` points. Default: all ones.
        center (bool, optional): pad the signal by ``n_fft // 2`` on both sides so that frame ``t``
            is centred at ``t * hop_length``. Default: ``True``.
        pad_mode (str, optional): the padding mode when ``center``. Default: ``"reflect"``.
        normalized (bool, optional): multiply by ``n_fft ** -0.5``. Default: ``False``.
        onesided (bool, optional): return only the ``n_fft // 2 + 1`` non-redundant frequencies;
            default ``True`` for real input and window.
        return_complex (bool, optional): return a complex tensor (``True``) or its real view with a
            last dimension of 2 (``False``, deprecated). Required for real inputs.
        align_to_window (bool, optional): only with ``center=False``: start the first frame at the
            start of the (padded) window rather than at the start of the ``n_fft`` frame.

    Returns:
        Tensor: ``(B?, N, T)`` complex, or ``(B?, N, T, 2)`` real, with ``N`` frequencies and ``T`` frames.

    Example::

        >>> x = ember.arange(8.)
        >>> ember.stft(x, 4, window=ember.ones(4), return_complex=True).shape
        ember.Size([3, 9])
    """
    import ember
    from ember.nn import functional as F
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    signal = input
    if center:
        d = signal.dim()
        padded = F.pad(signal.view([1] * (3 - d) + list(signal.shape)), [n_fft // 2, n_fft // 2], pad_mode)
        signal = padded.view(padded.shape[len(padded.shape) - d:])
    if window is None:
        warn_once("A window was not provided. A rectangular window will be applied,which is known to "
                   "cause spectral leakage. Other windows such as ember.hann_window or ember.hamming_window are "
                   "recommended to reduce spectral leakage.To suppress this warning and use a rectangular window, "
                   "explicitly set `window=ember.ones(n_fft, device=<device>)`.")
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length

    def fail(reason):
        raise RuntimeError(
            f"stft({signal.type()}{list(signal.shape)}, n_fft={n_fft}, hop_length={hop}, win_length={win}, "
            f"window={_window_repr(window)}, normalized={int(normalized)}, onesided={_opt(onesided)}, "
            f"return_complex={_opt(return_complex)}, align_to_window={_opt(align_to_window)}) : {reason}")

    as_complex = return_complex
    if as_complex is None:
        as_complex = signal.is_complex() or (window is not None and window.is_complex())
    if not as_complex:
        if return_complex is None:
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will "
                               "further require that return_complex=True in a future PyTorch release.")
        warn_once("stft with return_complex=False is deprecated. In a future pytorch release, stft "
                   "will return complex tensors for all inputs, and return_complex=False will raise an error.\n"
                   "Note: you can still call ember.view_as_real on the complex output to recover the old return "
                   "format.")
    if not (signal.is_floating_point() or signal.is_complex()):
        fail("expected a tensor of floating point or complex values")
    if signal.dtype.itemsize == 2 and signal.device.type != 'cuda':
        from ember._tensor import _scalar_type_name
        raise RuntimeError(f"MKL FFT doesn't support tensors of type: {_scalar_type_name(signal.dtype)}")
    if signal.dim() not in (1, 2):
        fail("expected a 1D or 2D tensor")
    length = signal.shape[-1]
    if n_fft <= 0 or n_fft > length:
        fail(f"expected 0 < n_fft < {length}, but got n_fft={win}")  # PyTorch reports win_length here
    if hop <= 0:
        fail(f"expected hop_length > 0, but got hop_length={hop}")
    if win <= 0 or win > n_fft:
        fail(f"expected 0 < win_length <= n_fft, but got win_length={win}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        fail(f"expected a 1D window tensor of size equal to win_length={win}, but got window with size "
             f"{list(window.shape)}")
    if not center and align_to_window:
        # the first frame starts where the window starts: frames of win_length points, windowed,
        # then zero-padded to n_fft as the window would be
        frames = signal.unfold(-1, win, hop)
        if window is not None:
            frames = frames * window
        left = (n_fft - win) // 2
        frames = F.pad(frames, (left, n_fft - win - left))
    else:
        frames = signal.unfold(-1, n_fft, hop)
        full_window = _centered(window, win, n_fft, signal)
        if full_window is not None:
            frames = frames * full_window
    complex_fft = frames.is_complex()
    sided = (not complex_fft) if onesided is None else onesided
    norm = 'ortho' if normalized else 'backward'
    if complex_fft:
        if sided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        spectrum = ember.fft.fft(frames, dim=-1, norm=norm)
    elif sided:
        spectrum = ember.fft.rfft(frames, dim=-1, norm=norm)
    else:
        spectrum = ember.fft.fft(frames, dim=-1, norm=norm)
    spectrum = spectrum.transpose(-1, -2)
    return spectrum if as_complex else ember.view_as_real(spectrum)


def _overlap_add(frames, hop, total):
    """Sum frames ``(C, T, n)`` into a signal ``(C, total)``, frame ``t`` starting at ``t * hop``."""
    import ember
    channels, n_frames, n = frames.shape
    starts = ember.arange(n_frames, device=frames.device) * hop
    index = (starts.unsqueeze(1) + ember.arange(n, device=frames.device)).reshape(-1)
    out = ember.zeros((channels, total), dtype=frames.dtype, device=frames.device)
    return out.index_add(1, index, frames.reshape(channels, -1))


@op('ember', 'Tensor')
def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    r"""Inverse short-time Fourier transform: the signal whose :func:`stft` is ``input``, by
    windowed overlap-add of the inverse FFT of each frame, divided by the summed squared window.

    Args:
        input (Tensor): complex STFT, ``(N, T)`` or ``(B, N, T)``, as :func:`stft` returns with
            ``return_complex=True``.
        n_fft (int): size of the Fourier transform.
        hop_length (int, optional): distance between frames. Default: ``n_fft // 4``.
        win_length (int, optional): length of the window. Default: ``n_fft``.
        window (Tensor, optional): the window :func:`stft` used. Default: all ones.
        center (bool, optional): whether :func:`stft` padded the signal. Default: ``True``.
        normalized (bool, optional): whether :func:`stft` normalized. Default: ``False``.
        onesided (bool, optional): whether ``input`` holds only the non-redundant frequencies;
            by default, when it has ``n_fft // 2 + 1`` of them rather than ``n_fft``.
        length (int, optional): the length of the result (trimmed or zero-padded).
        return_complex (bool, optional): return a complex signal. Default: ``False``.

    Returns:
        Tensor: the signal, ``(L,)`` or ``(B, L)``.

    Example::

        >>> x = ember.tensor([1., 2., 3., 4., 5., 6., 7., 8.])
        >>> w = ember.hann_window(4)
        >>> ember.istft(ember.stft(x, 4, window=w, return_complex=True), 4, window=w)
        tensor([1., 2., 3., 4., 5., 6., 7., 8.])
    """
    import ember
    from ember.nn import functional as F
    if window is None:
        warn_once("A window was not provided. A rectangular window will be applied.Please provide "
                   "the same window used by stft to make the inversion lossless.To suppress this warning and use a "
                   "rectangular window, explicitly set `window=ember.ones(n_fft, device=<device>)`.")
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    real_dims = input.dim() + 1  # PyTorch reads the sizes from the real view (..., N, T, 2)
    if real_dims < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-real_dims}, {real_dims - 1}], "
                         f"but got {-1 - real_dims})")
    n_frames, fft_size = input.shape[-1], input.shape[-2]
    total = n_fft + hop * (n_frames - 1)

    def fail(reason, sep=': '):
        raise RuntimeError(
            f"istft(CPU{_type_name(input)}{list(input.shape)}, n_fft={n_fft}, hop_length={hop}, win_length={win}, "
            f"window={_window_repr(window)}, center={int(center)}, normalized={int(normalized)}, "
            f"onesided={_opt(onesided)}, length={_opt(length)}, return_complex={int(return_complex)}) {sep}{reason}")

    if input.numel() == 0:
        fail("input tensor cannot be empty.")
    if real_dims not in (3, 4):
        fail(f"expected a tensor with 3 or 4 dimensions, but got {real_dims}")
    sided = fft_size != n_fft if onesided is None else onesided
    if sided and n_fft // 2 + 1 != fft_size:
        fail("expected the frequency dimension (3rd to the last) of the input tensor to match n_fft / 2 + 1 when "
             f"onesided=True, but got {fft_size}")
    if not sided and n_fft != fft_size:
        fail("expected the frequency dimension (3rd to the last) of the input tensor to match n_fft when "
             f"onesided=False, but got {fft_size}")
    if not 0 < hop <= win:
        fail("expected 0 < hop_length <= win_length")
    if not 0 < win <= n_fft:
        fail("expected 0 < win_length <= n_fft")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        fail("Invalid window shape. window has to be 1D and length of `win_length`")
    real_dtype = input.real.dtype
    full_window = window if window is not None else ember.ones(win, dtype=real_dtype, device=input.device)
    if win != n_fft:
        left = (n_fft - win) // 2
        full_window = F.pad(full_window, (left, n_fft - win - left))
    spectra = input.unsqueeze(0) if input.dim() == 2 else input
    spectra = spectra.transpose(1, 2)  # (channels, frames, frequencies)
    norm = 'ortho' if normalized else 'backward'
    if return_complex:
        if sided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        frames = ember.fft.ifft(spectra, dim=-1, norm=norm)
    else:
        if window is not None and window.is_complex():
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not sided:
            spectra = spectra[..., :n_fft // 2 + 1]
        frames = ember.fft.irfft(spectra, n=n_fft, dim=-1, norm=norm)
    signal = _overlap_add(frames * full_window, hop, total)
    envelope = _overlap_add(full_window.pow(2).expand(1, n_frames, n_fft), hop, total)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (-(n_fft // 2) if center else total)
    signal, envelope = signal[:, start:end], envelope[:, start:end]
    if bool(envelope.abs().min() < 1e-11):
        fail("window overlap add min: 1\n[ CPUBoolType{} ]", sep='')
    signal = signal / envelope
    if input.dim() == 2:
        signal = signal.squeeze(0)
    if end > total:
        warn_once("The length of signal is shorter than the length parameter. Result is being "
                   "padded with zeros in the tail. Please check your center and hop_length settings.")
        signal = F.pad(signal, (0, end - total))
    return signal


def _type_name(tensor):
    """PyTorch's scalar-type name in its istft messages: ``ComplexFloatType`` and the like."""
    return tensor.type().rpartition('.')[2].replace('Tensor', 'Type')
