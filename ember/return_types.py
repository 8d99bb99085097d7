"""ember.return_types: the named tuples ops return (``torch.return_types``).

``ember.max(x, 0)`` returns an ``ember.return_types.max``; each op's result type is one class, made
once, so ``isinstance(result, ember.return_types.max)`` holds for every call. The ``<name>_out``
names are the same classes (what a call with ``out=`` returns).

>>> r = ember.max(ember.tensor([[1., 5.], [7., 2.]]), 1)
>>> isinstance(r, ember.return_types.max), r.values
(True, tensor([5., 7.]))
"""
from ember.ops.reduce import _named

_FIELDS = {
    'aminmax': ('min', 'max'), 'cummax': ('values', 'indices'), 'cummin': ('values', 'indices'),
    'frexp': ('mantissa', 'exponent'), 'geqrf': ('a', 'tau'), 'histogram': ('hist', 'bin_edges'),
    'histogramdd': ('hist', 'bin_edges'), 'kthvalue': ('values', 'indices'),
    'linalg_cholesky_ex': ('L', 'info'), 'linalg_eig': ('eigenvalues', 'eigenvectors'),
    'linalg_eigh': ('eigenvalues', 'eigenvectors'), 'linalg_inv_ex': ('inverse', 'info'),
    'linalg_ldl_factor': ('LD', 'pivots'), 'linalg_ldl_factor_ex': ('LD', 'pivots', 'info'),
    'linalg_lstsq': ('solution', 'residuals', 'rank', 'singular_values'), 'linalg_lu': ('P', 'L', 'U'),
    'linalg_lu_factor': ('LU', 'pivots'), 'linalg_lu_factor_ex': ('LU', 'pivots', 'info'),
    'linalg_qr': ('Q', 'R'), 'linalg_slogdet': ('sign', 'logabsdet'), 'linalg_solve_ex': ('result', 'info'),
    'linalg_svd': ('U', 'S', 'Vh'), 'lu_unpack': ('P', 'L', 'U'), 'max': ('values', 'indices'),
    'median': ('values', 'indices'), 'min': ('values', 'indices'), 'mode': ('values', 'indices'),
    'nanmedian': ('values', 'indices'), 'qr': ('Q', 'R'), 'slogdet': ('sign', 'logabsdet'),
    'sort': ('values', 'indices'), 'svd': ('U', 'S', 'V'), 'topk': ('values', 'indices'),
    'triangular_solve': ('solution', 'cloned_coefficient'),
}

all_return_types = []
for _name, _fields in _FIELDS.items():
    _cls = _named(_name, _fields)
    if _cls._fields != _fields:
        raise RuntimeError(f"return type {_name} was made with fields {_cls._fields}, expected {_fields}")
    globals()[_name] = globals()[_name + '_out'] = _cls
    all_return_types.append(_cls)

__all__ = list(_FIELDS) + [n + '_out' for n in _FIELDS if n != 'histogramdd'] + ['all_return_types']
del _name, _fields, _cls
