"""nn.Module: registration, iteration, state_dict round trips, hooks, modes, devices, copying.

Texts and orders were recorded from PyTorch 2.13 (with 'torch' read as 'ember').
"""
import copy
import io
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F


class NeuralNetwork(nn.Module):
    """Seed 000's MNIST classifier, verbatim."""

    def __init__(self):
        super(NeuralNetwork, self).__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
            nn.Softmax(dim=1),
        )

    def forward(self, x):
        x = self.flatten(x)
        return self.linear_relu_stack(x)


SEED000_REPR = """NeuralNetwork(
  (flatten): Flatten(start_dim=1, end_dim=-1)
  (linear_relu_stack): Sequential(
    (0): Linear(in_features=784, out_features=512, bias=True)
    (1): ReLU()
    (2): Linear(in_features=512, out_features=512, bias=True)
    (3): ReLU()
    (4): Linear(in_features=512, out_features=10, bias=True)
    (5): Softmax(dim=1)
  )
)"""


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.seq = nn.Sequential(nn.Linear(3, 1), nn.ReLU())
        self.register_buffer('running', ember.zeros(2))
        self.register_buffer('tmp', ember.ones(1), persistent=False)

    def forward(self, x):
        return self.seq(self.fc(x))


def test_seed000_model_repr_and_forward():
    model = NeuralNetwork().to(ember.device('cpu'))
    assert repr(model) == SEED000_REPR
    out = model(ember.rand(4, 1, 28, 28))
    assert out.shape == (4, 10)
    assert ember.allclose(out.sum(1), ember.ones(4))
    assert out.grad_fn.name() == 'SoftmaxBackward0'


def test_seed000_randomise_state_dict_experiment():
    model = NeuralNetwork()
    state_dict = model.state_dict()
    for key in state_dict.keys():
        state_dict[key] = ember.rand(state_dict[key].shape)
    result = model.load_state_dict(state_dict)
    assert repr(result) == '<All keys matched successfully>'
    for key, value in model.state_dict().items():
        assert ember.equal(value, state_dict[key])


def test_seed002_data_assignment_and_grad_data():
    conv = nn.Linear(2, 2)
    conv.bias.data = ember.tensor([0.5, -0.5])
    conv.weight.data = ember.tensor([[1., 2.], [3., 4.]])
    assert isinstance(conv.bias, nn.Parameter) and conv.bias.requires_grad
    x = ember.tensor([[1., 1.]], requires_grad=True)
    conv(x).sum().backward()
    assert repr(x.grad.data) == 'tensor([[4., 6.]])'
    assert conv.bias.grad.tolist() == [1.0, 1.0]


def test_state_dict_keys_metadata_and_detached_values():
    n = Net()
    sd = n.state_dict()
    assert type(sd) is OrderedDict
    assert list(sd) == ['running', 'fc.weight', 'fc.bias', 'seq.0.weight', 'seq.0.bias']
    assert sd._metadata == OrderedDict([('', {'version': 1}), ('fc', {'version': 1}), ('seq', {'version': 1}),
                                        ('seq.0', {'version': 1}), ('seq.1', {'version': 1})])
    w = sd['fc.weight']
    assert type(w) is ember.Tensor and not w.requires_grad and w.grad_fn is None
    assert w.data_ptr() == n.fc.weight.data_ptr()       # shares storage, as PyTorch's detach does
    assert type(n.state_dict(keep_vars=True)['fc.weight']) is nn.Parameter
    assert list(n.state_dict(prefix='model.'))[:2] == ['model.running', 'model.fc.weight']


def test_load_state_dict_missing_and_unexpected_text():
    n = Net()
    sd = OrderedDict(n.state_dict())
    del sd['fc.bias']
    sd['extra'] = ember.zeros(1)
    sd['seq.5.w'] = ember.zeros(1)
    with pytest.raises(RuntimeError) as e:
        n.load_state_dict(sd)
    assert str(e.value) == ('Error(s) in loading state_dict for Net:\n\tMissing key(s) in state_dict: "fc.bias". \n\t'
                            'Unexpected key(s) in state_dict: "extra", "seq.5.w". ')
    r = n.load_state_dict(sd, strict=False)
    assert r.missing_keys == ['fc.bias'] and r.unexpected_keys == ['extra', 'seq.5.w']
    assert repr(r) == "_IncompatibleKeys(missing_keys=['fc.bias'], unexpected_keys=['extra', 'seq.5.w'])"


def test_load_state_dict_size_mismatch_and_type_errors():
    n = Net()
    sd = dict(n.state_dict())
    sd['fc.weight'] = ember.zeros(4, 2)
    sd['seq.0.bias'] = ember.zeros(2)
    with pytest.raises(RuntimeError) as e:
        n.load_state_dict(sd)
    assert str(e.value) == (
        'Error(s) in loading state_dict for Net:\n\tsize mismatch for fc.weight: copying a param with shape '
        'ember.Size([4, 2]) from checkpoint, the shape in current model is ember.Size([3, 2]).\n\tsize mismatch for '
        'seq.0.bias: copying a param with shape ember.Size([2]) from checkpoint, the shape in current model is '
        'ember.Size([1]).')
    sd = dict(n.state_dict())
    sd['fc.weight'] = 3
    with pytest.raises(RuntimeError, match='While copying the parameter named "fc.weight", expected ember.Tensor or '
                                           "Tensor-like object from checkpoint but received <class 'int'>"):
        n.load_state_dict(sd)
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like, got <class 'list'>."):
        n.load_state_dict([1])


def test_load_state_dict_copies_in_place_and_converts_dtype():
    n = Net()
    w = n.fc.weight
    sd = dict(n.state_dict())
    sd['fc.weight'] = ember.ones(3, 2, dtype=ember.float64)
    sd['running'] = ember.tensor([5., 6.])
    n.load_state_dict(sd)
    assert n.fc.weight is w and w.dtype is ember.float32 and w.tolist() == [[1.0, 1.0]] * 3
    assert n.running.tolist() == [5.0, 6.0]
    assert w.requires_grad and w.grad_fn is None


def test_load_state_dict_assign_replaces_parameters():
    n = Net()
    old = n.fc.weight
    sd = dict(n.state_dict())
    sd['fc.weight'] = ember.ones(3, 2, dtype=ember.float64)
    n.load_state_dict(sd, assign=True)
    assert n.fc.weight is not old
    assert type(n.fc.weight) is nn.Parameter and n.fc.weight.dtype is ember.float64 and n.fc.weight.requires_grad


def test_state_dict_survives_save_and_load():
    n = Net()
    buf = io.BytesIO()
    ember.save(n.state_dict(), buf)
    buf.seek(0)
    m = Net()
    m.load_state_dict(ember.load(buf))
    assert all(ember.equal(a, b) for a, b in zip(n.state_dict().values(), m.state_dict().values()))


def test_subclass_hooks_into_load_from_state_dict():
    class Versioned(nn.Linear):
        _version = 2
        seen = []

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, *args):
            self.seen.append((prefix, local_metadata.get('version')))
            super()._load_from_state_dict(state_dict, prefix, local_metadata, *args)

    outer = nn.Sequential(Versioned(2, 2))
    sd = outer.state_dict()
    assert sd._metadata['0'] == {'version': 2}
    outer.load_state_dict(sd)
    assert Versioned.seen == [('0.', 2)]


def test_extra_state_round_trips():
    class WithExtra(nn.Module):
        def __init__(self):
            super().__init__()
            self.counter = 3

        def get_extra_state(self):
            return {'counter': self.counter}

        def set_extra_state(self, state):
            self.counter = state['counter']

    a = WithExtra()
    sd = a.state_dict()
    assert list(sd) == ['_extra_state']
    b = WithExtra()
    b.counter = 0
    b.load_state_dict(sd)
    assert b.counter == 3


def test_setattr_errors_match_pytorch():
    class Early(nn.Module):
        def __init__(self, value):
            self.w = value

    with pytest.raises(AttributeError, match=r'cannot assign parameters before Module.__init__\(\) call'):
        Early(nn.Parameter(ember.zeros(1)))
    with pytest.raises(AttributeError, match=r'cannot assign module before Module.__init__\(\) call'):
        Early(nn.Linear(1, 1))
    assert Early(ember.zeros(1)).w.tolist() == [0.0]   # plain tensors are just attributes
    m = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"cannot assign 'ember.FloatTensor' as parameter 'weight' "
                                        r"\(ember.nn.Parameter or None expected\)"):
        m.weight = ember.zeros(2, 2)
    m.weight = None
    assert m.weight is None and 'weight' in m._parameters
    s = nn.Sequential(nn.ReLU())
    with pytest.raises(TypeError, match=r"cannot assign 'int' as child module '0' \(ember.nn.Module or None "
                                        r"expected\)"):
        s[0] = 3
    s.register_buffer('bb', ember.zeros(1))
    s.bb = ember.ones(2)
    assert s._buffers['bb'].tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match=r"cannot assign 'int' as buffer 'bb' \(ember.nn.Buffer, ember.Tensor or None "
                                        r"expected\)"):
        s.bb = 3


@pytest.mark.parametrize('call,exc,text', [
    (lambda s: s.register_buffer('0', ember.zeros(1)), KeyError, "attribute '0' already exists"),
    (lambda s: s.register_buffer('a.b', ember.zeros(1)), KeyError, 'buffer name can\'t contain "."'),
    (lambda s: s.register_buffer('', ember.zeros(1)), KeyError, 'buffer name can\'t be empty string ""'),
    (lambda s: s.register_buffer(1, ember.zeros(1)), TypeError, 'buffer name should be a string. Got int'),
    (lambda s: s.register_buffer('x', 3), TypeError,
     "cannot assign 'int' object to buffer 'x' (ember Tensor or None required)"),
    (lambda s: s.register_parameter('x', ember.zeros(1)), TypeError,
     "cannot assign 'ember.FloatTensor' object to parameter 'x' (ember.nn.Parameter or None required)"),
    (lambda s: s.add_module('q', 3), TypeError, 'int is not a Module subclass'),
    (lambda s: s.add_module('a.b', nn.ReLU()), KeyError, 'module name can\'t contain ".", got: a.b'),
    (lambda s: s.add_module('', nn.ReLU()), KeyError, 'module name can\'t be empty string ""'),
    (lambda s: s.add_module(1, nn.ReLU()), TypeError, 'module name should be a string. Got int'),
    (lambda s: s.add_module('training', nn.ReLU()), KeyError, "attribute 'training' already exists"),
    (lambda s: s.register_parameter('a.b', None), KeyError, 'parameter name can\'t contain "."'),
    (lambda s: s.nope, AttributeError, "'Sequential' object has no attribute 'nope'"),
    (lambda s: s.get_submodule('0.x'), AttributeError, 'ReLU has no attribute `x`'),
    (lambda s: s.get_parameter('0.weight'), AttributeError, 'ReLU has no attribute `weight`'),
    (lambda s: nn.Linear(2, 2).get_parameter('in_features'), AttributeError, '`in_features` is not an nn.Parameter'),
    (lambda s: nn.Linear(2, 2).get_submodule('weight'), AttributeError, '`weight` is not an nn.Module'),
    (lambda s: s.get_buffer('training'), AttributeError, '`training` is not a buffer'),
    (lambda s: s.train(1), ValueError, 'training mode is expected to be boolean'),
    (lambda s: nn.Module()(3), NotImplementedError, 'Module [Module] is missing the required "forward" function'),
    (lambda s: nn.Linear(2, 2).to(ember.int64), TypeError,
     'nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=ember.int64'),
])
def test_registration_errors(call, exc, text):
    with pytest.raises(exc) as e:
        call(nn.Sequential(nn.ReLU()))
    assert e.value.args[0] == text


def test_non_leaf_parameter_is_rejected():
    m = nn.Module()
    p = nn.Parameter(ember.ones(1))
    q = p * 2
    q.__class__ = nn.Parameter
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor to parameter 'q'"):
        m.register_parameter('q', q)


def test_module_init_rejects_arguments():
    class M(nn.Module):
        def __init__(self):
            super().__init__(3)

    with pytest.raises(TypeError, match=r'M.__init__\(\) takes 1 positional argument but 2 were given'):
        M()


def test_named_members_order_and_shared_parameters_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert [n for n, _ in model.named_parameters()] == ['0.weight', '0.bias']
    assert len(list(model.named_parameters(remove_duplicate=False))) == 4
    assert [n for n, _ in model.named_modules()] == ['', '0', '1']
    assert [n for n, _ in model.named_children()] == ['0', '1']
    assert [n for n, _ in model.named_parameters(prefix='m')] == ['m.0.weight', 'm.0.bias']
    assert list(model.named_parameters(recurse=False)) == []
    net = Net()
    assert [n for n, _ in net.named_buffers()] == ['running', 'tmp']
    assert len(list(net.buffers())) == 2
    assert [type(m).__name__ for m in net.modules()] == ['Net', 'Linear', 'Sequential', 'Linear', 'ReLU']
    assert net.get_submodule('seq.0') is net.seq[0]
    assert net.get_parameter('seq.0.bias') is net.seq[0].bias
    assert net.get_buffer('running') is net.running


def test_delattr_and_reassignment_moves_between_dicts():
    m = nn.Module()
    m.a = nn.Parameter(ember.zeros(1))
    with pytest.raises(TypeError, match="cannot assign 'ember.nn.modules.linear.Linear' as parameter 'a'"):
        m.a = nn.Linear(1, 1)
    m.register_buffer('a2', ember.zeros(1))
    m.a2 = nn.Linear(1, 1)        # a buffer name reused for a module moves it
    assert 'a2' not in m._buffers and 'a2' in m._modules
    m.a = None
    assert m.a is None
    del m.a
    assert not hasattr(m, 'a')
    m.register_buffer('b', ember.zeros(1), persistent=False)
    del m.b
    assert 'b' not in m._non_persistent_buffers_set
    m.c = nn.Buffer(ember.ones(2), persistent=False)
    assert 'c' in m._buffers and 'c' not in m.state_dict()


def test_dir_lists_members_without_numeric_keys():
    names = dir(nn.Sequential(nn.Linear(1, 1)))
    assert '0' not in names and 'forward' in names and 'training' in names
    assert {'weight', 'bias', 'in_features'} <= set(dir(nn.Linear(1, 1)))


def test_train_eval_apply_and_requires_grad():
    net = NeuralNetwork()
    assert net.training and net.linear_relu_stack[0].training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen[-1] == 'NeuralNetwork' and seen[0] == 'Flatten'
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_dropout_follows_train_and_eval():
    model = nn.Sequential(nn.Dropout(0.5))
    x = ember.ones(1000)
    assert (model(x) == 0).any()
    model.eval()
    assert model(x) is x


def test_zero_grad_sets_to_none_or_zero():
    m = nn.Linear(2, 1)
    m(ember.ones(1, 2)).sum().backward()
    m.zero_grad(set_to_none=False)
    assert m.weight.grad.tolist() == [[0.0, 0.0]]
    m.zero_grad()
    assert m.weight.grad is None and m.bias.grad is None


def test_to_moves_in_place_keeping_parameter_objects_and_grads():
    m = nn.Linear(2, 2)
    w = m.weight
    m(ember.ones(1, 2)).sum().backward()
    assert m.to(ember.float64) is m
    assert m.weight is w and w.dtype is ember.float64 and w.grad.dtype is ember.float64
    m.float()
    assert w.dtype is ember.float32
    m.to('cpu', ember.float64)
    assert w.dtype is ember.float64
    m.to(ember.zeros(1, dtype=ember.float32))
    assert w.dtype is ember.float32
    m.half()
    assert w.dtype is ember.float16
    m.type(ember.float64)
    assert w.dtype is ember.float64
    n = Net().double()
    assert n.running.dtype is ember.float64
    n.register_buffer('steps', ember.tensor(3))
    n.float()
    assert n.steps.dtype is ember.int64           # integer buffers keep their dtype
    assert n.cpu() is n


def test_forward_hooks_pre_hooks_and_removal():
    m = nn.Linear(2, 2)
    calls = []

    def pre(mod, args):
        calls.append(('pre', args[0].shape))
        return (args[0] * 0,)

    def post(mod, args, out):
        calls.append(('post', out.shape))
        return out + 1

    h1 = m.register_forward_pre_hook(pre)
    h2 = m.register_forward_hook(post)
    out = m(ember.ones(3, 2))
    assert calls == [('pre', (3, 2)), ('post', (3, 2))]
    assert ember.allclose(out, m.bias.detach() + 1)
    h1.remove()
    h2.remove()
    assert not m._forward_hooks and not m._forward_pre_hooks
    assert ember.allclose(m(ember.zeros(1, 2)), m.bias.detach())


def test_hooks_with_kwargs_prepend_and_context_manager():
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    m = Scale()
    order = []
    m.register_forward_hook(lambda mod, a, o: order.append('second'))
    m.register_forward_hook(lambda mod, a, o: order.append('first'), prepend=True)
    m.register_forward_pre_hook(lambda mod, a, kw: (a, {'factor': 3.0}), with_kwargs=True)
    seen = {}
    m.register_forward_hook(lambda mod, a, kw, o: seen.update(kw), with_kwargs=True)
    assert m(ember.ones(1), factor=2.0).item() == 3.0
    assert order == ['first', 'second'] and seen == {'factor': 3.0}
    with m.register_forward_hook(lambda mod, a, o: o * 10):
        assert m(ember.ones(1)).item() == 30.0
    assert m(ember.ones(1)).item() == 3.0
    bad = Scale()
    bad.register_forward_pre_hook(lambda mod, a, kw: 5, with_kwargs=True)
    with pytest.raises(RuntimeError, match='forward pre-hook must return None or a tuple of'):
        bad(ember.ones(1))


def test_full_backward_hooks_see_and_replace_gradients():
    m = nn.Linear(2, 1)
    with ember.no_grad():
        m.weight.copy_(ember.tensor([[2., 3.]]))
    seen = {}

    def hook(mod, grad_input, grad_output):
        seen['in'] = [g.tolist() for g in grad_input]
        seen['out'] = [g.tolist() for g in grad_output]
        return (grad_input[0] * 10,)

    m.register_full_backward_hook(hook)
    pre_seen = []
    m.register_full_backward_pre_hook(lambda mod, go: pre_seen.append(go[0].tolist()))
    x = ember.ones(1, 2, requires_grad=True)
    (m(x) * 5).sum().backward()
    assert pre_seen == [[[5.0]]]
    assert seen == {'in': [[[10.0, 15.0]]], 'out': [[[5.0]]]}
    assert x.grad.tolist() == [[100.0, 150.0]]
    assert m.weight.grad.tolist() == [[5.0, 5.0]]


def test_backward_hook_without_input_grads_gets_none():
    m = nn.Linear(2, 1)
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, go[0].shape)))
    m(ember.ones(3, 2)).sum().backward()
    assert seen == [((None,), (3, 1))]


def test_deepcopy_and_pickle_keep_structure_and_values():
    net = Net()
    twin = copy.deepcopy(net)
    assert repr(twin) == repr(net)
    assert twin.fc.weight is not net.fc.weight and ember.equal(twin.fc.weight, net.fc.weight)
    assert type(twin.fc.weight) is nn.Parameter and twin.fc.weight.requires_grad
    assert twin._non_persistent_buffers_set == {'tmp'}
    shared = nn.Linear(1, 1)
    s2 = copy.deepcopy(nn.Sequential(shared, shared))
    assert s2[0] is s2[1]
    back = pickle.loads(pickle.dumps(net))
    assert ember.equal(back.fc.weight, net.fc.weight) and type(back.fc.weight) is nn.Parameter
    assert back(ember.ones(1, 2)).shape == (1, 1)


def test_parameter_basics():
    p = nn.Parameter(ember.tensor([1., 2.]))
    assert repr(p) == 'Parameter containing:\ntensor([1., 2.], requires_grad=True)'
    assert p.requires_grad and p.is_leaf and isinstance(p, ember.Tensor)
    assert type(p * 2) is ember.Tensor
    assert not nn.Parameter(ember.ones(1), requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)
    with pytest.raises(RuntimeError, match='Only Tensors of floating point and complex dtype can require gradients'):
        nn.Parameter(ember.tensor([1, 2]))
    assert not nn.Parameter(ember.tensor([1, 2]), requires_grad=False).requires_grad
    assert type(copy.deepcopy(p)) is nn.Parameter
    b = nn.Buffer(ember.zeros(2))
    assert type(b) is ember.Tensor and isinstance(b, nn.Buffer) and not isinstance(ember.zeros(1), nn.Buffer)


def test_module_call_overhead_is_direct_without_hooks():
    # no hooks: __call__ goes straight to forward (the Sequential of 100 identities costs ~100 calls)
    calls = []

    class Probe(nn.Module):
        def forward(self, x):
            calls.append(1)
            return x

    seq = nn.Sequential(*[Probe() for _ in range(100)])
    x = ember.ones(1)
    assert seq(x) is x and len(calls) == 100


def test_functional_relu_inplace_argument():
    x = ember.tensor([-1.0, 1.0])
    assert F.relu(x, inplace=True) is x and x.tolist() == [0.0, 1.0]
    assert np.array_equal(F.relu(ember.tensor([-2.0, 3.0])).numpy(), [0.0, 3.0])



def test_plain_pickle_of_parameter_keeps_class_and_attributes():
    import pickle
    p = ember.nn.Parameter(ember.ones(2))
    p.tag = 'shared'
    q = pickle.loads(pickle.dumps(p))
    assert type(q) is ember.nn.Parameter and q.tag == 'shared' and q.requires_grad and q.tolist() == [1., 1.]


# PyTorch 2.13's texts: a full backward hook hands the module its inputs (and the caller its outputs) as views
# made inside a custom Function, which may not be changed in place
_IN_CUSTOM_FUNCTION = ("Output {} of BackwardHookFunction is a view and is being modified inplace. This view was "
                       "created inside a custom Function (or because an input was returned as-is) and the autograd "
                       "logic to handle view+inplace would override the custom backward associated with the custom "
                       "Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by "
                       "cloning the output of the custom Function.")
_MULTIPLE_VIEWS = ("Output {} of BackwardHookFunction is a view and is being modified inplace. This view is the "
                   "output of a function that returns multiple views. Such functions do not allow the output views "
                   "to be modified inplace. You should replace the inplace operation by an out-of-place one.")


class _ScalesSecondInPlace(nn.Module):
    def forward(self, x, y):
        y.mul_(2)
        return x + y


@pytest.mark.parametrize('leaf', [False, True])
def test_full_backward_hook_refuses_inplace_change_of_input(leaf):
    m = nn.ReLU(inplace=True)
    m.register_full_backward_hook(lambda *a: None)
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        m(x if leaf else x * 1)
    assert str(info.value) == _IN_CUSTOM_FUNCTION.format(0)
    two = _ScalesSecondInPlace()
    two.register_full_backward_hook(lambda *a: None)
    with pytest.raises(RuntimeError) as info:
        two(ember.ones(2, requires_grad=True) * 1, ember.ones(2, requires_grad=True) * 1)
    assert str(info.value) == _MULTIPLE_VIEWS.format(1)
    m.register_full_backward_hook(lambda *a: None)
    assert m(ember.ones(2)).tolist() == [1., 1.]       # nothing requires grad: no views, the change is allowed


def test_full_backward_hook_refuses_inplace_change_of_output_and_its_views():
    m = nn.Identity()
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append(gi))
    x = ember.ones(2, 3, requires_grad=True) * 1
    y = m(x)
    assert y._base is x and y._version == x._version
    with pytest.raises(RuntimeError) as info:
        y.add_(1)
    assert str(info.value) == _IN_CUSTOM_FUNCTION.format(0)
    with pytest.raises(RuntimeError) as info:
        y[0].mul_(2)
    assert str(info.value) == _IN_CUSTOM_FUNCTION.format(0).replace('BackwardHookFunction', 'Select')
    (y * 2).sum().backward()
    assert seen[0][0].tolist() == [[2.] * 3] * 2
    with ember.no_grad():
        y.add_(1)                       # allowed outside recording
    assert x.tolist() == [[2.] * 3] * 2


def test_full_backward_hooks_may_return_lists():
    # as PyTorch (the "Modules" note's hook returns a list): the list's gradients replace grad_input, and a
    # pre-hook's list replaces grad_output
    m = nn.Linear(3, 3)
    x = ember.ones(2, 3, requires_grad=True)
    m.register_full_backward_hook(lambda mod, gi, go: [ember.ones_like(g) * 42. for g in gi])
    m(x).sum().backward()
    assert x.grad.tolist() == [[42.] * 3] * 2
    lin = nn.Linear(2, 2)
    lin.register_full_backward_pre_hook(lambda mod, go: [go[0] * 0.5])
    lin(ember.ones(1, 2)).sum().backward()
    assert lin.bias.grad.tolist() == [0.5, 0.5]
    with pytest.raises(RuntimeError, match='^Backward hook returned an invalid number of grad_input, got 2, but '
                                           'expected 1$'):
        m2 = nn.Linear(2, 2)
        m2.register_full_backward_hook(lambda mod, gi, go: [gi[0], gi[0]])
        m2(ember.ones(1, 2, requires_grad=True)).sum().backward()
