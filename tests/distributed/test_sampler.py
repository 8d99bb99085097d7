"""DistributedSampler: PyTorch's index assignment (recorded data, and live when PyTorch is importable)."""
import json
import math
import os

import pytest

import ember
from ember.utils.data import DistributedSampler

RECORDED = json.load(open(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'distributed', 'sampler.json')))
CASES = RECORDED['cases']


def _ember_parts(case):
    parts = []
    for rank in range(case['num_replicas']):
        s = DistributedSampler(range(case['n']), case['num_replicas'], rank, case['shuffle'], case['seed'],
                               case['drop_last'])
        s.set_epoch(case['epoch'])
        parts.append(list(s))
    return parts, len(s)


def _randperm_matches_pytorch():
    for key, perm in RECORDED['randperm'].items():
        n, seed = map(int, key.split(','))
        g = ember.Generator()
        g.manual_seed(seed)
        if ember.randperm(n, generator=g).tolist() != perm:
            return False
    return True


def _id(case):
    return '-'.join(f'{k}={case[k]}' for k in ('n', 'num_replicas', 'shuffle', 'seed', 'drop_last', 'epoch'))


@pytest.mark.parametrize('case', [c for c in CASES if not c['shuffle']], ids=_id)
def test_unshuffled_partitions_equal_pytorch(case):
    parts, length = _ember_parts(case)
    assert parts == case['parts'] and length == case['len']


@pytest.mark.parametrize('case', [c for c in CASES if c['shuffle']], ids=_id)
def test_shuffled_partitions_equal_pytorch(case):
    if not _randperm_matches_pytorch():
        pytest.skip("ember.randperm with a seeded Generator does not yet draw PyTorch's permutation")
    parts, length = _ember_parts(case)
    assert parts == case['parts'] and length == case['len']


@pytest.mark.parametrize('case', [c for c in CASES if c['shuffle']], ids=_id)
def test_shuffled_assignment_follows_pytorch_rule_on_embers_permutation(case):
    """Whatever permutation the seeded generator draws, padding and striding are PyTorch's."""
    n, r = case['n'], case['num_replicas']
    g = ember.Generator()
    g.manual_seed(case['seed'] + case['epoch'])
    perm = ember.randperm(n, generator=g).tolist()
    total = (math.ceil((n - r) / r) if case['drop_last'] and n % r else math.ceil(n / r)) * r
    padded = perm[:total] if case['drop_last'] else (perm * math.ceil(total / n))[:total]
    parts, length = _ember_parts(case)
    assert parts == [padded[k:total:r] for k in range(r)] and length == total // r
    assert sorted(sum(parts, [])) == sorted(padded)


def test_set_epoch_reshuffles_and_is_reproducible():
    a = DistributedSampler(range(50), 2, 0, seed=1)
    first = list(a)
    assert list(a) == first
    a.set_epoch(1)
    assert list(a) != first
    b = DistributedSampler(range(50), 2, 0, seed=1)
    b.set_epoch(1)
    assert list(b) == list(a)


def test_errors_like_pytorch():
    with pytest.raises(ValueError, match=r'Invalid rank 2, rank should be in the interval \[0, 1\]'):
        DistributedSampler(range(4), num_replicas=2, rank=2)
    import ember.distributed as dist
    if dist.is_available():
        with pytest.raises(ValueError, match='Default process group has not been initialized'):
            DistributedSampler(range(4))
    else:   # no mpi4py
        with pytest.raises(RuntimeError, match='Requires distributed package to be available'):
            DistributedSampler(range(4))


def test_live_pytorch_oracle():
    torch = pytest.importorskip('torch')
    from torch.utils.data.distributed import DistributedSampler as TorchSampler
    for case in CASES:
        if case['shuffle'] and not _randperm_matches_pytorch():
            continue
        want = []
        for rank in range(case['num_replicas']):
            s = TorchSampler(range(case['n']), case['num_replicas'], rank, case['shuffle'], case['seed'],
                             case['drop_last'])
            s.set_epoch(case['epoch'])
            want.append(list(s))
        assert _ember_parts(case)[0] == want
