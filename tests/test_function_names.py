"""Functions whose ``__name__`` PyTorch gives differently from the name they are bound under: a program that
prints or keys on ``f.__name__`` (fx node names, registries, logging) sees PyTorch's."""
import pickle

import pytest

import ember
import ember.utils.dlpack

# recorded from PyTorch 2.13: public name -> (the function, its __name__ there)
PYTORCH_NAMES = {
    'spmm': (lambda: ember.spmm, 'spmm'),                   # not sparse mm's name: a function of its own
    'sym_sqrt': (lambda: ember.sym_sqrt, '_sym_sqrt'),
    'symeig': (lambda: ember.symeig, '_symeig'),
    'to_dlpack': (lambda: ember.to_dlpack, '_to_dlpack'),
    'utils.dlpack.to_dlpack': (lambda: ember.utils.dlpack.to_dlpack, '_to_dlpack'),
}


@pytest.mark.parametrize('public', sorted(PYTORCH_NAMES))
def test_name_is_pytorchs_and_the_function_still_pickles(public):
    get, expected = PYTORCH_NAMES[public]
    fn = get()
    assert fn.__name__ == expected
    assert pickle.loads(pickle.dumps(fn)) is fn


def test_renamed_functions_still_work():
    sparse = ember.sparse_coo_tensor([[0, 1], [1, 0]], [1., 2.], (2, 2))
    assert ember.spmm(sparse, ember.ones(2, 1)).tolist() == [[1.], [2.]]
    assert ember.sym_sqrt(4) == 2.0
    assert ember.utils.dlpack.from_dlpack(ember.to_dlpack(ember.arange(3))).tolist() == [0, 1, 2]
    with pytest.raises(RuntimeError, match='removed'):
        ember.symeig(ember.eye(2))


def test_names_match_the_oracle():
    torch = pytest.importorskip('torch')
    import torch.utils.dlpack
    found = {'spmm': torch.spmm, 'sym_sqrt': torch.sym_sqrt, 'symeig': torch.symeig, 'to_dlpack': torch.to_dlpack,
             'utils.dlpack.to_dlpack': torch.utils.dlpack.to_dlpack}
    assert {k: f.__name__ for k, f in found.items()} == {k: v[1] for k, v in PYTORCH_NAMES.items()}
