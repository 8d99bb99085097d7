"""A logging TorchDispatchMode sees the ATen calls PyTorch's mode sees (recorded in
tests/fixtures/dispatch_sequences.json by scripts/record_dispatch_sequences.py): composites such as
F.linear arrive as their parts."""
import contextlib
import json
import os
import sys

import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.utils._python_dispatch import TorchDispatchMode

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'scripts'))
from record_dispatch_sequences import TRAINING, record, record_training  # noqa: E402

with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'dispatch_sequences.json')) as f:
    _DATA = json.load(f)
RECORDED, RECORDED_TRAINING = _DATA['cases'], _DATA['training']

# the cases whose forward ember's modes see as PyTorch's do: all but the GRU (its cell is handed over
# whole), as docs/guide/differences.rst says
FORWARD_MATCHES = [name for name in RECORDED if name != 'gru']


@pytest.mark.parametrize('name', FORWARD_MATCHES)
def test_forward_sequence_is_pytorchs(name):
    assert record(ember, F, nn, TorchDispatchMode, [name])[name]['forward'] == RECORDED[name]['forward']


# the cases whose backward (the sum, then loss.backward() in a second mode) is PyTorch's too
BACKWARD_MATCHES = [name for name in RECORDED if 'backward' in RECORDED[name]]


@pytest.mark.parametrize('name', BACKWARD_MATCHES)
def test_backward_sequence_is_pytorchs(name):
    assert record(ember, F, nn, TorchDispatchMode, [name])[name]['backward'] == RECORDED[name]['backward']


@pytest.mark.parametrize('name', list(TRAINING))
def test_training_step_sequences_and_flops_are_pytorchs(name):
    from ember.utils.flop_counter import FlopCounterMode
    got = record_training(ember, F, nn, TorchDispatchMode, FlopCounterMode, [name])[name]
    assert got['forward'] == RECORDED_TRAINING[name]['forward']
    assert got['backward'] == RECORDED_TRAINING[name]['backward']
    assert got['flops'] == RECORDED_TRAINING[name]['flops']


@pytest.mark.parametrize('name', list(TRAINING))
def test_backward_under_a_mode_gives_the_gradients_and_statistics_of_a_plain_one(name):
    setup, expr = TRAINING[name]

    def step(mode):
        scope = {'torch': ember, 'F': F, 'nn': nn}
        exec(setup, scope)
        with mode:
            loss = eval(expr, scope)
            loss.backward()
        modules = [v for v in scope.values() if isinstance(v, nn.Module)]
        grads = [p.grad for m in modules for p in m.parameters()]
        grads += [t.grad for t in scope.values() if isinstance(t, ember.Tensor) and t.requires_grad]
        return loss.detach(), grads, [b.clone() for m in modules for b in m.buffers()]

    (loss, grads, buffers), (loss_m, grads_m, buffers_m) = step(contextlib.nullcontext()), step(_Passthrough())
    # (einsum's batched products round differently from ember's einsum: the loss may differ in its last bits)
    assert ember.allclose(loss, loss_m) and len(grads) == len(grads_m) and len(buffers) == len(buffers_m)
    for a, b in zip(grads, grads_m):      # (PyTorch's formulas round a few last bits differently from ember's)
        assert a is not None and b is not None and ember.allclose(a, b, rtol=1e-5, atol=1e-6)
    assert all(ember.equal(a, b) for a, b in zip(buffers, buffers_m))      # batch norm's statistics updated once


def test_a_graph_made_outside_the_mode_runs_embers_own_backward_under_it():
    x = ember.randn(3, 4, requires_grad=True)
    loss = F.relu(x).sum()
    seen = []

    class Log(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            seen.append(str(func))
            return func(*args, **(kwargs or {}))

    with Log():
        loss.backward()
    assert 'aten.threshold_backward.default' not in seen and ember.equal(x.grad, (x > 0).float())


def test_create_graph_under_a_mode_keeps_second_derivatives():
    x = ember.randn(4, dtype=ember.float64, requires_grad=True)
    with _Passthrough():
        (g,) = ember.autograd.grad(F.gelu(x).sum(), x, create_graph=True)
        (gg,) = ember.autograd.grad(g.sum(), x)
    (g_plain,) = ember.autograd.grad(F.gelu(x).sum(), x, create_graph=True)
    (gg_plain,) = ember.autograd.grad(g_plain.sum(), x)
    assert ember.allclose(g, g_plain) and ember.allclose(gg, gg_plain)


def test_the_backward_observer_leaves_with_the_last_mode():
    from ember.autograd import _op_observers, engine
    from ember.utils import _dispatch_backward
    with _Passthrough():
        with _Passthrough():
            pass
        assert _dispatch_backward._OBSERVER in _op_observers.observers() and engine.dispatch_steps is not None
    assert _dispatch_backward._OBSERVER not in _op_observers.observers() and engine.dispatch_steps is None


def test_decomposed_linear_gives_the_same_values_and_gradients():
    x = ember.randn(2, 3, 4, requires_grad=True)
    lin = nn.Linear(4, 5)
    plain = lin(x)
    (gx,) = ember.autograd.grad(plain.sum(), x)

    class Passthrough(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            return func(*args, **(kwargs or {}))

    with Passthrough():
        under_mode = lin(x)
    (gx_mode,) = ember.autograd.grad(under_mode.sum(), x)
    assert ember.equal(plain, under_mode)
    assert ember.equal(gx, gx_mode)


class _Passthrough(TorchDispatchMode):
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))


_x, _v, _img, _w, _b = ember.randn(3, 4), ember.randn(4), ember.randn(2, 2, 5, 5), ember.randn(3, 2, 3, 3), ember.randn(3)
_NOT_CONTIGUOUS = ember.randn(4, 3).t()
_w1, _w3 = ember.randn(2, 3, 2), ember.randn(3, 2, 2, 2, 2)
_gw, _gb = ember.randn(2), ember.randn(2)
_k, _img0 = ember.randn(5, 3), _img[0].clone()
_wt1, _wt2 = ember.randn(3, 2, 2), ember.randn(2, 3, 3, 3)
_t = ember.tensor([0, 3, 1])


def _set(x, key, value):
    x[key] = value
    return x


DECOMPOSED_CALLS = {
    'softmax': lambda: F.softmax(_x, -1), 'log_softmax': lambda: F.log_softmax(_x, 1),
    'matmul_2d': lambda: _x @ _x.t(), 'matmul_1d': lambda: _v @ _v, 'matmul_mv': lambda: _x @ _v,
    'matmul_batched': lambda: _img @ _img, 'matmul_4d_2d': lambda: _img @ _k,
    'matmul_3d_1d': lambda: ember.ones(2, 3, 4) @ _v, 'matmul_broadcast': lambda: _img @ _img0,
    'matmul_not_contiguous': lambda: _img.transpose(2, 3) @ _img, 'flatten': lambda: ember.flatten(_img, 1),
    'matmul_batched_copy': lambda: _img.transpose(0, 2) @ _img.transpose(0, 2).transpose(2, 3),
    'flatten_all': lambda: _img.flatten(), 'flatten_module': lambda: nn.Flatten()(_img),
    'reshape': lambda: _x.reshape(4, 3), 'reshape_copy': lambda: _NOT_CONTIGUOUS.reshape(12),
    'conv2d': lambda: F.conv2d(_img, _w, _b, stride=2, padding=1), 'conv2d_same': lambda: F.conv2d(_img, _w, padding='same'),
    'conv1d': lambda: F.conv1d(_x.unsqueeze(0), _w1, stride=2, dilation=1),
    'conv3d': lambda: F.conv3d(_img.unsqueeze(0), _w3, padding=1),
    'conv_transpose2d': lambda: F.conv_transpose2d(_img, _wt2, _b, stride=2, padding=1, output_padding=1),
    'conv_transpose1d': lambda: F.conv_transpose1d(_x.unsqueeze(0), _wt1),
    'layer_norm': lambda: F.layer_norm(_x, (4,)), 'layer_norm_affine': lambda: F.layer_norm(_x, (4,), _v, _v + 1),
    'group_norm': lambda: F.group_norm(_img, 2), 'group_norm_affine': lambda: F.group_norm(_img, 1, _gw, _gb),
    'dropout_eval': lambda: F.dropout(_x, 0.5, training=False), 'max_pool2d': lambda: F.max_pool2d(_img, 2),
    'max_pool2d_padded': lambda: F.max_pool2d(_img, 3, stride=1, padding=1),
    'adaptive_avg_pool2d_1': lambda: F.adaptive_avg_pool2d(_img, 1),
    'adaptive_avg_pool2d_2': lambda: F.adaptive_avg_pool2d(_img, (2, 2)),
    'cross_entropy': lambda: F.cross_entropy(_x, _t),
    'cross_entropy_none': lambda: F.cross_entropy(_x, _t, reduction='none'),
    'cross_entropy_weight': lambda: F.cross_entropy(_x, _t, weight=_v.abs(), ignore_index=1),
    'nll_loss': lambda: F.nll_loss(_x, _t, reduction='sum'),
    'cross_entropy_smoothing': lambda: F.cross_entropy(_x, ember.tensor([0, -100, 2]), label_smoothing=0.3),
    'cross_entropy_probabilities': lambda: F.cross_entropy(_x, F.softmax(_x.flip(0), 1), reduction='sum'),
    'sdpa': lambda: F.scaled_dot_product_attention(_img, _img, _img),
    'sdpa_causal': lambda: F.scaled_dot_product_attention(_img, _img, _img, is_causal=True, scale=0.3),
    'sdpa_mask': lambda: F.scaled_dot_product_attention(_img, _img, _img, attn_mask=_img[0, 0]),
    'sdpa_bool_mask': lambda: F.scaled_dot_product_attention(_img, _img, _img, attn_mask=_img[0, 0] > 0),
    'interpolate_nearest': lambda: F.interpolate(_img, scale_factor=1.5),
    'interpolate_bilinear': lambda: F.interpolate(_img, scale_factor=1.7, mode='bilinear'),
    'interpolate_bicubic_size': lambda: F.interpolate(_img, size=(7, 3), mode='bicubic', align_corners=True),
    'interpolate_area': lambda: F.interpolate(_img, size=(2, 3), mode='area'),
    'index_basic': lambda: _img[1, :, 1:4:2, None, ...], 'index_whole': lambda: _x[:],
    'index_tensors': lambda: _img[:, ember.tensor([1, 0]), 1:, ember.tensor([0, 4])],
    'index_mask': lambda: _x[_x > 0], 'index_list': lambda: _x[[2, 0]],
    'setitem': lambda: _set(_img.clone(), (1, slice(None), 2), 7.0),
    'setitem_mask': lambda: _set(_x.clone(), _x > 0, _v[0]),
    'setitem_broadcast': lambda: _set(_img.clone(), (slice(None), 0), ember.ones(1, 5)),
    'setitem_tensor': lambda: _set(_x.clone(), ember.tensor([2, 0]), ember.ones(2, 4)),
    'index_put_accumulate': lambda: _x.clone().index_put_((ember.tensor([0, 0]),), ember.ones(2, 4), accumulate=True),
}


_a3, _b3 = ember.randn(2, 3, 4), ember.randn(2, 4, 5)
EINSUM_CALLS = {
    'mm': lambda: ember.einsum('ij,jk->ik', _x.t(), _x), 'batched': lambda: ember.einsum('bij,bjk->bik', _a3, _b3),
    'implicit_ellipsis': lambda: ember.einsum('...ij,...jk', _a3, _b3),
    'attention': lambda: ember.einsum('bhqd,bhkd->bhqk', _img, _img),
    'diagonal': lambda: ember.einsum('iij,jk->ik', ember.randn(3, 3, 4), _x.t()),
    'trace': lambda: ember.einsum('ii', _x[:3, :3]), 'outer': lambda: ember.einsum('i,j->ij', _v, _b),
    'broadcast_sum': lambda: ember.einsum('ij,kj->', _x, _v[None]),
    'three': lambda: ember.einsum('i,i,i->', _v, _v, _v),
    'transpose': lambda: ember.einsum('ijk->kji', _a3), 'sum': lambda: ember.einsum('ij->j', _x),
    'swapped': lambda: ember.einsum('ij,jk->ki', _x, _x.t()),
}


def test_einsum_swaps_its_bmm_operands_as_pytorch():
    # recorded from PyTorch 2.13: 'ij,jk->ki' of (20, 30) and (30, 25) multiplies (1, 25, 30) by (1, 30, 20), so
    # its bmm writes the output's order; ember's own einsum does the same product
    seen = []

    class Shapes(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            if 'bmm' in str(func):
                seen.append([tuple(a.shape) for a in args])
            return func(*args, **(kwargs or {}))
    a, b = ember.randn(20, 30), ember.randn(30, 25)
    with Shapes():
        under_mode = ember.einsum('ij,jk->ki', a, b)
    assert seen == [[(1, 25, 30), (1, 30, 20)]]
    assert ember.equal(under_mode, ember.einsum('ij,jk->ki', a, b))


@pytest.mark.parametrize('name', EINSUM_CALLS)
def test_decomposed_einsum_gives_the_same_values_up_to_rounding(name):
    ember.manual_seed(3)
    plain = EINSUM_CALLS[name]()
    ember.manual_seed(3)
    with _Passthrough():
        under_mode = EINSUM_CALLS[name]()
    # (the batched products sum in another order than ember's einsum: the last bits may differ)
    assert plain.shape == under_mode.shape and ember.allclose(plain, under_mode, rtol=1e-5, atol=1e-6)


# composites whose parts round differently from ember's fused op (by an ulp or so)
# (matmul_3d_1d: under a mode the product runs as PyTorch decomposes it, view + mv, another BLAS routine than the
# plain call's batched one, whose float32 sums may round apart depending on the BLAS's threads)
_ROUNDED = ('cross_entropy_smoothing', 'cross_entropy_probabilities', 'matmul_3d_1d')


@pytest.mark.parametrize('name', DECOMPOSED_CALLS)
def test_decomposed_composites_give_the_same_values(name):
    plain = DECOMPOSED_CALLS[name]()
    with _Passthrough():
        under_mode = DECOMPOSED_CALLS[name]()
    assert plain.shape == under_mode.shape
    assert ember.allclose(plain, under_mode, rtol=1e-6, atol=0) if name in _ROUNDED else ember.equal(plain, under_mode)


def test_flop_counter_counts_linear_as_pytorch():
    from ember.utils.flop_counter import FlopCounterMode
    torch_flops = 2 * (2 * 16 * 32 + 2 * 32 * 4)      # two addmm: 2*M*K*N each, as PyTorch's counter
    m = nn.Sequential(nn.Linear(16, 32), nn.GELU(), nn.Linear(32, 4))
    with FlopCounterMode(display=False) as counter:
        m(ember.randn(2, 16))
    assert counter.get_total_flops() == torch_flops


def test_a_deep_copied_table_of_packets_still_matches_the_packets_handed_over():
    import copy
    table = copy.deepcopy({ember.ops.aten.addmm: 'addmm'})
    seen = []

    class Lookup(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            seen.append(table.get(func._overloadpacket))
            return func(*args, **(kwargs or {}))

    x, w, b = ember.randn(2, 3), ember.randn(4, 3), ember.randn(4)
    with Lookup():
        F.linear(x, w, b)
    assert seen == [None, 'addmm']


@pytest.mark.parametrize('name', ['cross_entropy', 'sdpa_causal', 'interpolate_bilinear', 'interpolate_area',
                                  'index_tensors', 'index_mask'])
def test_decomposed_composites_keep_their_gradients(name):
    def grads(mode):
        leaves = [_x, _img]
        for t in leaves:
            t.requires_grad_(True)
        try:
            with mode:           # the forward under the mode records the graph of its parts
                out = DECOMPOSED_CALLS[name]()
            return [g for g in ember.autograd.grad(out.sum(), leaves, allow_unused=True)]
        finally:
            for t in leaves:
                t.requires_grad_(False)

    plain = grads(contextlib.nullcontext())
    under_mode = grads(_Passthrough())
    for a, b in zip(plain, under_mode):
        # (ember's fused cross-entropy node rounds its gradient differently from log_softmax + nll_loss by an ulp)
        assert (a is None) == (b is None) and (a is None or ember.allclose(a, b, rtol=1e-6, atol=1e-7))


def test_indexing_under_a_mode_reads_and_writes_what_plain_indexing_does():
    x = ember.arange(12.).view(4, 3)
    with _Passthrough():
        y = x.clone()
        y[ember.tensor([0, 2])] = ember.tensor(-1.0)
        y[1, 1:] = ember.tensor([5.0, 6.0])
        picked = y[y > 4]
    assert y.tolist() == [[-1, -1, -1], [3, 5, 6], [-1, -1, -1], [9, 10, 11]]
    assert picked.tolist() == [5, 6, 9, 10, 11]


def test_aten_backward_operators_give_the_gradients_of_their_forward():
    aten = ember.ops.aten
    x = ember.randn(3, 5, dtype=ember.float64, requires_grad=True)
    g = ember.randn(3, 5, dtype=ember.float64)
    (want,) = ember.autograd.grad(F.relu(x), x, g)
    assert ember.equal(aten.threshold_backward.default(g, F.relu(x).detach(), 0), want)
    out = F.log_softmax(x, 1)
    (want,) = ember.autograd.grad(out, x, g)
    assert ember.allclose(aten._log_softmax_backward_data.default(g, out.detach(), 1, x.dtype), want)
    w = ember.randn(5, dtype=ember.float64, requires_grad=True)
    b = ember.randn(5, dtype=ember.float64, requires_grad=True)
    y, mean, rstd = ember.native_layer_norm(x, [5], w, b, 1e-5)
    want = ember.autograd.grad(y, (x, w, b), g)
    got = aten.native_layer_norm_backward.default(g, x.detach(), [5], mean, rstd, w.detach(), b.detach(),
                                                  [True, True, True])
    assert all(ember.allclose(a, e) for a, e in zip(got, want))
    t = ember.tensor([4, 0, 2])
    (want,) = ember.autograd.grad(F.nll_loss(x, t, reduction='sum'), x)
    got = aten.nll_loss_backward.default(ember.tensor(1.0, dtype=ember.float64), x.detach(), t, None, 2, -100,
                                         ember.tensor(3.0, dtype=ember.float64))
    assert ember.equal(got, want)


@pytest.mark.parametrize('dtype', [ember.float32, ember.float64])
@pytest.mark.parametrize('p', [0.0, 0.1, 0.5, 0.8, 1.0])
def test_training_dropout_under_a_mode_draws_the_same_mask(p, dtype):
    x = ember.randn(6, 7, dtype=dtype)
    ember.manual_seed(5)
    plain = F.dropout(x, p)
    ember.manual_seed(5)
    with _Passthrough():
        under_mode = F.dropout(x, p)
    assert ember.equal(plain, under_mode)
