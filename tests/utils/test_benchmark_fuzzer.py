"""ember.utils.benchmark.Fuzzer draws what PyTorch's draws for the same seed (recorded in
tests/fixtures/benchmark_fuzzer/draws.json by record.py there)."""
import json
import pathlib

import numpy as np
import pytest

import ember
from ember.utils.benchmark import Fuzzer, FuzzedParameter, FuzzedTensor, ParameterAlias
from tests.fixtures.benchmark_fuzzer.record import draws

RECORDED = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures/benchmark_fuzzer/draws.json').read_text())


@pytest.fixture(scope='module')
def ours():
    import tests.fixtures.benchmark_fuzzer.record as record
    record.torch, saved = ember, record.torch
    record.Fuzzer, record.FuzzedParameter, record.FuzzedTensor = Fuzzer, FuzzedParameter, FuzzedTensor
    try:
        return draws()
    finally:
        record.torch = saved


@pytest.mark.parametrize('case', ['loguniform_2d', 'strict_steps'])
def test_same_sizes_layouts_and_values_as_pytorch(ours, case):
    assert len(ours[case]) == len(RECORDED[case])
    for got, want in zip(ours[case], RECORDED[case]):
        head_got, head_want = got.pop('head'), dict(want).pop('head')
        assert got == {k: v for k, v in want.items() if k != 'head'}
        np.testing.assert_allclose(head_got, head_want, rtol=1e-6)
    assert ours['rejection_rate'] == RECORDED['rejection_rate'] > 0


def test_custom_distribution_and_aliases():
    fuzzer = Fuzzer(parameters=[FuzzedParameter('k0', distribution={3: 0.5, 5: 0.5}),
                                FuzzedParameter('k1', distribution={ParameterAlias('k0'): 1.0})],
                    tensors=[FuzzedTensor('x', size=('k0', 'k1'))], seed=1)
    for tensors, _, params in fuzzer.take(5):
        assert params['k0'] == params['k1'] in (3, 5)
        assert tensors['x'].shape == (params['k0'], params['k0'])


def test_bad_specifications_raise():
    with pytest.raises(AssertionError, match='Distribution is not normalized'):
        FuzzedParameter('k', distribution={1: 0.5, 2: 0.2})
    with pytest.raises(AssertionError, match='Unknown distribution: None'):
        FuzzedParameter('k', minval=1, maxval=2)
    with pytest.raises(AssertionError, match="'minval' must be None"):
        FuzzedParameter('k', minval=1, distribution={1: 1.0})
    with pytest.raises(ValueError, match='Duplicate names'):
        Fuzzer([FuzzedParameter('x', 1, 2, 'uniform')], [FuzzedTensor('x', size=(2,))])
    cyclic = Fuzzer([FuzzedParameter('a', distribution={ParameterAlias('b'): 1.0}),
                     FuzzedParameter('b', distribution={ParameterAlias('a'): 1.0})], [], seed=0)
    with pytest.raises(ValueError, match='ParameterAlias cycle detected'):
        next(cyclic.take(1))
    never = Fuzzer([FuzzedParameter('n', 1, 4, 'uniform')], [FuzzedTensor('x', size=('n',), min_elements=10)], seed=0)
    with pytest.raises(ValueError, match='Failed to generate a set of valid parameters.'):
        next(never.take(1))
    assert never.rejection_rate == 1.0
