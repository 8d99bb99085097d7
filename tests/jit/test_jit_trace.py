"""ember.jit.trace records a module's or function's ops as a TorchScript program; ember.jit.save writes it as
an archive PyTorch's torch.jit.load runs. What PyTorch computes from ember's archives of the models in
traced_models.py is recorded in tests/fixtures/jit/traced_by_ember.json (record_ember_traced.py)."""
import io
import json
import os
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
from tests.jit.traced_models import cases

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'fixtures', 'jit')
PYTORCH = json.load(open(os.path.join(HERE, 'traced_by_ember.json')))
pytestmark = [pytest.mark.filterwarnings('ignore:`ember.jit.load` is deprecated:DeprecationWarning'),
              pytest.mark.filterwarnings('ignore:`ember.jit.trace` is deprecated:DeprecationWarning')]


@pytest.fixture(scope='module')
def models():
    return cases()


def _outputs(out):
    return [o.detach().numpy() for o in (out if isinstance(out, tuple) else (out,))]


def _close(got, want, rtol=1e-5, atol=1e-5):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, np.asarray(w), rtol=rtol, atol=atol)


@pytest.mark.parametrize('name', sorted(PYTORCH))
def test_traced_model_saved_gives_what_pytorch_computes_from_the_archive(models, name, tmp_path):
    module, inputs = models[name]
    traced = ember.jit.trace(module, inputs)
    assert type(traced) is ember.jit.TopLevelTracedModule and isinstance(traced, ember.nn.Module)
    eager = _outputs(module(*inputs))
    _close(_outputs(traced(*inputs)), eager, rtol=1e-6, atol=1e-6)
    path = str(tmp_path / f'{name}.pt')
    ember.jit.save(traced, path)
    loaded = ember.jit.load(path)          # runs the archive's code on ember
    record = PYTORCH[name]
    assert repr(loaded) == record['repr']
    assert sorted(loaded.state_dict()) == record['state_dict']
    _close(_outputs(loaded(*inputs)), record['outputs'])
    _close(eager, record['outputs'])


def test_traced_module_prints_and_shares_the_modules_state(models):
    module, inputs = models['mlp']
    traced = ember.jit.trace(module, inputs)
    assert repr(traced) == ('MLP(\n  original_name=MLP\n  (fc1): Linear(original_name=Linear)\n'
                            '  (act): GELU(original_name=GELU)\n  (fc2): Linear(original_name=Linear)\n)')
    # each module's class has the forward its call ran, called from its parent, as PyTorch writes it
    # (as PyTorch prints it: tests/fixtures/jit/trace_code.json, 'mlp')
    assert traced.code == ('def forward(self,\n    x: Tensor) -> Tensor:\n  fc2 = self.fc2\n  act = self.act\n'
                           '  fc1 = self.fc1\n  _0 = (fc2).forward((act).forward((fc1).forward(x, ), ), )\n'
                           '  return torch.softmax(_0, -1)\n')
    assert 'torch.linear(x, weight, bias)' in traced.fc1.code and 'torch.gelu(' in traced.act.code
    x = ember.randn(2, 6)
    np.testing.assert_allclose(traced.fc1(x).detach().numpy(), module.fc1(x).detach().numpy(), rtol=1e-6)
    assert traced.fc1.weight is module.fc1.weight
    assert type(traced.fc1) is ember.jit.TracedModule
    assert isinstance(traced, ember.jit.ScriptModule) and isinstance(traced.fc1, ember.jit.ScriptModule)
    assert not isinstance(module, ember.jit.ScriptModule)
    with ember.no_grad():
        module.fc2.bias.add_(1.0)
    try:
        _close(_outputs(traced(*inputs)), _outputs(module(*inputs)), rtol=1e-6, atol=1e-6)
    finally:
        with ember.no_grad():
            module.fc2.bias.sub_(1.0)
    assert 'call_function' in str(traced.graph) or 'linear' in str(traced.graph)


def test_traced_function_is_a_script_function(tmp_path):
    def scale_and_shift(x, y):
        return x * 2 + y.sin()
    x, y = ember.randn(3), ember.randn(3)
    fn = ember.jit.trace(scale_and_shift, (x, y))
    assert isinstance(fn, ember.jit.ScriptFunction)
    assert repr(fn).startswith('<ember.jit.ScriptFunction object at 0x')
    assert fn.name == 'scale_and_shift' and fn.qualified_name == '__torch__.scale_and_shift'
    assert fn.code.startswith('def scale_and_shift(x: Tensor,\n    y: Tensor) -> Tensor:\n')
    np.testing.assert_allclose(fn(y, x).numpy(), scale_and_shift(y, x).numpy(), rtol=1e-6)
    buf = io.BytesIO()
    ember.jit.save(fn, buf)
    buf.seek(0)
    loaded = ember.jit.load(buf)
    assert repr(loaded) == 'RecursiveScriptModule(original_name=PlaceholderModule)'
    np.testing.assert_allclose(loaded(y, x).numpy(), scale_and_shift(y, x).numpy(), rtol=1e-6)
    relu = ember.jit.trace(ember.relu, x)         # an op of ember's own, traced as a function
    assert relu.name == 'relu' and 'torch.relu(' in relu.code
    np.testing.assert_array_equal(relu(y).numpy(), ember.relu(y).numpy())


def test_control_flow_is_frozen_and_the_check_finds_it():
    def branchy(x):
        return x * 3 if x.sum() > 0 else -x
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        fn = ember.jit.trace(branchy, (ember.ones(2),), check_trace=False)
    told = [str(w.message) for w in caught if w.category is ember.jit.TracerWarning]
    assert len(told) == 1 and told[0].startswith('Converting a tensor to a Python boolean might cause the trace to '
                                                 'be incorrect. We can\'t record the data flow of Python values')
    assert [w.filename for w in caught if w.category is ember.jit.TracerWarning] == [__file__]   # the reading line
    np.testing.assert_array_equal(fn(-ember.ones(2)).numpy(), [-3., -3.])     # the branch taken while tracing
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', ember.jit.TracerWarning)
        with pytest.raises(ember.jit.TracingCheckError,
                           match='^Tracing failed sanity checks!\nERROR: Graphs differed across invocations!\n'):
            ember.jit.trace(branchy, (ember.ones(2),), check_inputs=[(-ember.ones(2),)])


def test_numpy_and_factories_are_frozen_with_pytorch_s_warnings():
    import numpy
    def through_numpy(x):
        unused = x.sum()        # computed and not used: no code, as TorchScript's dead-code pass leaves none
        y = ember.from_numpy(numpy.sin((x * 2).numpy()))
        return y + ember.tensor([1.0, 2.0, 3.0]) + ember.as_tensor(numpy.ones(3, numpy.float32))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        fn = ember.jit.trace(through_numpy, (ember.ones(3),), check_trace=False)
    told = [str(w.message) for w in caught if w.category is ember.jit.TracerWarning]
    assert told[0].startswith('Converting a tensor to a NumPy array might cause the trace to be incorrect.')
    assert [t.split(' results')[0] for t in told[1:]] == ['ember.from_numpy', 'ember.tensor', 'ember.as_tensor']
    assert all(w.filename == __file__ for w in caught if w.category is ember.jit.TracerWarning)
    np.testing.assert_allclose(fn(ember.zeros(3)).numpy(), numpy.sin([2., 2., 2.]) + [2., 3., 4.], rtol=1e-6)
    assert 'sum' not in fn.code
    # the deprecation is ember's own line's, hidden by default as PyTorch's is (a warning on torch's line)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        ember.jit.trace(ember.relu, (ember.ones(2),))
    assert [w.filename.replace('\\', '/').rsplit('/', 2)[-2] for w in caught
            if w.category is DeprecationWarning] == ['jit']
    with pytest.raises(RuntimeError, match=r'^\.numpy\(\) is not supported for tensor subclasses\.$'):
        ember.export.export(_NumpyForward(), (ember.ones(3),))


class _NumpyForward(nn.Module):
    def forward(self, x):
        return ember.from_numpy(x.numpy()) + 1


def test_outputs_that_differ_from_python_warn():
    def noisy(x):
        return nn.functional.dropout(x, 0.5, training=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        ember.jit.trace(noisy, (ember.ones(50),))
    told = [str(w.message) for w in caught if w.category is ember.jit.TracerWarning]
    assert len(told) == 2
    assert told[0].startswith('Trace had nondeterministic nodes. Did you forget call .eval() on your model? Nodes:\n'
                              '\t%dropout : ') and told[0].endswith('pass check_trace=False to ember.jit.trace()')
    assert told[1].startswith('Output nr 1. of the traced function does not match the corresponding output of the '
                              'Python function. Detailed error:\nTensor-likes are not close!')
    with warnings.catch_warnings():
        warnings.simplefilter('error', ember.jit.TracerWarning)
        ember.jit.trace(noisy, (ember.ones(50),), check_trace=False)


def test_strict_containers_and_inputs_as_pytorch():
    class Named(nn.Module):
        def forward(self, x):
            return {'double': x * 2, 'same': x}
    with pytest.raises(RuntimeError, match='^Encountering a dict at the output of the tracer might cause the trace '
                       'to be incorrect.*pass strict=False to trace'):
        ember.jit.trace(Named(), (ember.ones(2),))
    traced = ember.jit.trace(Named(), (ember.ones(2),), strict=False)
    assert 'Dict[str, Tensor]' in traced.code
    out = traced(ember.arange(2.))
    assert sorted(out) == ['double', 'same'] and out['double'].tolist() == [0., 2.]

    class Pair(nn.Module):
        def forward(self, x):
            return [x + 1, x]
    with pytest.warns(ember.jit.TracerWarning, match='^Encountering a list at the output of the tracer'):
        ember.jit.trace(Pair(), (ember.ones(2),))

    class Scaled(nn.Module):
        def forward(self, x, n):
            return x * n
    with pytest.raises(RuntimeError, match=r"^Type 'Tuple\[Tensor, int\]' cannot be traced\. Only Tensors and "
                       r"\(possibly nested\) Lists, Dicts, and Tuples of Tensors can be traced$"):
        ember.jit.trace(Scaled(), (ember.ones(2), 3))
    with pytest.raises(RuntimeError, match='^Only tensors, lists, tuples of tensors, or dictionary of tensors can be '
                       'output from traced functions$'):
        ember.jit.trace(lambda x: (x * 2, 3), ember.ones(2))
    with pytest.raises(RuntimeError, match="^The traced function didn't return any values! Side-effects are not "
                       "captured in traces, so it would be a no-op.$"):
        ember.jit.trace(lambda x: None, ember.ones(2))
    with pytest.raises(RuntimeError, match='^example_kwarg_inputs or example_inputs must be provided$'):
        ember.jit.trace(Scaled())


def test_example_kwarg_inputs():
    class Gate(nn.Module):
        def forward(self, x, gate=None):
            return x * ember.sigmoid(gate)
    x, g = ember.randn(3), ember.randn(3)
    traced = ember.jit.trace(Gate(), example_kwarg_inputs={'x': x, 'gate': g})
    assert traced.code.startswith('def forward(self,\n    x: Tensor,\n    gate: Tensor) -> Tensor:')
    np.testing.assert_allclose(traced(g, x).numpy(), (g * ember.sigmoid(x)).numpy(), rtol=1e-6)


def test_what_ember_cannot_write_is_refused_naming_the_operator():
    class Loss(nn.Module):
        def __init__(self):
            super().__init__()
            self.loss = nn.GaussianNLLLoss()

        def forward(self, x, target, var):
            return self.loss(x, target, var)
    with pytest.raises(RuntimeError, match=r"^ember\.jit\.trace cannot record the call of 'gaussian_nll_loss': "
                       r"ember\.export does not know the ATen operator 'gaussian_nll_loss'"):
        ember.jit.trace(Loss(), (ember.randn(3, 4), ember.randn(3, 4), ember.ones(3, 4)))


def test_attention_with_both_masks_is_traced_as_pytorchs_python_code():
    class Padded(nn.Module):
        def __init__(self):
            super().__init__()
            self.attention = nn.MultiheadAttention(8, 2, batch_first=True)

        def forward(self, x, mask, causal):
            return self.attention(x, x, x, key_padding_mask=mask, attn_mask=causal)[0]
    causal = ember.ones(3, 3, dtype=ember.bool).triu(1)
    module = Padded().eval()
    traced = ember.jit.trace(module, (ember.randn(2, 3, 8), ember.tensor([[False, False, True]] * 2), causal))
    assert 'torch.baddbmm(' in traced.attention.code and 'torch.linear(' in traced.attention.code
    x, mask = ember.randn(2, 3, 8), ember.tensor([[False, True, False], [False, False, False]])
    assert ember.allclose(traced(x, mask, causal), module(x, mask, causal), atol=1e-6)


@pytest.mark.parametrize('name', sorted(PYTORCH))
def test_pytorch_runs_embers_archive(models, name, tmp_path):
    torch = pytest.importorskip('torch')
    module, inputs = models[name]
    path = str(tmp_path / f'{name}.pt')
    ember.jit.trace(module, inputs).save(path)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        loaded = torch.jit.load(path)
    with torch.no_grad():
        got = loaded(*[torch.from_numpy(t.numpy().copy()) for t in inputs])
    _close([g.numpy() for g in (got if isinstance(got, tuple) else (got,))], _outputs(module(*inputs)))


def test_is_tracing_and_trace_module():
    seen = []

    class Probe(nn.Module):
        def forward(self, x):
            seen.append(ember.jit.is_tracing())
            states.append(ember._C._get_tracing_state())     # what libraries ask (pyro)
            return x + 1
    states = []
    traced = ember.jit.trace_module(Probe(), {'forward': (ember.ones(2),)}, check_trace=False)
    assert seen == [True] and ember.jit.is_tracing() is False
    assert states[0] is not None and ember._C._get_tracing_state() is None
    assert traced(ember.zeros(2)).tolist() == [1., 1.] and seen == [True]     # the program runs, not forward
    with pytest.raises(AttributeError, match=r'^expected a dictionary of \(method_name, input\) pairs$'):
        ember.jit.trace_module(Probe(), (ember.ones(2),))
    with pytest.raises(RuntimeError, match='traces forward only; it cannot trace other'):
        ember.jit.trace_module(Probe(), {'forward': (ember.ones(2),), 'other': (ember.ones(2),)})


def test_inputs_in_tuples_and_dicts_and_a_closed_over_tensor(tmp_path):
    class WithState(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(4, 3, batch_first=True)

        def forward(self, x, state, extra):
            y, (h, c) = self.lstm(x, state)
            return y + extra['bias'], (h, c)
    ember.manual_seed(3)
    module = WithState().eval()
    x, h, c, bias = ember.randn(2, 5, 4), ember.randn(1, 2, 3), ember.randn(1, 2, 3), ember.randn(3)
    traced = ember.jit.trace(module, [x, (h, c), {'bias': bias}])      # a list: the arguments, as PyTorch
    assert traced.code.startswith('def forward(self,\n    x: Tensor,\n    state: Tuple[Tensor, Tensor],\n'
                                  '    extra: Dict[str, Tensor]) -> Tuple[Tensor, Tuple[Tensor, Tensor]]:\n')
    path = str(tmp_path / 'state.pt')
    traced.save(path)
    loaded = ember.jit.load(path)
    h2, c2 = ember.randn(1, 2, 3), ember.randn(1, 2, 3)
    (got, (got_h, got_c)), (want, (want_h, want_c)) = loaded(x, (h2, c2), {'bias': bias}), module(x, (h2, c2),
                                                                                               {'bias': bias})
    _close([got.detach().numpy(), got_h.detach().numpy(), got_c.detach().numpy()],
           [want.detach().numpy(), want_h.detach().numpy(), want_c.detach().numpy()], rtol=1e-6, atol=1e-6)

    weight = ember.randn(3)
    fn = ember.jit.trace(lambda v: v * weight, (ember.ones(3),))
    assert 'CONSTANTS.c0' in fn.code
    np.testing.assert_allclose(fn(ember.full((3,), 2.)).numpy(), (2 * weight).numpy(), rtol=1e-6)


def test_example_inputs_are_stored_in_the_archive_unless_told_not_to(tmp_path):
    import zipfile
    lin, x = nn.Linear(2, 2), ember.tensor([[1., 2.]])
    stored, bare = str(tmp_path / 'stored.pt'), str(tmp_path / 'bare.pt')
    ember.jit.trace(lin, x).save(stored)
    ember.jit.trace(lin, x, _store_inputs=False).save(bare)
    with zipfile.ZipFile(stored) as zf:
        assert {'stored/traced_inputs.pkl', 'stored/traced_inputs/0'} <= set(zf.namelist())
    with zipfile.ZipFile(bare) as zf:
        assert not [n for n in zf.namelist() if 'traced_inputs' in n]
    loaded = ember.jit.load(stored)
    again = str(tmp_path / 'again.pt')
    loaded.save(again)                       # kept through a load and a save
    with zipfile.ZipFile(stored) as zf, zipfile.ZipFile(again) as zf2:
        for name in ('traced_inputs.pkl', 'traced_inputs/0'):
            assert zf2.read(f'again/{name}') == zf.read(f'stored/{name}')
        assert b'List[Any]' in zf.read('stored/traced_inputs.pkl')
        assert np.frombuffer(zf.read('stored/traced_inputs/0'), np.float32).tolist() == [1., 2.]


def test_a_module_run_twice_as_two_programs_is_printed_whole(tmp_path):
    class Rows(nn.Module):
        def forward(self, x):
            return x.reshape(x.size(0), -1).sum(1)

    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.rows = Rows()

        def forward(self, x):
            return self.rows(x) + self.rows(x[:1]).sum()
    module = Twice()
    traced = ember.jit.trace(module, ember.randn(2, 2, 3))
    # the two calls ran different programs (the sizes differ): PyTorch would write forward and forward1;
    # ember writes the program whole in the top module's forward
    assert '(self.rows).forward' not in traced.code and traced.code.count('torch.reshape(') == 2
    x = ember.randn(2, 2, 3)
    path = str(tmp_path / 'twice.pt')
    traced.save(path)
    np.testing.assert_allclose(ember.jit.load(path)(x).numpy(), module(x).numpy(), rtol=1e-6)
