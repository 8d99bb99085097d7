"""Distributed checkpoints (ember.distributed.checkpoint): PyTorch's on-disk format both ways, loading at
another number of ranks, errors, and the name-keyed model/optimizer state dicts."""
import os
import warnings

import pytest

import ember
import ember.distributed.checkpoint as dcp
from ember.distributed.checkpoint.state_dict import (StateDictOptions, get_model_state_dict,
                                                     get_optimizer_state_dict, get_state_dict, set_state_dict)
from tests.distributed._launch import ROOT, passed

RECORDED = os.path.join(ROOT, 'tests', 'fixtures', 'distributed', 'dcp_torch_2ranks')


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='(ember|torch).distributed is disabled')
        yield


@pytest.mark.parametrize('check', ['dcp-save-load-2ranks', 'dcp-resharding', 'dcp-reads-pytorch', 'dcp-errors'])
def test_checkpoints_on_two_ranks(two_rank_run, check):
    assert passed(two_rank_run, check), f'{check} did not pass on every rank:\n{two_rank_run}'


def test_loads_a_checkpoint_pytorch_wrote_at_two_ranks():
    # written by tests/fixtures/distributed/record_dcp.py: the matrix's rows were split over 2 ranks
    md = dcp.FileSystemReader(RECORDED).read_metadata()
    chunks = md.state_dict_metadata['model.embed.weight'].chunks
    assert [tuple(c.offsets) for c in chunks] == [(0, 0), (3, 0)] and md.version == '1.0.0'
    sd = {'model': {'embed.weight': ember.zeros(5, 6, dtype=ember.float64), 'head.bias': ember.zeros(3),
                    'steps': ember.tensor(0)}, 'optim': {'lr': 0.0, 'betas': None, 'names': None}, 'epoch': 0}
    weight = sd['model']['embed.weight']
    dcp.load(sd, checkpoint_id=RECORDED)
    assert sd['model']['embed.weight'] is weight   # loaded in place
    assert ember.equal(weight, ember.arange(30, dtype=ember.float64).reshape(5, 6) / 4)
    assert sd['model']['head.bias'].tolist() == [0.5, -1.5, 2.25] and sd['model']['steps'].item() == 12
    assert sd['optim'] == {'lr': 0.01, 'betas': (0.9, 0.999), 'names': ['a', 'b']} and sd['epoch'] == 3


def test_saved_files_use_pytorch_names(tmp_path):
    meta = dcp.save({'w': ember.ones(2, 3), 'nested': {'n': 1, 'list': [ember.zeros(1), 'x']}},
                    checkpoint_id=str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == ['.metadata', '__0_0.distcp']
    raw = (tmp_path / '.metadata').read_bytes()
    assert b'torch.distributed.checkpoint.metadata' in raw and b'ember' not in raw
    # lists holding tensors are entered (PyTorch's flat keys), others are saved whole
    assert sorted(meta.state_dict_metadata) == ['nested.list.0', 'nested.list.1', 'nested.n', 'w']
    assert meta.planner_data['nested.list.0'] == ('nested', 'list', 0)
    again = dcp.FileSystemReader(str(tmp_path)).read_metadata()
    assert again.state_dict_metadata == meta.state_dict_metadata and again.storage_data == meta.storage_data


def test_pytorch_loads_a_checkpoint_ember_wrote(tmp_path):
    torch = pytest.importorskip('torch')
    import torch.distributed.checkpoint as torch_dcp
    w = ember.arange(6, dtype=ember.float64).reshape(3, 2) * 1.5
    dcp.save({'model': {'w': w, 'i': ember.tensor([3, 1, 4, 1], dtype=ember.int32)}, 'step': 11,
              'extra': {'tag': 'v1'}}, checkpoint_id=str(tmp_path))
    sd = {'model': {'w': torch.zeros(3, 2, dtype=torch.float64), 'i': torch.zeros(4, dtype=torch.int32)},
          'step': 0, 'extra': {'tag': None}}
    torch_dcp.load(sd, checkpoint_id=str(tmp_path))
    assert sd['model']['w'].tolist() == w.tolist() and sd['model']['i'].tolist() == [3, 1, 4, 1]
    assert sd['step'] == 11 and sd['extra'] == {'tag': 'v1'}


def test_load_errors_are_pytorch_errors(tmp_path):
    dcp.save({'w': ember.ones(2, 3)}, checkpoint_id=str(tmp_path))
    with pytest.raises(dcp.CheckpointException, match='Missing key in checkpoint state_dict: zz.') as info:
        dcp.load({'zz': ember.zeros(1)}, checkpoint_id=str(tmp_path))
    assert isinstance(info.value.failures[0], RuntimeError) and not isinstance(info.value, Exception)
    with pytest.raises(dcp.CheckpointException, match=r'Size mismatch between saved ember.Size\(\[2, 3\]\) and '
                                                      r'current: ember.Size\(\[3\]\) for w'):
        dcp.load({'w': ember.zeros(3)}, checkpoint_id=str(tmp_path))
    partial = {'w': ember.zeros(2, 3), 'new': ember.full((1,), 5.0)}
    dcp.load(partial, checkpoint_id=str(tmp_path), planner=dcp.DefaultLoadPlanner(allow_partial_load=True))
    assert partial['w'].sum().item() == 6 and partial['new'].item() == 5
    with pytest.raises(dcp.CheckpointException, match='No such file'):
        dcp.load({'w': ember.zeros(2, 3)}, checkpoint_id=str(tmp_path / 'nothing'))
    with pytest.raises(RuntimeError, match='`checkpoint_id` must be specified'):
        dcp.save({'w': ember.ones(1)})
    with pytest.raises(dcp.CheckpointException, match='overwrite=False'):
        dcp.save({'w': ember.ones(1)}, storage_writer=dcp.FileSystemWriter(str(tmp_path), overwrite=False))


def test_writer_options_shape_the_files(tmp_path):
    sd = {'a': ember.ones(2), 'b': ember.zeros(3), 'c': 7}
    dcp.save(sd, storage_writer=dcp.FileSystemWriter(str(tmp_path / 'per_item'), single_file_per_rank=False))
    assert sorted(os.listdir(tmp_path / 'per_item')) == ['.metadata', '__0_0.distcp', '__0_1.distcp', '__0_2.distcp']
    dcp.save(sd, storage_writer=dcp.FileSystemWriter(str(tmp_path / 'two_files'), thread_count=2))
    assert sorted(os.listdir(tmp_path / 'two_files')) == ['.metadata', '__0_0.distcp', '__0_1.distcp']
    back = {'a': ember.zeros(2), 'b': ember.ones(3), 'c': 0}
    dcp.load(back, storage_reader=dcp.FileSystemReader(str(tmp_path / 'two_files')))
    assert back['a'].tolist() == [1, 1] and back['b'].tolist() == [0, 0, 0] and back['c'] == 7


def test_stateful_objects_save_and_load_through_their_state_dicts(tmp_path):
    ember.manual_seed(0)
    model = ember.nn.Linear(3, 2)
    dcp.save({'model': model}, checkpoint_id=str(tmp_path))
    other = ember.nn.Linear(3, 2)
    dcp.load({'model': other}, checkpoint_id=str(tmp_path))
    assert ember.equal(model.weight, other.weight) and ember.equal(model.bias, other.bias)


def _trained():
    ember.manual_seed(3)
    model = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.ReLU(), ember.nn.Linear(4, 2))
    opt = ember.optim.AdamW(model.parameters(), lr=0.1)
    model(ember.randn(5, 3)).sum().backward()
    opt.step()
    return model, opt


def test_state_dicts_are_keyed_by_parameter_name():
    model, opt = _trained()
    msd, osd = get_state_dict(model, opt)
    names = ['0.weight', '0.bias', '2.weight', '2.bias']
    assert list(msd) == names and list(osd['state']) == names
    assert osd['param_groups'][0]['params'] == names and osd['param_groups'][0]['lr'] == 0.1
    assert sorted(osd['state']['0.weight']) == ['exp_avg', 'exp_avg_sq', 'step']
    model.get_submodule('0').weight.requires_grad_(False)
    assert '0.weight' not in get_model_state_dict(model, options=StateDictOptions(ignore_frozen_params=True))
    flat = get_optimizer_state_dict(model, opt, options=StateDictOptions(flatten_optimizer_state_dict=True))
    assert 'state.2.bias.exp_avg' in flat and flat['param_groups.0.weight.lr'] == 0.1


def test_data_parallel_keeps_its_module_prefix():
    # PyTorch strips the prefixes of DDP, FSDP, compile and activation checkpointing, not DataParallel's
    model, opt = _trained()
    wrapped = ember.nn.DataParallel(model)
    msd, osd = get_state_dict(wrapped, opt)
    names = ['module.0.weight', 'module.0.bias', 'module.2.weight', 'module.2.bias']
    assert list(msd) == names and list(osd['state']) == names
    assert osd['param_groups'][0]['params'] == names
    set_state_dict(wrapped, opt, model_state_dict=msd, optim_state_dict=osd)
    assert list(get_model_state_dict(ember.nn.DataParallel(ember.compile(model)))) == names


def test_fresh_optimizer_gets_state_and_loads_a_checkpoint(tmp_path):
    model, opt = _trained()
    msd, osd = get_state_dict(model, opt)
    dcp.save({'model': msd, 'optim': osd}, checkpoint_id=str(tmp_path))
    ember.manual_seed(9)
    fresh = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.ReLU(), ember.nn.Linear(4, 2))
    fresh_opt = ember.optim.AdamW(fresh.parameters(), lr=0.5)
    before = [p.clone() for p in fresh.parameters()]
    fmsd, fosd = get_state_dict(fresh, fresh_opt)   # makes the optimizer's state with a zero-lr step
    assert all(ember.equal(a, b) for a, b in zip(before, fresh.parameters()))
    assert fresh_opt.param_groups[0]['lr'] == 0.5 and fosd['state']['0.weight']['step'].item() == 1
    sd = {'model': fmsd, 'optim': fosd}
    dcp.load(sd, checkpoint_id=str(tmp_path))
    set_state_dict(fresh, fresh_opt, model_state_dict=sd['model'], optim_state_dict=sd['optim'])
    assert all(ember.equal(a, b) for a, b in zip(model.parameters(), fresh.parameters()))
    s1, s2 = opt.state_dict(), fresh_opt.state_dict()
    assert s2['param_groups'][0]['lr'] == 0.1
    assert all(ember.equal(s1['state'][i][k], s2['state'][i][k]) for i in s1['state'] for k in s1['state'][i])


def test_async_save_returns_a_done_future(tmp_path):
    w = ember.arange(3.)
    future = dcp.async_save({'w': w}, checkpoint_id=str(tmp_path))
    assert future.done() and 'w' in future.result().state_dict_metadata
    w.zero_()   # the checkpoint was written before async_save returned
    back = {'w': ember.ones(3)}
    dcp.load(back, checkpoint_id=str(tmp_path))
    assert back['w'].tolist() == [0.0, 1.0, 2.0]


def test_format_utils_convert_between_checkpoints_and_torch_save_files(tmp_path):
    from ember.distributed.checkpoint.format_utils import dcp_to_torch_save, torch_save_to_dcp
    # PyTorch's 2-rank checkpoint (rows of the matrix split over the ranks) as one torch.save file
    dcp_to_torch_save(RECORDED, tmp_path / 'whole.pt')
    whole = ember.load(tmp_path / 'whole.pt', weights_only=False)
    assert ember.equal(whole['model']['embed.weight'], ember.arange(30, dtype=ember.float64).reshape(5, 6) / 4)
    assert whole['model']['head.bias'].tolist() == [0.5, -1.5, 2.25] and whole['model']['steps'].item() == 12
    assert whole['optim'] == {'lr': 0.01, 'betas': (0.9, 0.999), 'names': ['a', 'b']} and whole['epoch'] == 3
    # and back; lists holding tensors keep their places
    state = {'w': ember.arange(6.).reshape(2, 3), 'nested': {'list': [ember.ones(2), 'x', ember.zeros(1)], 'n': 4}}
    ember.save(state, tmp_path / 'state.pt')
    torch_save_to_dcp(tmp_path / 'state.pt', tmp_path / 'dcp')
    assert sorted(os.listdir(tmp_path / 'dcp')) == ['.metadata', '__0_0.distcp']
    dcp_to_torch_save(tmp_path / 'dcp', tmp_path / 'again.pt')
    again = ember.load(tmp_path / 'again.pt', weights_only=False)
    assert again['w'].tolist() == state['w'].tolist() and again['nested']['n'] == 4
    assert [v.tolist() if isinstance(v, ember.Tensor) else v for v in again['nested']['list']] == [[1., 1.], 'x', [0.]]
    torch = pytest.importorskip('torch')
    from torch.distributed.checkpoint.format_utils import dcp_to_torch_save as torch_dcp_to_torch_save
    torch_dcp_to_torch_save(str(tmp_path / 'dcp'), str(tmp_path / 'by_torch.pt'))
    by_torch = torch.load(tmp_path / 'by_torch.pt', weights_only=False)
    assert by_torch['w'].tolist() == state['w'].tolist() and by_torch['nested']['list'][1] == 'x'
