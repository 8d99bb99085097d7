"""ember.cuda.sparse's legacy sparse CUDA types on the stand-in."""
import pytest

import ember
from ember.cuda import sparse


def test_legacy_constructors_build_sparse_cuda_tensors():
    with pytest.warns(UserWarning, match='is deprecated'):
        t = sparse.FloatTensor(ember.tensor([[0, 2]]), ember.tensor([1, 3]), (4,))
    assert t.layout == ember.sparse_coo and t.dtype == ember.float32 and t.is_cuda
    assert t.to_dense().cpu().tolist() == [1., 0., 3., 0.]
    assert isinstance(t, sparse.FloatTensor) and not isinstance(t, sparse.DoubleTensor)
    assert not isinstance(t.to_dense(), sparse.FloatTensor)
    with pytest.warns(UserWarning, match='is deprecated'):
        e = sparse.LongTensor(2, 3)
    assert e.shape == (2, 3) and e._nnz() == 0 and e.dtype == ember.int64 and isinstance(e, sparse.LongTensor)
    with pytest.warns(UserWarning, match='is deprecated'):
        inferred = sparse.DoubleTensor(ember.tensor([[1, 3]]), ember.tensor([5., 6.]))
    assert inferred.shape == (4,) and inferred.device == ember.device('cuda:0')
    assert repr(sparse.FloatTensor) == "<class 'ember.cuda.sparse.FloatTensor'>"


def test_graphs_module_offers_make_graphed_callables():
    assert ember.cuda.graphs.make_graphed_callables is ember.cuda.make_graphed_callables


def test_legacy_cuda_storages_hold_cuda_memory():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')   # TypedStorage's deprecation warning
        s = ember.cuda.FloatStorage([1., 2.])
        assert s.device == ember.device('cuda:0') and s.dtype == ember.float32 and s.tolist() == [1., 2.]
        assert isinstance(s, ember.cuda.FloatStorage) and not isinstance(s, ember.cuda.DoubleStorage)
        assert ember.cuda.LongStorage(3).size() == 3
        assert isinstance(ember.ones(2, device='cuda').storage(), ember.cuda.FloatStorage)
        assert not isinstance(ember.ones(2).storage(), ember.cuda.FloatStorage)
        assert ember.cuda.BFloat16Storage.dtype == ember.bfloat16
        assert repr(ember.cuda.ComplexDoubleStorage) == "<class 'ember.cuda.ComplexDoubleStorage'>"
