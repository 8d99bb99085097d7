"""safetensors files (``pip install 'ember[safetensors]'``): flat name -> tensor maps, no pickle at all.

Through the ``safetensors`` package's NumPy API, so files interoperate with every framework that
reads the format. Views are written as compact copies (the format has no shared storage).
"""
from ember import backend
from ember._dtype import HAS_BFLOAT16, _load_bfloat16
from ember._device import as_device
from ember._tensor import Tensor


def _require():
    try:
        import safetensors.numpy as st
    except ImportError:
        raise ImportError("safetensors support needs the 'safetensors' package: "
                          "pip install 'ember[safetensors]' (or pip install safetensors)") from None
    return st


def save_safetensors(tensors, filename, metadata=None):
    """Write a ``{name: Tensor}`` dict (e.g. ``model.state_dict()``) to a .safetensors file.

    >>> import ember, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), 'w.safetensors')
    >>> save_safetensors({'w': ember.ones(2)}, path)
    >>> load_safetensors(path)
    {'w': tensor([1., 1.])}
    """
    st = _require()
    arrays = {}
    for name, t in tensors.items():
        if not isinstance(t, Tensor):
            raise TypeError(f"save_safetensors expects a dict of tensors, but {name!r} is a "
                            f"{type(t).__name__}")
        import numpy as np
        arrays[name] = np.ascontiguousarray(backend.to_numpy(t.detach()._data))
    st.save_file(arrays, str(filename), metadata=metadata)


def load_safetensors(filename, device='cpu'):
    """Read a .safetensors file into a ``{name: Tensor}`` dict on ``device``."""
    st = _require()
    dev = as_device(device)
    try:
        arrays = st.load_file(str(filename))
    except TypeError as e:
        # NumPy knows bfloat16 only once ml_dtypes is imported (ember imports it when first needed)
        if 'bfloat16' not in str(e):
            raise
        if HAS_BFLOAT16:
            _load_bfloat16()
            return load_safetensors(filename, device)
        raise RuntimeError(f"{filename} holds bfloat16 tensors, which need the ml_dtypes package: "
                           "pip install 'ember[bf16]' (or pip install ml_dtypes)") from None
    return {name: Tensor._make(arr if dev.type == 'cpu' else backend.move(arr, dev), dev)
            for name, arr in arrays.items()}
