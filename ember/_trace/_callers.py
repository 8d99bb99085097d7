"""Which public op a recorded primitive call came from: ``ember.linalg.pinv`` runs the ``Svd``
primitive, and an exporter that cannot write ``Svd`` names the op the user called, as PyTorch's
exporters name the ATen operator its tracer saw (``aten::linalg_pinv``)."""
import sys

_BY_CODE = None
# the namespace whose spelling names an op exported in several, PyTorch's plain functions first
_ORDER = ('ember', 'Tensor', 'F', 'linalg', 'special', 'fft')


def _by_code():
    """``{code object: (namespace, name)}`` of every registered op function."""
    global _BY_CODE
    if _BY_CODE is None:
        from ember.ops._registry import REGISTRY
        table = {}
        for entry in REGISTRY:
            fn = entry.fn
            while hasattr(fn, '__wrapped__'):       # a guarded op runs its own code inside the guard
                fn = fn.__wrapped__
            code = getattr(fn, '__code__', None)
            namespace = next((ns for ns in _ORDER if entry.exports.get(ns)), None)
            if code is not None and namespace is not None:
                table.setdefault(code, (namespace, entry.exports[namespace][0]))
        _BY_CODE = table
    return _BY_CODE


def public_caller(skip=1):
    """``(namespace, name)`` of the outermost registered op on the stack below the first frame of
    code outside ember (the user's), or None when the user's code ran the primitive itself."""
    table = _by_code()
    frame = sys._getframe(skip)
    found = None
    while frame is not None:
        module = frame.f_globals.get('__name__', '')
        if module != 'ember' and not module.startswith('ember.'):
            break
        hit = table.get(frame.f_code)
        if hit is not None:
            found = hit
        frame = frame.f_back
    return found
