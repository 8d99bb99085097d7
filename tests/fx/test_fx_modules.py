"""ember.fx's small public modules against PyTorch's (recorded by tests/fixtures/fx/record_fx_modules.py):
the read-only lists and dicts nodes keep their arguments in, annotate, tensor types, node metadata
(fx.traceback), normalized calls (operator_schemas) and fx.config."""
import json
import pathlib
import warnings

import pytest

import ember
from tests.fixtures.fx import modules_cases

_RECORDED = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'fx' / 'fx_modules.json').read_text())

# normalize_function is compared on calls both libraries bind alike: PyTorch binds its C++ ops to
# their TorchScript schemas and refuses ops with several overloads (add, conv2d, clamp), which ember,
# whose ops are Python functions with one signature each, binds (see the last test)


def _jsonable(value):
    return json.loads(json.dumps(value, default=repr))


@pytest.mark.parametrize('case', modules_cases.CASES, ids=lambda c: c.__name__)
def test_module_behaves_as_pytorchs(case):
    ember.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        got = _jsonable(case(ember))
    want = json.loads(json.dumps(_RECORDED[case.__name__]).replace('torch', 'ember'))
    assert got == want


def test_editing_node_arguments_in_place_is_refused_and_assigning_works():
    gm = ember.fx.symbolic_trace(lambda x: ember.cat([x, x], dim=0))
    node = next(n for n in gm.graph.nodes if n.op == 'call_function')
    with pytest.raises(TypeError, match="'immutable_list' object does not support mutation"):
        node.args[0].append(node.args[0][0])
    node.args = ([node.args[0][0]] * 3,)
    gm.recompile()
    assert gm(ember.ones(1, 2)).shape == (3, 2)


def test_normalize_function_binds_ember_ops_by_their_signatures():
    from ember.fx.operator_schemas import normalize_function
    x = ember.ones(2)
    pair = normalize_function(ember.add, (x, x), {'alpha': 2}, normalize_to_only_use_kwargs=True)
    assert list(pair.kwargs) == ['input', 'other', 'alpha'] and pair.kwargs['alpha'] == 2
    assert normalize_function(ember.nn.functional.relu, (x,), {}).kwargs == {'inplace': False}


# torch.fx modules ember leaves out, and why
_EXCLUDED = {
    'fx.passes.backends': 'the CUDA-graphs backend of TorchDynamo/Inductor, which ember does not have',
    'fx.passes.backends.cudagraphs': 'the CUDA-graphs backend of TorchDynamo/Inductor, which ember does not have',
    'fx.passes.regional_inductor': 'compiles regions of a graph with Inductor, which ember does not have',
    'fx.passes.regional_inductor_invoke_subgraph': 'compiles regions of a graph with Inductor, which ember does '
                                                   'not have',
    'fx.passes.runtime_assert': "inserts the runtime checks of a dynamic-shape graph's SymPy guards (ShapeEnv), "
                                'which ember does not model',
    'fx.passes.graph_transform_observer': "draws Inductor's graph passes before and after, under Inductor's "
                                          'settings (log_url_for_graph_xform, disabled_passes, its compiler '
                                          'bisector), which ember does not have',
    'fx.passes.tests': "PyTorch's own test helpers",
    'fx.passes.tests.test_pass_manager': "PyTorch's own test helpers",
}
# modules a user may call that ember does not have yet: each listed here must really be missing
# (remove it from the list when it is written)
_NOT_YET = {'fx.passes.net_min_base',
            'fx.passes.splitter_base',
            'fx.passes.utils.matcher_with_name_node_map_utils', 'fx.passes.utils.source_matcher_utils'}


@pytest.mark.parametrize('name', sorted(set(_RECORDED['inventory']) - set(_EXCLUDED) - _NOT_YET))
def test_pytorchs_fx_module_exists(name):
    import importlib
    importlib.import_module(f'ember.{name}')


@pytest.mark.parametrize('name', sorted(_NOT_YET))
def test_missing_module_is_listed_honestly(name):
    import importlib
    assert name in _RECORDED['inventory']
    with pytest.raises(ImportError):
        importlib.import_module(f'ember.{name}')
