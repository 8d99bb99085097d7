"""python -m ember.utils.show_pickle: what a pickle or checkpoint holds, shown without running it."""
import io
import os
import pickle
import subprocess
import sys

import pytest

import ember
from ember.utils import show_pickle


def test_a_checkpoint_entry_is_shown_by_pattern(tmp_path):
    path = tmp_path / 'ck.pt'
    ember.save({'w': ember.ones(2, 3), 'n': 3}, path)
    out = io.StringIO()
    assert show_pickle.main(['show_pickle', f'{path}@*/data.pkl'], out) == 0
    assert out.getvalue() == (
        "{'n': 3,\n 'w': torch._utils._rebuild_tensor_v2(pers.obj(('storage', torch.FloatStorage, '0', 'cpu', 6),), "
        "0, (2, 3), (3, 1), False, collections.OrderedDict())}\n")
    out = io.StringIO()
    show_pickle.main(['show_pickle', f'{path}@ck/data.pkl'], out)          # an exact member name
    assert out.getvalue().startswith("{'n': 3,")
    with pytest.raises(Exception, match=r'^Could not find member matching \*/nothing in '):
        show_pickle.main(['show_pickle', f'{path}@*/nothing'], io.StringIO())
    with pytest.raises(Exception, match=r'^Pass argv of length 2\.$'):
        show_pickle.main(['show_pickle'], io.StringIO())


def test_state_dicts_show_their_entries(tmp_path):
    path = tmp_path / 'sd.pt'
    ember.save(ember.nn.Linear(2, 1).state_dict(), path)
    out = io.StringIO()
    show_pickle.main(['show_pickle', f'{path}@*/data.pkl'], out)
    text = out.getvalue()
    assert text.startswith("collections.OrderedDict(){'weight': torch._utils._rebuild_tensor_v2(")
    assert "'bias': " in text and "(state={'_metadata': collections.OrderedDict(){'': {'version': 1}}})" in text


class _Runs:
    def __reduce__(self):
        return (os.system, ('echo ran > should_not_exist',))


def test_nothing_in_the_pickle_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'evil.pkl').write_bytes(pickle.dumps({'x': _Runs()}))
    out = io.StringIO()
    show_pickle.main(['show_pickle', 'evil.pkl'], out)
    assert not (tmp_path / 'should_not_exist').exists()
    assert out.getvalue() in ("{'x': posix.system('echo ran > should_not_exist',)}\n",
                              "{'x': nt.system('echo ran > should_not_exist',)}\n")


def test_undecodable_strings_and_the_command_line(tmp_path):
    bad = pickle.BINUNICODE + (2).to_bytes(4, 'little') + b'\xff\xfe' + pickle.STOP
    with pytest.raises(UnicodeDecodeError):
        show_pickle.DumpUnpickler(io.BytesIO(bad)).load()
    got = show_pickle.DumpUnpickler(io.BytesIO(bad), catch_invalid_utf8=True).load()
    assert repr(got) == "builtin.UnicodeDecodeError(b'\\xff\\xfe',)"
    (tmp_path / 'p.pkl').write_bytes(pickle.dumps([1, 'a']))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    run = subprocess.run([sys.executable, '-m', 'ember.utils.show_pickle', str(tmp_path / 'p.pkl')],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 0 and run.stdout == "[1, 'a']\n"
    run = subprocess.run([sys.executable, '-m', 'ember.utils.show_pickle'], capture_output=True, text=True,
                         env=env, timeout=60)
    assert run.returncode == 2 and run.stderr.startswith('usage: show_pickle PICKLE_FILE\n')
