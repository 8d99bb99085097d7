"""ember.utils._pytree: PyTorch's pytree utilities (results and texts recorded from torch.utils._pytree)."""
from collections import OrderedDict, defaultdict, deque, namedtuple

import pytest

import ember
from ember.utils import _pytree as pt

P = namedtuple('P', 'x y')


def _tree():
    return {'b': [1, (2, 7)], 'a': P(3, OrderedDict(k=4)), 'c': deque([5]), 'd': defaultdict(int, z=6)}


def test_flatten_spec_and_unflatten():
    leaves, spec = pt.tree_flatten(_tree())
    assert leaves == [1, 2, 7, 3, 4, 5, 6]
    assert repr(spec) == (
        "TreeSpec(dict, ['b', 'a', 'c', 'd'], [TreeSpec(list, None, [*,\n    TreeSpec(tuple, None, [*,\n      *])]),\n"
        "  TreeSpec(namedtuple, <class 'tests.test_pytree.P'>, [*,\n    TreeSpec(OrderedDict, ['k'], [*])]),\n"
        "  TreeSpec(deque, None, [*]),\n  TreeSpec(defaultdict, [<class 'int'>, ['z']], [*])])")
    assert (spec.num_leaves, spec.num_nodes) == (7, 14)
    rebuilt = pt.tree_unflatten([x * 10 for x in leaves], spec)
    assert rebuilt == {'b': [10, (20, 70)], 'a': P(30, OrderedDict(k=40)), 'c': deque([50]),
                       'd': defaultdict(int, z=60)} and type(rebuilt['d']) is defaultdict
    with pytest.raises(ValueError, match="`leaves` has length 1 but the spec refers to a pytree that holds 7 items"):
        pt.tree_unflatten([1], spec)
    assert pt.tree_flatten(None) == ([None], pt.LeafSpec()) and repr(pt.tree_structure(3)) == '*'
    assert repr(pt.tree_flatten([])[1]) == 'TreeSpec(list, None, [])'
    assert pt.tree_structure([1]) == pt.tree_structure([2]) and pt.tree_structure([1]) != pt.tree_structure((1,))


def test_maps_and_predicates():
    assert pt.tree_map(lambda x: x + 1, [1, {'a': 2}]) == [2, {'a': 3}]
    assert pt.tree_map(lambda a, b: a + b, [1, 2], [10, 20]) == [11, 22]
    assert pt.tree_map(lambda a, b: (a, b), [1, 2], [[5, 6], 7]) == [(1, [5, 6]), (2, 7)]
    assert pt.tree_map_only(int, lambda x: -x, [1, 'a', 2.0]) == [-1, 'a', 2.0]
    assert pt.tree_all(lambda x: x > 0, [1, 2]) and pt.tree_any(lambda x: x > 1, (1, 2))
    assert pt.tree_leaves([1, [2]], is_leaf=lambda x: isinstance(x, list) and len(x) == 1) == [1, [2]]
    seen = []
    pt.tree_map_(seen.append, (1, [2]))
    assert seen == [1, 2]


def test_key_paths():
    pairs, _ = pt.tree_flatten_with_path({'a': [1, (2, P(3, 4))]})
    assert pt.keystr(pairs[2][0]) == "['a'][1][1].x"
    assert pairs[0][0] == (pt.MappingKey('a'), pt.SequenceKey(0))
    assert pt.tree_map_with_path(lambda kp, x: pt.keystr(kp), {'q': [0, P(1, 2)]}) == \
        {'q': ["['q'][0]", P("['q'][1].x", "['q'][1].y")]}
    assert pt.key_get({'a': [1, (2, P(3, 4))]}, pairs[3][0]) == 4


def test_result_tuples_and_registered_types():
    assert repr(pt.tree_flatten(ember.max(ember.tensor([1., 3.]), 0))[1]) == 'TreeSpec(max, None, [*,\n  *])'

    class Pair:
        def __init__(self, a, b):
            self.a, self.b = a, b

    pt.register_pytree_node(Pair, lambda p: ([p.a, p.b], None), lambda c, _: Pair(*c))
    try:
        doubled = pt.tree_map(lambda x: x * 2, [Pair(1, 2)])[0]
        assert (doubled.a, doubled.b) == (2, 4)
        with pytest.raises(ValueError, match="is already registered as pytree node"):
            pt.register_pytree_node(Pair, lambda p: ([], None), lambda c, _: None)
        with pytest.raises(ValueError, match="Did not find a flatten_with_keys_fn"):
            pt.tree_flatten_with_path(Pair(1, 2))
    finally:
        del pt.SUPPORTED_NODES[Pair]
