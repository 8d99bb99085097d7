"""autograd.graph's saved-tensor hooks; expected outcomes recorded from PyTorch 2.13 (inline)."""
import numpy as np
import pytest

import ember
from ember.autograd.graph import disable_saved_tensors_hooks, increment_version, save_on_cpu, saved_tensors_hooks


def test_pack_and_unpack_run_once_per_saved_tensor():
    x = ember.ones(2, requires_grad=True)
    log = []

    def pack(t):
        log.append(('pack', tuple(t.shape)))
        return t * 1

    def unpack(p):
        log.append('unpack')
        return p
    with saved_tensors_hooks(pack, unpack):
        y = (x * x).sum()
    assert log == [('pack', (2,)), ('pack', (2,))]  # PyTorch: the same two packs at record time
    y.backward()
    assert log == [('pack', (2,)), ('pack', (2,)), 'unpack', 'unpack']
    assert x.grad.tolist() == [2.0, 2.0]


def test_unpacked_values_are_the_ones_backward_uses():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with saved_tensors_hooks(lambda t: t.detach().numpy().copy(), lambda a: ember.from_numpy(a * 10)):
        (x * x).sum().backward()
    assert x.grad.tolist() == [20.0, 40.0]  # both saved factors read back ten times larger


def test_outputs_saved_through_hooks_still_support_double_backward():
    x = ember.tensor([0.5, -1.0], dtype=ember.float64, requires_grad=True)
    with saved_tensors_hooks(lambda t: t, lambda t: t):
        y = x.exp().sum()
        (g,) = ember.autograd.grad(y, x, create_graph=True)
        g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([0.5, -1.0]))


def test_save_on_cpu_gives_the_same_gradients():
    x = ember.ones(2, requires_grad=True)
    with save_on_cpu():
        z = (x.sigmoid() * x.exp()).sum()
    z.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.521669864654541, 2.521669864654541], rtol=1e-6)  # PyTorch's


def test_save_on_cpu_keeps_a_copy_unaffected_by_later_changes():
    x = ember.ones(2, requires_grad=True)
    w = ember.tensor([3.0, 4.0])
    with save_on_cpu():
        y = (x * w).sum()
    w.detach().numpy()[:] = 0  # a change ember cannot see: the saved copy is still the old w
    y.backward()
    assert x.grad.tolist() == [3.0, 4.0]


def test_unpack_must_return_a_tensor():
    x = ember.ones(2, requires_grad=True)
    with saved_tensors_hooks(lambda t: t, lambda p: 3):
        y = (x * x).sum()
    with pytest.raises(TypeError, match="^Output of saved tensor unpack_hook expected to be a Tensor but got "
                                        "result of type int$"):
        y.backward()


def test_disable_saved_tensors_hooks():
    with disable_saved_tensors_hooks('no hooks here'):
        with pytest.raises(RuntimeError, match='^no hooks here$'):
            with saved_tensors_hooks(lambda t: t, lambda t: t):
                pass
    with saved_tensors_hooks(lambda t: t, lambda t: t):
        pass


def test_increment_version_makes_backward_refuse_a_stale_saved_tensor():
    x = ember.ones(2, requires_grad=True)
    w = ember.tensor([3.0, 4.0])
    y = (x * w).sum()
    w.detach().numpy()[:] = 0
    increment_version(w)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_hooks_on_a_leaf_outlive_the_collection_of_its_accumulator():
    import gc
    v = ember.tensor([0., 0., 0.], requires_grad=True)
    h = v.register_hook(lambda grad: grad * 2)     # before any graph holds v's accumulator
    seen = []
    v.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    gc.collect()
    v.backward(ember.tensor([1., 2., 3.]))
    assert v.grad.tolist() == [2., 4., 6.] and seen == [[2., 4., 6.]]
    h.remove()
    (v * 1).sum().backward()
    assert v.grad.tolist() == [3., 5., 7.]


class _Halve(ember.autograd.Function):
    """Keeps the first half of the rows (saving its input: an op inside a pack hook that saves)."""

    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return t[:t.shape[0] // 2].clone()

    @staticmethod
    def backward(ctx, g):
        t, = ctx.saved_tensors
        out = ember.zeros_like(t)
        out[:g.shape[0]] = g
        return out


def test_a_pack_hook_whose_ops_save_tensors_and_checkpoint_inputs():
    # what tensor parallelism's input resharding does: pack keeps a piece (ops that save tensors, whose
    # saves are not packed again), unpack rebuilds the values without autograd history; the checkpointed
    # region's input still gets its gradient, as in PyTorch
    lin = ember.nn.Linear(3, 3, dtype=ember.float64)
    x = ember.randn(4, 3, dtype=ember.float64, requires_grad=True)
    ember.utils.checkpoint.checkpoint(lin, x, use_reentrant=False).pow(2).sum().backward()
    want = x.grad.clone()
    x.grad = None
    packed = []

    def pack(t):
        if t.shape == (4, 3):
            packed.append(t)
            return ('half', _Halve.apply(t), t.detach()[2:].clone())
        return t

    def unpack(p):
        return ember.cat([p[1], p[2]]) if isinstance(p, tuple) else p

    with saved_tensors_hooks(pack, unpack):
        y = ember.utils.checkpoint.checkpoint(lin, x, use_reentrant=False)
    y.pow(2).sum().backward()
    assert packed and x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), want.numpy(), rtol=1e-12)
