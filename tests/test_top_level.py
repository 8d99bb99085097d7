"""The top level PyTorch scripts reach for first: versions, default device, threads, accelerator,
backend flags, and small Tensor/Size behaviours (each checked against PyTorch 2.13's answers)."""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import ember


# ----------------------------------------------------------------------------------- versions
def test_version_compares_as_a_version_with_strings_and_tuples():
    v = ember.__version__
    assert v.startswith('2.13.0') and isinstance(v, str)
    assert v >= '1.9' and v >= '2.0.0' and v > '2.9'      # plain str comparison says '2.13' < '2.9'
    assert v >= (2, 0) and v < (3,) and not v < (2, 13)
    assert v < '2.14' and v > '2.13.0rc1' and v > '2.13.0a0'
    assert ember.version.__version__ == v and ember.version.api_version == '2.13.0'
    assert ember.version.ember_version == '0.1.0'
    assert ember.version.hip is None and ember.version.debug is False


def test_version_gate_passes_under_ember_run(tmp_path):
    script = tmp_path / 'gate.py'
    script.write_text("import torch\nfrom packaging import version\n"
                      "assert torch.__version__ >= '1.9' and torch.__version__ >= (1, 13)\n"
                      "assert version.parse(torch.__version__) >= version.parse('2.0')\n"
                      "print(torch.__version__.split('+')[0])\n" if _has_packaging() else
                      "import torch\nassert torch.__version__ >= '1.9'\nprint(torch.__version__.split('+')[0])\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run([sys.executable, '-m', 'ember', 'run', str(script)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == '2.13.0\n'


def _has_packaging():
    try:
        import packaging.version  # noqa: F401
        return True
    except ImportError:
        return False


# ------------------------------------------------------------------------------ default device
def test_set_default_device_applies_to_factories_and_not_to_from_numpy():
    assert ember.get_default_device() == ember.device('cpu')
    try:
        ember.set_default_device('cuda')
        assert ember.get_default_device().type == 'cuda'
        assert ember.from_numpy(np.zeros(2)).device.type == 'cpu'  # shares the array's memory
        assert ember.zeros(2, device='cpu').device.type == 'cpu'
        if not ember.cuda.is_available():
            with pytest.raises(AssertionError, match='not compiled with CUDA enabled|NVIDIA driver'):
                ember.zeros(2)
            with pytest.raises(AssertionError):
                ember.tensor([1.0])
    finally:
        ember.set_default_device(None)
    assert ember.zeros(2).device == ember.device('cpu')
    ember.set_default_device(ember.device('cpu'))
    assert ember.randn(2).device == ember.device('cpu')


# ---------------------------------------------------------------------------------- threads
def test_set_num_threads_controls_blas_threads():
    pytest.importorskip('threadpoolctl')
    before = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
    finally:
        ember.set_num_threads(max(before, 1))


@pytest.mark.parametrize('value,message', [(0, 'set_num_threads expects a positive integer'),
                                           (-1, 'set_num_threads expects a positive integer'),
                                           (1.5, 'set_num_threads expects an int, but got float'),
                                           ('a', 'set_num_threads expects an int, but got str')])
def test_set_num_threads_errors_are_pytorchs(value, message):
    with pytest.raises(RuntimeError) as caught:
        ember.set_num_threads(value)
    assert str(caught.value) == message


def test_interop_threads_are_one_and_other_values_warn():
    assert ember.get_num_interop_threads() == 1
    with pytest.raises(RuntimeError, match='^set_num_interop_threads expects a positive integer$'):
        ember.set_num_interop_threads(0)
    import ember._threads as threads
    threads._interop_warned = False
    with pytest.warns(UserWarning, match='no inter-op thread pool'):
        ember.set_num_interop_threads(4)


# ------------------------------------------------------------------------- accelerator, backends
@pytest.mark.skipif(ember.cuda.is_available(), reason='describes a machine without a GPU')
def test_accelerator_without_a_gpu():
    assert ember.accelerator.is_available() is False
    assert ember.accelerator.device_count() == 0
    assert ember.accelerator.current_accelerator(check_available=True) is None
    expected = ember.device('cuda') if ember.backends.cuda.is_built() else None
    assert ember.accelerator.current_accelerator() == expected
    with pytest.raises(RuntimeError, match='^Cannot access accelerator device when none is available.$'):
        ember.accelerator.current_device_index()
    with ember.accelerator.device_index(None):
        pass


def test_backend_flags_keep_pytorchs_defaults_and_refuse_unknown_names():
    m = ember.backends.cuda.matmul
    assert m.allow_tf32 is False and m.allow_fp16_reduced_precision_reduction is True
    m.allow_tf32 = True
    try:
        assert ember.backends.cuda.matmul.allow_tf32 is True
    finally:
        m.allow_tf32 = False
    with pytest.raises(AttributeError, match='Unknown attribute allow_tf64'):
        m.allow_tf64 = True
    assert ember.backends.cuda.flash_sdp_enabled()
    with ember.backends.cuda.sdp_kernel(enable_flash=False):
        assert not ember.backends.cuda.flash_sdp_enabled() and ember.backends.cuda.math_sdp_enabled()
    assert ember.backends.cuda.flash_sdp_enabled()
    assert ember.backends.cpu.get_cpu_capability() in ('DEFAULT', 'AVX2', 'AVX512')
    assert ember.backends.mkldnn.is_available() is False and ember.backends.mps.is_available() is False


# ------------------------------------------------------------------------ Tensor and Size details
def test_size_plus_tuple_is_a_size_both_ways():
    assert repr(ember.Size([2, 3]) + (4,)) == 'ember.Size([2, 3, 4])'
    assert repr((4,) + ember.Size([2, 3])) == 'ember.Size([4, 2, 3])'
    assert type([1] + [2]) is list  # unrelated sequences unaffected


def test_size_plus_an_array_is_numpys_sum_and_plus_a_list_is_refused():
    # PyTorch 2.13: Size([16, 16]) + np.array(1) -> array([17, 17]) (MONAI's crop-centre arithmetic relies on it);
    # + [1] or + 1 -> TypeError "can only concatenate tuple (not list) to torch.Size"
    summed = ember.Size([16, 16]) + np.array(1)
    assert isinstance(summed, np.ndarray) and summed.tolist() == [17, 17]
    assert (ember.Size([16, 16]) + np.array([1, 2])).tolist() == [17, 18]
    for other, name in (([1], 'list'), (1, 'int'), (2.5, 'float')):
        with pytest.raises(TypeError, match=rf'^can only concatenate tuple \(not {name}\) to ember\.Size$'):
            ember.Size([16, 16]) + other


def test_indexing_with_a_range_is_advanced_indexing():
    x = ember.arange(10.0, requires_grad=True)
    y = x[range(2, 5)]
    assert y.tolist() == [2.0, 3.0, 4.0] and y.grad_fn.name() == 'IndexBackward0'
    y.sum().backward()
    assert x.grad.tolist() == [0, 0, 1, 1, 1, 0, 0, 0, 0, 0]
    m = ember.arange(12).reshape(3, 4)
    assert m[range(1, 3), range(0, 2)].tolist() == [4, 9]


def test_device_and_layout_predicates():
    t = ember.ones(1)
    assert t.is_shared() is False
    assert (t.is_cpu, t.is_cuda, t.is_meta, t.is_xpu, t.is_mps, t.is_sparse, t.is_quantized, t.is_mkldnn,
            t.is_nested) == (True, False, False, False, False, False, False, False, False)


# ------------------------------------------------------------------------ grad_fn names as PyTorch's
def test_grad_fn_names_of_indexing_splits_and_linear_match_pytorch():
    """Names recorded from PyTorch 2.13 for the same expressions."""
    x = ember.randn(3, 4, requires_grad=True)
    recorded = {'[1, :]': 'SelectBackward0', '[:, 2]': 'SelectBackward0', '[None, 1]': 'SelectBackward0',
                '[1, None]': 'UnsqueezeBackward0', '[0:3, 1]': 'SelectBackward0', '[1, 0:4]': 'SelectBackward0',
                '[1, 1:3]': 'SliceBackward0', '[..., 1]': 'SelectBackward0', '[1, ...]': 'SelectBackward0',
                '[None]': 'UnsqueezeBackward0', '[:, None]': 'UnsqueezeBackward0', '[:]': 'SliceBackward0',
                '[...]': 'AliasBackward0', '[1:2]': 'SliceBackward0', '[::2, 1]': 'SelectBackward0'}
    for key, name in recorded.items():
        assert eval('x' + key).grad_fn.name() == name, key
    assert [t.grad_fn.name() for t in x.split(2)] == ['SplitBackward0', 'SplitBackward0']
    assert x.chunk(2, 1)[0].grad_fn.name() == 'SplitBackward0'
    assert x.split([1, 2])[0].grad_fn.name() == 'SplitWithSizesBackward0'
    assert x.tensor_split(2)[0].grad_fn.name() == 'SliceBackward0'
    assert {t.grad_fn.name() for t in x.unbind(1)} == {'UnbindBackward0'}
    assert ember.diag_embed(x).grad_fn.name() == 'DiagEmbedBackward0' == ember.diag(x[0]).grad_fn.name()
    lin = ember.nn.Linear(4, 2)
    y = lin(x)
    assert y.grad_fn.name() == 'AddmmBackward0'
    assert [(type(f).__name__, i) for f, i in y.grad_fn.next_functions] == \
        [('AccumulateGrad', 0), ('AccumulateGrad', 0), ('TBackward0', 0)]
    assert y.grad_fn.next_functions[0][0].variable is lin.bias
    assert y.grad_fn.next_functions[2][0].next_functions[0][0].variable is lin.weight
    z = ember.nn.Linear(4, 2, bias=False)(x)
    assert z.grad_fn.name() == 'MmBackward0'
    assert [type(f).__name__ for f, _ in z.grad_fn.next_functions] == ['AccumulateGrad', 'TBackward0']


# ------------------------------------------------------------------------------------------ out=
def test_out_writes_resizes_and_refuses_as_pytorch():
    import warnings as _w
    x = ember.tensor([1.0, -2.0, 3.0])
    out = ember.empty(0)
    assert ember.abs(x, out=out) is out and out.tolist() == [1.0, 2.0, 3.0]
    big = ember.zeros(5)
    with pytest.warns(UserWarning, match=r'was resized since it had shape \[5\], which does not match the required '
                                         r'output shape \[3\]'):
        ember.exp(x, out=big)
    assert big.shape == (3,)
    with pytest.raises(RuntimeError, match="^abs\\(\\): functions with out=... arguments don't support automatic "
                                           "differentiation, but one of the arguments requires grad.$"):
        ember.abs(ember.ones(3, requires_grad=True), out=ember.empty(3))
    keep = ember.full((2,), 7, dtype=ember.int64)
    with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired output type Long$"):
        ember.add(ember.ones(2), ember.ones(2), out=keep)
    assert keep.tolist() == [7, 7]
    values, indices = ember.empty(0), ember.empty(0, dtype=ember.int64)
    r = ember.max(ember.tensor([[1., 3.], [4., 2.]]), 1, out=(values, indices))
    assert r.values is values and r.indices is indices and values.tolist() == [3., 4.] and indices.tolist() == [1, 0]
    with ember.no_grad():
        o = ember.empty(3)
        assert ember.abs(ember.ones(3, requires_grad=True), out=o) is o and not o.requires_grad
    with _w.catch_warnings():
        _w.simplefilter('error')
        m = ember.empty(2, 2)
        assert ember.matmul(ember.eye(2), ember.ones(2, 2), out=m) is m and m.tolist() == [[1, 1], [1, 1]]
        s = ember.empty(())
        assert ember.sum(ember.ones(4), out=s) is s and s.item() == 4


# ------------------------------------------------------------------------ layouts and memory formats
def test_channels_last_strides_match_pytorch():
    """Strides recorded from PyTorch 2.13 for a (2, 3, 4, 5) tensor."""
    x = ember.randn(2, 3, 4, 5, requires_grad=True)
    c = x.contiguous(memory_format=ember.channels_last)
    assert c.stride() == (60, 1, 15, 3) and c.grad_fn.name() == 'CloneBackward0'
    assert not c.is_contiguous() and c.is_contiguous(memory_format=ember.channels_last)
    assert x.to(memory_format=ember.channels_last).stride() == (60, 1, 15, 3)
    assert x.float(memory_format=ember.channels_last).stride() == (60, 1, 15, 3)
    assert c.double().stride() == (60, 1, 15, 3)          # preserve_format keeps it
    assert ember.zeros_like(c).stride() == (60, 1, 15, 3)
    assert ember.empty(2, 3, 4, 5, memory_format=ember.channels_last).stride() == (60, 1, 15, 3)
    assert c.clone().stride() == (60, 1, 15, 3)
    assert c.clone(memory_format=ember.contiguous_format).stride() == (60, 20, 5, 1)
    (c * 2).sum().backward()
    assert x.grad.stride() == (60, 20, 5, 1) and x.grad.sum().item() == 240
    assert repr(ember.strided) == 'ember.strided' and ember.ones(1).layout is ember.strided
    with pytest.raises(RuntimeError, match='required rank 4 tensor to use channels_last format'):
        ember.ones(2, 3).contiguous(memory_format=ember.channels_last)
    with pytest.raises(RuntimeError, match='ember supports only the strided layout'):
        ember.ones(2, layout=ember.sparse_coo)     # (zeros and empty make an empty sparse tensor)
    with pytest.raises(TypeError, match="zeros\\(\\): argument 'layout' must be ember.layout, not str"):
        ember.zeros(2, layout='sparse_coo')
    with pytest.raises(RuntimeError, match='pinned'):
        ember.ones(2, pin_memory=True)


def test_tensor_method_extras():
    x = ember.arange(6.).reshape(2, 3)
    assert (x.nbytes, x.itemsize) == (24, 4)
    assert x.where(x > 2, -1.).tolist() == [[-1, -1, -1], [3, 4, 5]]
    assert ember.zeros(7, 3).fill_diagonal_(5., wrap=True).tolist()[4] == [5, 0, 0]
    y = ember.arange(6.)
    y.resize_(2, 2)
    assert y.tolist() == [[0, 1], [2, 3]]
    w = ember.tensor([1., 2.])
    w.apply_(lambda v: v * 10)
    w.map_(ember.tensor([1., 1.]), lambda a, b: a + b)
    assert w.tolist() == [11., 21.]
    assert [t.item() for t in reversed(ember.tensor([1, 2, 3]))] == [3, 2, 1]
    a = ember.tensor([1, 2])
    a <<= 1
    assert a.tolist() == [2, 4] and (8 >> ember.tensor([1, 2])).tolist() == [4, 2]
    assert x.t().dim_order() == (1, 0) and x.is_pinned() is False
    if not ember.cuda.is_available():
        with pytest.raises(RuntimeError, match='^Cannot access accelerator device when none is available.$'):
            x.pin_memory()
    e = ember.tensor([1., 2., 3.])
    for name in ('eq_', 'ne_', 'lt_', 'le_', 'gt_', 'ge_'):
        assert getattr(e.clone(), name)(2.).tolist() == getattr(e, name[:-1])(2.).float().tolist()
    assert e.clone().cumsum_(0).tolist() == [1., 3., 6.]


def test_parameters_are_honoured_or_refused():
    F = ember.nn.functional
    with pytest.raises(RuntimeError, match='sparse=True'):
        F.embedding_bag(ember.tensor([[0]]), ember.ones(2, 2), sparse=True)
    with pytest.raises(RuntimeError, match='sparse_grad=True'):
        ember.gather(ember.ones(2), 0, ember.tensor([0]), sparse_grad=True)
    with pytest.raises(ValueError, match='^x is not a valid value for compute_mode$'):
        ember.cdist(ember.ones(2, 2), ember.ones(2, 2), compute_mode='x')
    with pytest.raises(RuntimeError, match='^repeat_interleave: Invalid output_size, expected 4 but got 3$'):
        ember.repeat_interleave(ember.tensor([1, 2]), 2, output_size=3)
    assert ember.repeat_interleave(ember.tensor([1, 2]), 2, output_size=4).tolist() == [1, 1, 2, 2]
    out = ember.empty(0)
    assert ember.cat([ember.ones(2), ember.zeros(1)], out=out) is out and out.tolist() == [1, 1, 0]
    out2 = ember.empty(0)
    assert ember.stack([ember.ones(2)], out=out2) is out2 and out2.shape == (1, 2)
    i = ember.empty(0, dtype=ember.int64)
    assert ember.arange(3, out=i) is i and i.tolist() == [0, 1, 2]
    with pytest.raises(RuntimeError, match='strided layout'):
        ember.rand(2, layout=ember.sparse_coo)
    with pytest.raises(TypeError, match=r'rand\(\) received an invalid combination of arguments - got \(int, layout=str\)'):
        ember.rand(2, layout='sparse_coo')
    like = ember.randn_like(ember.ones(2, 3, 4, 5).contiguous(memory_format=ember.channels_last))
    assert like.stride() == (60, 1, 15, 3)


def test_version_is_an_int_snapshot_shared_with_views():
    x = ember.ones(3)
    before = x._version
    x[1:].add_(1)
    assert type(x._version) is int and before == 0 and x._version == 1 and x[1:]._version == 1
    x.mul_(2)
    assert before == 0 and x._version == 2


def test_assert_raises_and_symbolic_trace_records_it():
    # open_clip and timm guard shapes with torch._assert, also inside modules that fx traces
    ember._assert(ember.tensor([True]), 'unused')
    with pytest.raises(AssertionError, match='^need 3$'):
        ember._assert(ember.tensor(False), 'need 3')

    class M(ember.nn.Module):
        def forward(self, x):
            ember._assert(x.shape[1] == 3, 'need 3')
            return x + 1
    gm = ember.fx.symbolic_trace(M())
    assert ember._assert in [n.target for n in gm.graph.nodes]
    assert gm(ember.zeros(2, 3)).sum().item() == 6.
    with pytest.raises(AssertionError, match='^need 3$'):
        gm(ember.zeros(2, 4))


def test_assert_async_checks_a_one_element_tensor_with_pytorchs_errors():
    # kornia's histogram equalisation guards its lookup indices with torch._assert_async
    ember._assert_async(ember.tensor(1.5))
    ember._assert_async(ember.tensor([[True]]), 'unused')
    ember._assert_async(ember.tensor(float('nan')))
    ember._assert_async(input=ember.tensor(2), assert_msg='unused')
    with pytest.raises(RuntimeError, match='^Expected Tensor with single nonzero value, but got zero$'):
        ember._assert_async(ember.tensor(0j))
    with pytest.raises(RuntimeError, match='^indices out of range$'):
        ember._assert_async(ember.tensor([False]), 'indices out of range')
    with pytest.raises(RuntimeError, match='^Boolean value of Tensor with more than one value is ambiguous$'):
        ember._assert_async(ember.tensor([0, 1]), 'not this text')
    with pytest.raises(RuntimeError, match='^Boolean value of Tensor with no values is ambiguous$'):
        ember._assert_async(ember.tensor([]))
    with pytest.raises(TypeError, match=r"^_assert_async\(\): argument 'input' \(position 1\) must be Tensor, not bool$"):
        ember._assert_async(True)
    with pytest.raises(TypeError, match=r"^_assert_async\(\): argument 'assert_msg' \(position 2\) must be str, "
                                        r"not NoneType$"):
        ember._assert_async(ember.tensor(True), None)


def test_is_nonzero_names_an_empty_tensor_as_pytorch_does():
    with pytest.raises(RuntimeError, match='^Boolean value of Tensor with no values is ambiguous$'):
        ember.is_nonzero(ember.tensor([]))
    with pytest.raises(RuntimeError, match='^Boolean value of Tensor with no values is ambiguous$'):
        ember.zeros(0, 3).is_nonzero()
    with pytest.raises(RuntimeError, match='^Boolean value of Tensor with more than one value is ambiguous$'):
        ember.zeros(2).is_nonzero()


def test_matmul_allow_tf32_is_the_float32_matmul_precision():
    # as PyTorch's: the switch reads and sets the precision ('high' on, 'highest' off)
    import ember.backends.cuda
    before = ember.get_float32_matmul_precision()
    try:
        ember.set_float32_matmul_precision('medium')
        assert ember.backends.cuda.matmul.allow_tf32 is True
        ember.backends.cuda.matmul.allow_tf32 = False
        assert ember.get_float32_matmul_precision() == 'highest' and ember.backends.cuda.matmul.allow_tf32 is False
        ember.backends.cuda.matmul.allow_tf32 = True
        assert ember.get_float32_matmul_precision() == 'high'
    finally:
        ember.set_float32_matmul_precision(before)
