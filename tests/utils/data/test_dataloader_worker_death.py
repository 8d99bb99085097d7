"""A DataLoader worker that dies while sending a batch must be reported, never waited on forever."""
import os
import subprocess
import sys
import textwrap

import pytest

import ember

pytestmark = pytest.mark.skipif(not os.path.exists('/proc/self/io'), reason='needs Linux /proc/<pid>/io')

# The worker kills itself (SIGKILL, as the OOM killer would) once the main process has read 4 MB of
# its 64 MB batch: the main process is then left with half a message.
_SCRIPT = textwrap.dedent('''
    import os, signal, sys, threading, time
    import numpy as np
    import ember
    from ember.utils.data import DataLoader, Dataset

    class Big(Dataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return ember.from_numpy(np.ones(8 << 20))   # 64 MB

    def read_by_parent():
        with open(f'/proc/{os.getppid()}/io') as f:
            return next(int(line.split()[1]) for line in f if line.startswith('rchar'))

    try:
        read_by_parent()
    except OSError:
        print('SKIP: cannot read the parent process I/O counters')
        sys.exit(0)

    def die_halfway_through_sending(worker_id):
        def watch():
            start = read_by_parent()
            while read_by_parent() - start < (4 << 20):
                time.sleep(0.0002)
            os.kill(os.getpid(), signal.SIGKILL)
        threading.Thread(target=watch, daemon=True).start()

    loader = DataLoader(Big(), batch_size=1, num_workers=1, worker_init_fn=die_halfway_through_sending,
                        timeout=float(sys.argv[1]))
    try:
        for batch in loader:
            print('got a batch', flush=True)
    except RuntimeError as e:
        print('RuntimeError:', e, flush=True)
''')


@pytest.mark.parametrize('timeout', [0, 30])
def test_worker_killed_while_sending_a_batch_is_reported(timeout):
    root = os.path.dirname(os.path.dirname(os.path.abspath(ember.__file__)))
    proc = subprocess.run([sys.executable, '-c', _SCRIPT, str(timeout)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, 'PYTHONPATH': root})
    assert proc.returncode == 0, proc.stderr
    if proc.stdout.startswith('SKIP'):
        pytest.skip(proc.stdout.strip())
    lines = proc.stdout.splitlines()
    assert lines[-1].startswith('RuntimeError: DataLoader worker (pid(s) ') and \
        lines[-1].endswith(') exited unexpectedly'), proc.stdout
    assert 'got a batch' not in proc.stdout     # it died before finishing the first one


def test_large_batches_still_arrive_whole():
    import numpy as np
    from ember.utils.data import DataLoader, TensorDataset
    data = ember.from_numpy(np.arange(6 * (1 << 20), dtype=np.float32).reshape(6, -1))   # 4 MB rows
    loader = DataLoader(TensorDataset(data), batch_size=2, num_workers=2)
    got = ember.cat([b[0] for b in loader])
    assert ember.equal(got, data)
