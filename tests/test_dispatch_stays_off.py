"""Ops stay bound bare (no ``__torch_function__`` look at their arguments, the same function objects) until a
tensor that needs dispatch exists: saving and loading a checkpoint, or importing ember.sparse, does not switch it on.

Each case runs in a fresh interpreter: a test file that defines a Tensor subclass has switched dispatch on for its
whole process."""
import subprocess
import sys
import textwrap

import pytest

_PROGRAM = textwrap.dedent('''
    import io, importlib, sys
    import ember
    from ember import _torch_function
    mean, relu = ember.mean, ember.nn.functional.relu
    {steps}
    print(_torch_function._active, ember.mean is mean, ember.nn.functional.relu is relu)
''')


def _run(steps):
    program = _PROGRAM.format(steps=textwrap.indent(textwrap.dedent(steps), '').strip())
    proc = subprocess.run([sys.executable, '-c', program], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


@pytest.mark.parametrize('steps', [
    # a checkpoint written and read back (Lightning's ModelCheckpoint): ember.serialization imports ember.sparse
    'buffer = io.BytesIO(); ember.save({"w": ember.ones(2)}, buffer); buffer.seek(0); ember.load(buffer)',
    'importlib.import_module("ember.sparse")',
    'importlib.import_module("ember.package")',
])
def test_loading_a_module_leaves_ops_bare_and_the_same_objects(steps):
    # (lightning compares the torch.mean it stored at a metric's first log with the one it looks up at the next)
    assert _run(steps) == ['False', 'True', 'True']


def test_the_first_sparse_tensor_switches_dispatch_on():
    steps = '''
    s = ember.tensor([[0., 2.], [3., 0.]]).to_sparse()
    assert ember.mul(s, 2).to_dense().tolist() == [[0., 4.], [6., 0.]]
    '''
    assert _run(steps)[0] == 'True'
