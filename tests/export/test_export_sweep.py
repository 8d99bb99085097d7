"""ember.export never freezes computation into a program as a constant. Every module of
tests/fixtures/export/module_catalogue.py and every row of the op table is exported with one input, and
the program is run on another input of the same shapes against the module (or op) itself: a result the
trace did not record would come out as the first input's. What ember cannot record is refused when
exporting, never exported wrongly (the module cases refused are listed in REFUSED, with the reason).

Where PyTorch exports a module too, the graph's call targets and its signature are PyTorch's
(tests/fixtures/export/module_sweep.json, recorded by record_module_sweep.py), except where DIFFERENT
says why."""
import io
import json
import pathlib
import re
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.fx._dispatch import unwrapped
from ember._subclasses.fake_tensor import DynamicOutputShapeException
from ember.export._errors import GuardOnDataDependentSymNode
from ember.export._internal_calls import UntracedComputation
from ember.export._normalize import Unsupported
from tests._onnx_sweep import _Wrap, _flat, _through_name, rows
from tests._op_harness import to_ember
from tests.fixtures.export.module_catalogue import CASES
from tests.fixtures.export.record_module_sweep import signature, targets

RECORDED = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'export' / 'module_sweep.json')
                      .read_text())['cases']


def _unknown(op):
    return Unsupported, f"does not know the ATen operator '{op}'"


# module cases whose export ember refuses: (error, what the message says)
REFUSED = {
    'GaussianNLLLoss': _unknown('gaussian_nll_loss'), 'LinearCrossEntropyLoss': _unknown('linear_cross_entropy'),
    # PyTorch refuses too: the loss's buffers are sized by the target lengths' values
    'CTCLoss': (DynamicOutputShapeException, r'^aten\._ctc_loss\.Tensor$'),
    # computed by ember's own code the trace cannot see
    'CrossMapLRN2d': (UntracedComputation, 'cannot record aten::cross_map_lrn2d'),
    # PyTorch refuses too: which cluster a target falls in decides the program's shape
    'AdaptiveLogSoftmaxWithLoss': (GuardOnDataDependentSymNode, 'Could not guard on data-dependent expression'),
}

# modules whose graphs differ from PyTorch's (their signatures agree), and why
DIFFERENT = {}


def _generator(seed):
    return ember.Generator().manual_seed(seed)


def _assert_same(got, want):
    got, want = _flat(got), _flat(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        assert ember.allclose(g, w, atol=1e-6, equal_nan=True) if w.dtype.is_floating_point else ember.equal(g, w)


def _build(name):
    build, inputs = CASES[name]
    ember.manual_seed(0)
    mod = build(ember)
    first, other = inputs(ember, _generator(1)), inputs(ember, _generator(2))
    with ember.no_grad():
        mod(*first)       # lazy modules take their shapes
    return mod, first, other


def test_the_catalogue_has_every_module_class_of_nn():
    import inspect
    from tests.fixtures.export.module_catalogue import NOT_BUILT
    classes = {n for n in dir(ember.nn) if inspect.isclass(getattr(ember.nn, n))
               and issubclass(getattr(ember.nn, n), ember.nn.Module)}
    built = {n.split('_')[0] for n in CASES} | set(NOT_BUILT)
    assert classes - built == set()


@pytest.mark.parametrize('name', sorted(CASES))
def test_module_program_computes_as_the_module_on_another_input(name):
    mod, first, other = _build(name)
    if name in REFUSED:
        error, message = REFUSED[name]
        with pytest.raises(error, match=message):
            ember.export.export(mod, first)
        return
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        ep = ember.export.export(mod, first)
        with ember.no_grad():
            want = mod(*other)
            _assert_same(ep.module()(*other), want)
            buffer = io.BytesIO()
            ember.export.save(ep, buffer)
            buffer.seek(0)
            _assert_same(ember.export.load(buffer).module()(*other), want)


@pytest.mark.parametrize('name', sorted(n for n in CASES if n not in REFUSED and 'targets' in RECORDED[n]))
def test_module_graph_is_pytorchs(name):
    mod, first, _ = _build(name)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        ep = ember.export.export(mod, first)
    recorded = RECORDED[name]
    assert signature(ep) == {'inputs': recorded['inputs'], 'outputs': recorded['outputs']}
    if name not in DIFFERENT:
        assert targets(ep) == recorded['targets']


def test_functions_pytorch_writes_in_python_record_the_operators_they_call():
    mod, first, _ = _build('Softsign')
    assert targets(ember.export.export(mod, first)) == ['abs.default', 'add.Tensor', 'div.Tensor']
    mod, first, _ = _build('KLDivLoss')        # batchmean: the sum, divided by the batch size
    assert targets(ember.export.export(mod, first)) == ['kl_div.default', 'div.Tensor']


def test_recurrent_layers_record_pytorchs_operators():
    mod, first, _ = _build('LSTM')
    assert targets(ember.export.export(mod, first)) == ['zeros.default', 'zeros.default', 'lstm.input', 'getitem',
                                                        'getitem', 'getitem']
    mod, first, _ = _build('GRUCell')
    assert targets(ember.export.export(mod, first)) == ['gru_cell.default']


# ---------------------------------------------------------------------------------- the op table
# ops whose results differ from call to call: a program cannot be compared with a second call
_RANDOM = {'dropout', 'rrelu', 'bernoulli', 'multinomial', 'normal', 'rand_like', 'randn_like', 'randint_like',
           'poisson', 'alpha_dropout', 'feature_alpha_dropout', 'dropout1d', 'dropout2d', 'dropout3d'}
_CLASSES = {}
def _wrapper(n):
    """A module of ``n`` named tensor inputs calling a row's op (export names its inputs by the forward's)."""
    if n not in _CLASSES:
        names = ', '.join(f'a{i}' for i in range(n))
        space = {}
        exec(f'def forward(self, {names}):\n    return _Wrap.forward(self, {names})', {'_Wrap': _Wrap}, space)
        _CLASSES[n] = type(f'Wrap{n}', (_Wrap,), {'forward': space['forward']})
    return _CLASSES[n]


def _tensors(args):
    return [a for a in args if isinstance(a, ember.Tensor)]


_ROWS = rows()


@pytest.mark.parametrize('key', list(_ROWS))
def test_op_program_computes_as_the_op_on_another_input(key):
    info = _ROWS[key]
    if info.name in _RANDOM:
        pytest.skip('random results')
    first = info.samples(np.random.default_rng(0))[:1]
    other = info.samples(np.random.default_rng(1))[:1]
    if not first:
        pytest.skip('no sample')
    args, kwargs = to_ember(first[0], 'float32', requires_grad=False)
    other_args, _ = to_ember(other[0], 'float32', requires_grad=False)
    tensors, other_tensors = _tensors(args), _tensors(other_args)
    if not tensors:
        pytest.skip('no tensor argument')
    if [(t.shape, t.dtype) for t in tensors] != [(t.shape, t.dtype) for t in other_tensors] or \
            repr([a for a in args if not isinstance(a, ember.Tensor)]) != \
            repr([a for a in other_args if not isinstance(a, ember.Tensor)]):
        pytest.skip("the row's other sample has other shapes or arguments")
    model = _wrapper(len(tensors))(_through_name(info.op), args, kwargs)
    try:
        with ember.no_grad():
            want = model(*[t.clone() for t in other_tensors])
    except Exception as e:
        pytest.skip(f'the op refuses the other sample: {e}')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            ep = ember.export.export(model, tuple(tensors))
        except (Unsupported, GuardOnDataDependentSymNode):
            return                  # refused, with the reason: never a wrong program
    with ember.no_grad():
        _assert_same(ep.module()(*[t.clone() for t in other_tensors]), want)
    buffer = io.BytesIO()
    ember.export.save(ep, buffer)
    buffer.seek(0)
    with ember.no_grad():
        _assert_same(ember.export.load(buffer).module()(*[t.clone() for t in other_tensors]), want)


@pytest.mark.parametrize('kwargs', [{}, {'dim': 0}, {'return_counts': True}, {'return_inverse': True, 'dim': 1}])
def test_unique_consecutive_programs_survive_save_and_load(kwargs):
    class Runs(ember.nn.Module):
        def forward(self, x):
            return ember.unique_consecutive(x, **kwargs)

    ep = ember.export.export(Runs(), (ember.tensor([[1, 1, 2], [1, 1, 2], [3, 3, 3]]),))
    buffer = io.BytesIO()
    ember.export.save(ep, buffer)
    buffer.seek(0)
    other = ember.tensor([[4, 5, 5], [4, 5, 5], [4, 5, 5]])
    _assert_same(ember.export.load(buffer).module()(other), Runs()(other))


# ---------------------------------------------------------------------------------- how functions are reached
_bare_leaky_relu_ = unwrapped(F.leaky_relu_)
_bare_relu = unwrapped(F.relu)


class _GlobalFunction(ember.nn.Module):
    def forward(self, x):
        return _bare_relu(x) * 2        # a function of ember's API named in the forward's module


class _ClosedOver(ember.nn.Module):
    def __init__(self):
        super().__init__()
        relu = _bare_relu
        self.act = lambda x: relu(x) + 1      # a function kept that closes over one of ember's


class _ClosedOverForward(_ClosedOver):
    def forward(self, x):
        return self.act(x)


@pytest.mark.parametrize('module', [_GlobalFunction, _ClosedOverForward])
def test_functions_reached_without_ember_namespaces_are_recorded(module):
    mod = module()
    ep = ember.export.export(mod, (ember.randn(3),))
    assert 'relu.default' in targets(ep)
    x = ember.tensor([-1.0, 2.0, -3.0])
    assert ember.equal(ep.module()(x), mod(x))
    assert unwrapped(_bare_relu) is _bare_relu      # put back


def test_a_traced_value_changed_in_place_unseen_is_refused():
    class Hidden(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.table = {'act': _bare_leaky_relu_}      # inside a dict: not swapped, so not recorded

        def forward(self, x):
            return self.table['act'](x * 1, 0.2)

    with pytest.raises(UntracedComputation, match=r'^ember\.export cannot record aten::leaky_relu_ in Hidden: ember '
                                                  r'computes it outside the operators it records'):
        ember.export.export(Hidden(), (ember.randn(3),))


def test_a_tensor_passed_by_keyword_is_a_graph_input():
    class Keyword(ember.nn.Module):
        def forward(self, x, y):
            return ember.add(x, other=y)

    ep = ember.export.export(Keyword(), (ember.ones(3), ember.ones(3)))
    x, y = ember.tensor([1.0, 2.0, 3.0]), ember.tensor([10.0, 20.0, 30.0])
    assert ember.equal(ep.module()(x, y), x + y)


def test_a_size_that_depends_on_the_data_cannot_be_read():
    class Rows(ember.nn.Module):
        def forward(self, x):
            rows = (x > 0).nonzero()
            if rows.numel() == 0:
                return x
            return x.sum() + rows.size(0)

    with pytest.raises(GuardOnDataDependentSymNode, match=re.escape('Could not guard on data-dependent expression')):
        ember.export.export(Rows(), (ember.randn(4),))

    class Sizes(ember.nn.Module):      # sizes of other values are specialised as before
        def forward(self, x):
            return x.reshape(x.size(0), x.numel() // x.size(0)), x[x > 0].sum()

    ep = ember.export.export(Sizes(), (ember.ones(2),))
    _assert_same(ep.module()(ember.tensor([3.0, -4.0])), Sizes()(ember.tensor([3.0, -4.0])))


def test_in_place_activations_and_dropouts_record_pytorchs_in_place_operators():
    class InPlace(ember.nn.Module):
        def forward(self, x):
            y = x * 1
            F.hardswish(y, inplace=True)
            F.hardsigmoid(y, inplace=True)
            F.mish(y, inplace=True)
            z = F.dropout(y * 1, 0.5, False, inplace=True)
            z = F.dropout2d(z.view(1, 2, 3, 1), 0.5, False, inplace=True)
            z = F.alpha_dropout(z, 0.5, False, inplace=True)
            return y, F.feature_alpha_dropout(z, 0.5, False, inplace=True)

    ep = ember.export.export(InPlace(), (ember.randn(2, 3),))
    assert targets(ep) == ['mul.Tensor', 'hardswish_.default', 'hardsigmoid_.default', 'mish_.default', 'mul.Tensor',
                           'dropout_.default', 'view.default', 'feature_dropout_.default', 'alpha_dropout_.default',
                           'feature_alpha_dropout_.default']       # PyTorch's graph
    buffer = io.BytesIO()
    ember.export.save(ep, buffer)
    buffer.seek(0)
    x = ember.randn(2, 3)
    _assert_same(ember.export.load(buffer).module()(x), InPlace()(x))


class _Square(ember.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return 2 * x * grad


class _Project(ember.autograd.Function):       # the torch.func style: forward without ctx, setup_context apart
    @staticmethod
    def forward(x, w):
        return x @ w.t()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(*inputs)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        return grad @ w, grad.t() @ x


def test_a_users_autograd_function_records_the_operators_its_forward_calls():
    class Custom(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = ember.nn.Parameter(ember.randn(2, 3))

        def forward(self, x):
            return _Project.apply(_Square.apply(x) + 1, self.w)

    mod = Custom()
    ep = ember.export.export(mod, (ember.randn(4, 3),))
    assert targets(ep) == ['mul.Tensor', 'add.Tensor', 't.default', 'matmul.default']      # PyTorch's graph
    x = ember.randn(4, 3)
    buffer = io.BytesIO()
    ember.export.save(ep, buffer)
    buffer.seek(0)
    with ember.no_grad():
        _assert_same(ember.export.load(buffer).module()(x), mod(x))
    y = _Square.apply(ember.tensor([3.0], requires_grad=True))       # outside a trace: the Function as before
    y.backward()
    assert y.grad_fn.name() == '_SquareBackward'


class _Positives(ember.nn.Module):
    """Reads the number of positive entries (a size that depends on the data) through ``.shape``."""

    def __init__(self, use):
        super().__init__()
        self.use = use

    def forward(self, x):
        return self.use(x, x[x > 0].shape[0])


def _branch(x, n):
    return x + 1 if n > 2 else x - 1


@pytest.mark.parametrize('use, message', [
    # PyTorch's texts (torch.export of the same modules)
    (_branch, 'Could not guard on data-dependent expression u0 > 2 (unhinted: u0 > 2).  (Size-like symbols: u0)'),
    (lambda x, n: x * int(n), 'Could not extract specialized integer from data-dependent expression u0 '
                              '(unhinted: u0).  (Size-like symbols: u0)'),
    (lambda x, n: x if n == 0 else x * 2, 'Could not guard on data-dependent expression Eq(u0, 0) '
                                           '(unhinted: Eq(u0, 0)).'),
    (lambda x, n: x[:1] if 2 * n + 1 >= 5 else x, 'Could not guard on data-dependent expression 2*u0 + 1 >= 5'),
])
def test_a_shape_that_depends_on_the_data_cannot_decide_the_program(use, message):
    with pytest.raises(GuardOnDataDependentSymNode, match='^' + re.escape(message)):
        ember.export.export(_Positives(use), (ember.tensor([1.0, -2.0, 3.0, 4.0]),))


def test_the_sizes_of_a_data_dependent_tensor_that_do_not_depend_on_the_data_are_numbers():
    class Columns(ember.nn.Module):
        def forward(self, x):
            rows = x[x[:, 0] > 0]
            return x * rows.shape[1], repr(rows.shape)

    ep = ember.export.export(Columns(), (ember.ones(3, 2),))
    assert ep.module()(ember.ones(3, 2))[1] == 'ember.Size([u0, 2])'     # PyTorch prints torch.Size([u0, 2])
    assert ember.equal(ep.module()(ember.ones(3, 2))[0], ember.ones(3, 2) * 2)


def test_a_value_computed_on_arrays_out_of_sight_is_refused_and_constants_are_kept():
    bare_argmax = unwrapped(ember.argmax)      # computed on the arrays, without a graph node of autograd's

    class Hidden(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.table = {'pick': bare_argmax}     # inside a dict: the trace cannot swap it

        def forward(self, x):
            return self.table['pick'](x, 1)

    with pytest.raises(UntracedComputation, match=r'^ember\.export cannot record aten::argmax in Hidden: ember '
                                                  r'computes it outside the operators it records'):
        ember.export.export(Hidden(), (ember.randn(3, 4),))

    class Constants(ember.nn.Module):       # tensors made from Python values are constants of the program
        def forward(self, x):
            return x * ember.tensor([1.0, 2.0, 3.0]) + ember.linspace(0, 1, 3)

    ep = ember.export.export(Constants(), (ember.ones(3),))
    x = ember.tensor([4.0, 5.0, 6.0])
    assert ember.equal(ep.module()(x), Constants()(x))


def test_make_fx_refuses_what_it_cannot_see_too():
    from ember.fx.experimental.proxy_tensor import make_fx
    table = {'pick': unwrapped(ember.argmax)}

    def hidden(x):
        return table['pick'](x, 1)

    with pytest.raises(UntracedComputation, match=r'^ember\.export cannot record aten::argmax: '):
        make_fx(hidden)(ember.randn(3, 4))

    def named(x):       # a function of ember's named in this module: recorded
        return _bare_relu(x) * ember.tensor([1.0, 2.0])

    gm = make_fx(named)(ember.randn(2))
    x = ember.tensor([-1.0, 3.0])
    assert ember.equal(gm(x), named(x))
    assert 'aten.relu.default' in gm.code
