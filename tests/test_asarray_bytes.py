"""``asarray`` and ``frombuffer`` over raw bytes, as PyTorch reads them: storages and buffer-protocol objects are
viewed (memory shared, bytes read as the asked dtype), never walked element by element as sequences. safetensors
loads every file this way (``torch.asarray(untyped_storage, dtype=torch.uint8)``): an 11-million-parameter U-Net
took two minutes through the sequence path.

The expected values and error texts were read off PyTorch 2.13."""
import array
import warnings

import numpy as np
import pytest

import ember


def _shares(t, storage):
    return t.untyped_storage().data_ptr() == storage.data_ptr()


def test_an_untyped_storage_is_viewed_as_the_asked_dtype():
    s = ember.arange(6, dtype=ember.float32).untyped_storage()
    as_bytes = ember.asarray(s, dtype=ember.uint8, device='cpu')
    assert as_bytes.shape == (24,) and as_bytes.dtype is ember.uint8 and _shares(as_bytes, s)
    floats = ember.asarray(s, dtype=ember.float32)
    assert floats.tolist() == [0., 1., 2., 3., 4., 5.] and _shares(floats, s)
    floats[0] = 7.
    assert ember.asarray(s, dtype=ember.float32)[0].item() == 7.
    assert ember.asarray(s).dtype is ember.int64 and ember.asarray(s).shape == (3,)   # (PyTorch's default here)
    assert ember.asarray(ember.UntypedStorage(5), dtype=ember.int16).shape == (2,)   # (whole elements only)
    assert ember.asarray(ember.UntypedStorage(0), dtype=ember.float32).shape == (0,)
    grad = ember.asarray(s, dtype=ember.float32, requires_grad=True)
    assert grad.requires_grad and grad.is_leaf


def test_a_typed_storage_is_viewed_only_as_its_own_dtype():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')          # (TypedStorage's deprecation)
        floats = ember.arange(4, dtype=ember.float32).storage()
        shorts = ember.arange(4, dtype=ember.int16).storage()
    assert ember.asarray(shorts, dtype=ember.int16).tolist() == [0, 1, 2, 3]
    viewed = ember.asarray(floats)
    assert viewed.tolist() == [0., 1., 2., 3.] and _shares(viewed, floats.untyped())
    with pytest.raises(RuntimeError, match='^Expected a Storage of type Int or an UntypedStorage, but got Float$'):
        ember.asarray(floats, dtype=ember.int32)
    with pytest.raises(RuntimeError, match='^Expected a Storage of type Double or an UntypedStorage, but got Float$'):
        ember.asarray(floats, dtype=ember.float64)


def test_asarray_of_a_storage_or_buffer_with_copy():
    s = ember.arange(2, dtype=ember.float32).untyped_storage()
    with pytest.raises(ValueError, match="^can't alias arbitrary sequence into a tensor.$"):
        ember.asarray(s, dtype=ember.float32, copy=False)
    b = bytearray(b'abcd')
    copied = ember.asarray(b, dtype=ember.uint8, copy=True)
    copied[0] = 65
    assert b == bytearray(b'abcd')


def test_a_buffer_is_read_as_bytes_of_the_dtype():
    b = bytearray(b'abcd')
    shared = ember.asarray(b, dtype=ember.uint8)
    shared[0] = 65
    assert b == bytearray(b'Abcd')
    assert ember.asarray(array.array('f', [1.5, 2.5])).tolist() == [1.5, 2.5]          # (the default dtype)
    assert ember.asarray(array.array('d', [1.5, 2.5])).tolist() == [0., 1.9375, 0., 2.0625]
    assert ember.asarray(array.array('i', [1, 2]), dtype=ember.int32).tolist() == [1, 2]
    assert ember.asarray(memoryview(bytearray(8)).cast('d'), dtype=ember.float64).tolist() == [0.]
    assert ember.asarray(np.float64(2.5)).dtype is ember.float64          # (NumPy scalars stay numbers)
    with pytest.raises(ValueError, match=r'^buffer length \(5 bytes\) after offset \(0 bytes\) must be a multiple '
                                         r'of element size \(2\)$'):
        ember.asarray(bytearray(b'abcde'), dtype=ember.int16)
    with pytest.raises(ValueError, match=r'^both buffer length \(0\) and count \(-1\) must not be 0$'):
        ember.asarray(bytearray(), dtype=ember.uint8)


def test_asarray_refuses_gradients_for_integers_in_the_factories_words():
    for obj in ([1, 2], ember.ones(2, dtype=ember.long), bytearray(b'ab')):
        with pytest.raises(RuntimeError, match='^Only Tensors of floating point and complex dtype can require '
                                               'gradients$'):
            ember.asarray(obj, requires_grad=True) if not isinstance(obj, bytearray) else \
                ember.asarray(obj, dtype=ember.uint8, requires_grad=True)


@pytest.mark.parametrize('kwargs, message', [
    ({'dtype': ember.int16, 'count': 5}, r'requested buffer length \(5 \* 2 bytes\) after offset \(0 bytes\) must '
                                         r'not be greater than actual buffer length \(8 bytes\)'),
    ({'dtype': ember.int16, 'offset': 9}, r'offset \(9 bytes\) must be non-negative and no greater than buffer '
                                          r'length \(8 bytes\) minus 1'),
    ({'dtype': ember.int16, 'offset': 8}, r'offset \(8 bytes\) must be non-negative and no greater than buffer '
                                          r'length \(8 bytes\) minus 1'),
    ({'dtype': ember.int16, 'count': 0}, r'both buffer length \(8\) and count \(0\) must not be 0'),
    ({'dtype': ember.int32, 'offset': 2}, r'buffer length \(6 bytes\) after offset \(2 bytes\) must be a multiple '
                                          r'of element size \(4\)'),
])
def test_frombuffer_errors_are_pytorchs(kwargs, message):
    with pytest.raises(ValueError, match=f'^{message}$'):
        ember.frombuffer(bytearray(8), **kwargs)


def test_frombuffer_reads_counts_and_offsets_and_refuses_what_is_not_a_buffer():
    assert ember.frombuffer(bytearray(8), dtype=ember.int16, count=3, offset=1).tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match='^object does not implement Python buffer protocol.$'):
        ember.frombuffer([1, 2], dtype=ember.int16)


def test_frombuffer_of_read_only_bytes_warns_once():
    from ember import _warn_once
    _warn_once._WARNED.discard(next((m for m in _warn_once._WARNED if m.startswith('The given buffer')), None))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        assert ember.frombuffer(b'ab', dtype=ember.uint8).tolist() == [97, 98]
        ember.frombuffer(b'ab', dtype=ember.uint8)
    texts = [str(w.message) for w in caught]
    assert len(texts) == 1 and texts[0].startswith('The given buffer is not writable, and PyTorch does not support '
                                                   'non-writable tensors.')
    assert texts[0].endswith('This type of warning will be suppressed for the rest of this program.')
