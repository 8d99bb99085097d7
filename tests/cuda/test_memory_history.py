"""torch.cuda.memory's history: _record_memory_history records each allocation and free of ember's CUDA
memory with the Python stack that made it, _snapshot returns them per device, _dump_snapshot pickles them."""
import pickle

import pytest

import ember
from ember import cuda


@pytest.fixture
def history():
    cuda.memory._record_memory_history(enabled=None, clear_history=True)
    yield cuda.memory
    cuda.memory._record_memory_history(enabled=None, clear_history=True)


def _make_and_free():
    x = ember.ones(1000, device='cuda')
    address, size = x.data_ptr(), x.nbytes
    del x
    return address, size


def test_allocations_and_frees_are_recorded_in_order_with_their_stacks(history, tmp_path):
    history._record_memory_history()
    address, size = _make_and_free()
    history._record_memory_history(enabled=None)
    _make_and_free()                                       # not recorded: the history was stopped
    snap = history._snapshot()
    assert snap['segments'] == [] and len(snap['device_traces']) == cuda.device_count()
    mine = [e for e in snap['device_traces'][0] if e['addr'] == address]
    assert [e['action'] for e in mine] == ['alloc', 'free_requested', 'free_completed']
    assert all(e['size'] >= size and e['stream'] == 0 for e in mine)
    assert mine[0]['time_us'] <= mine[-1]['time_us']
    names = [f['name'] for f in mine[0]['frames']]
    assert names.index('_make_and_free') < names.index('test_allocations_and_frees_are_recorded_in_order_'
                                                       'with_their_stacks')     # innermost first
    assert any(f['name'] == 'ones' for f in mine[0]['frames'])     # the op that allocated
    # not the array library's frames, nor ember's device layer
    assert not any(f['filename'].endswith(('strict_xp.py', 'cuda_runtime.py')) for f in mine[0]['frames'])
    history._dump_snapshot(str(tmp_path / 'snap.pickle'))
    with open(tmp_path / 'snap.pickle', 'rb') as f:
        assert pickle.load(f) == snap


def test_context_max_entries_skip_actions_device_and_state(history):
    history._record_memory_history(context='alloc', max_entries=2, skip_actions=['free_requested'])
    address, _ = _make_and_free()
    trace = history._snapshot()['device_traces'][0]
    assert [e['action'] for e in trace] == ['alloc', 'free_completed'] and trace[0]['addr'] == address
    assert trace[0]['frames'] and trace[1]['frames'] == []  # only allocations keep their stacks
    history._record_memory_history(context=None, clear_history=True, device=1)
    _make_and_free()
    with cuda.device(1):
        x = ember.ones(10, device='cuda:1')
    snap = history._snapshot()
    assert snap['device_traces'][0] == [] and [e['action'] for e in snap['device_traces'][1]] == ['alloc']
    assert snap['device_traces'][1][0]['frames'] == [] and snap['device_traces'][1][0]['addr'] == x.data_ptr()
    history._record_memory_history('state', clear_history=True)
    _make_and_free()
    assert history._snapshot()['device_traces'] == [[], []]    # 'state' keeps no actions in order


def test_bad_arguments_are_refused(history):
    with pytest.raises(ValueError, match=r"^enabled must be one of None, 'state' or 'all', got 'yes'$"):
        history._record_memory_history('yes')
    with pytest.raises(ValueError, match=r"^skip_actions: unknown actions \['free'\]; the actions are"):
        history._record_memory_history(skip_actions=['free'])
    history._record_memory_history(skip_actions=['segment_map', 'oom'])   # never recorded: nothing to skip
    with pytest.raises(RuntimeError, match='^compile_context and global_record_annotations are not available'):
        history._record_memory_history(compile_context=True)
    with pytest.raises(RuntimeError, match='^augment_with_fx_traces is not available'):
        history._snapshot(augment_with_fx_traces=True)
