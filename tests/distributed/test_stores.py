"""Stores (HashStore, FileStore, TCPStore, PrefixStore): PyTorch's results, errors and timeouts for one
sequence of operations (recorded in tests/fixtures/distributed/stores.json), and stores shared between
processes."""
import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest

import ember.distributed as dist
from tests.distributed._launch import ROOT

FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'distributed')
sys.path.insert(0, FIXTURES)
import store_scenario  # noqa: E402

RECORDED = json.load(open(os.path.join(FIXTURES, 'stores.json')))
OURS = {}


def _ours():
    if not OURS:
        OURS.update(store_scenario.run(dist))
    return OURS


@pytest.mark.parametrize('kind', sorted(RECORDED))
def test_store_operations_match_pytorch(kind):
    ours = dict(map(tuple, _ours()[kind]))
    for step, outcome in RECORDED[kind]:
        assert ours[step] == outcome, (kind, step)


def test_timeout_errors_are_pytorch_classes():
    s = dist.HashStore()
    s.set_timeout(timedelta(milliseconds=10))
    with pytest.raises(dist.DistStoreError, match='Wait timeout'):
        s.get('missing')
    with pytest.raises(dist.QueueEmptyError):
        s.queue_pop('q', block=False)
    assert issubclass(dist.QueueEmptyError, dist.DistStoreError)


def test_get_waits_for_a_value_set_by_another_thread():
    server = dist.TCPStore('127.0.0.1', 0, 1, True, timedelta(seconds=5))
    client = dist.TCPStore('127.0.0.1', server.port, is_master=False, timeout=timedelta(seconds=5))
    threading.Timer(0.1, lambda: client.set('late', 'here')).start()
    start = time.monotonic()
    assert server.get('late') == b'here'
    assert 0.05 < time.monotonic() - start < 4
    server.wait(['late'])
    h = dist.HashStore()
    threading.Timer(0.05, lambda: h.queue_push('q', 'v')).start()
    assert h.queue_pop('q') == b'v'


def test_tcp_store_waits_for_its_workers_and_reports_connection_errors():
    with pytest.raises(dist.DistStoreError, match=r'Timed out after 0 seconds waiting for clients. 1/2 clients joined.'):
        dist.TCPStore('127.0.0.1', 0, 2, True, timedelta(milliseconds=200))
    server = dist.TCPStore('127.0.0.1', 0, 1, True, timedelta(seconds=5))
    with pytest.raises(dist.DistNetworkError, match=f'port: {server.port}, useIpv6: false, code: -98, name: EADDRINUSE'):
        dist.TCPStore('127.0.0.1', server.port, 1, True)
    with pytest.raises(dist.DistNetworkError, match=r'The client socket has timed out after 200ms while trying to '
                                                   r'connect to \(127.0.0.1, 1\).'):
        dist.TCPStore('127.0.0.1', 1, is_master=False, timeout=timedelta(milliseconds=200))
    with pytest.raises(ValueError, match='port must have value from 0 to 65535 but was 70000.'):
        dist.TCPStore('127.0.0.1', 70000)
    assert server.clone().check([]) and server.host == '127.0.0.1'


def test_multi_tenant_masters_share_one_server():
    a = dist.TCPStore('127.0.0.1', 0, None, True, multi_tenant=True)
    b = dist.TCPStore('127.0.0.1', a.port, None, True, multi_tenant=True)
    a.set('k', 'v')
    assert b.get('k') == b'v'


_PEER = """
import sys, ember.distributed as dist
from datetime import timedelta
for store in (dist.TCPStore('127.0.0.1', int(sys.argv[1]), 2, False, timedelta(seconds=20)),
              dist.FileStore(sys.argv[2], 2)):
    store.set('from_peer', 'hello')
    print(store.add('count', 10), store.get('from_test').decode(), store.compare_set('flag', '', 'peer'))
"""


def test_stores_shared_with_another_process(tmp_path):
    path = str(tmp_path / 'store')
    stores = [dist.TCPStore('127.0.0.1', 0, 1, True, timedelta(seconds=20)), dist.FileStore(path, 2)]
    for store in stores:
        store.set('from_test', 'hi')
    peer = subprocess.Popen([sys.executable, '-c', _PEER, str(stores[0].port), path], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, 'PYTHONPATH': ROOT})
    for store in stores:
        assert store.get('from_peer') == b'hello'
    out = peer.communicate(timeout=60)[0]
    assert peer.returncode == 0, out
    for line, store in zip(out.splitlines(), stores):
        count, seen, flag = line.split()
        assert seen == 'hi' and int(count) in (10, 11) and flag in ("b'peer'", "b'test'")
        assert store.add('count', 1) == 11
    del store, stores   # the second of world_size=2 FileStore users to close removes the file
    assert not os.path.exists(path)


def test_prefix_store_and_barrier():
    base = dist.HashStore()
    view = dist.PrefixStore('trainer', base)
    view.set('step', '7')
    assert base.get('trainer/step') == b'7' and view.underlying_store is base
    threads = [threading.Thread(target=base.barrier, args=('b', 3)) for _ in range(2)]
    for t in threads:
        t.start()
    base.barrier('b', 3, timedelta(seconds=5))
    for t in threads:
        t.join(5)
    assert not any(t.is_alive() for t in threads)
    with pytest.raises(dist.DistStoreError):
        base.barrier('lonely', 2, timedelta(milliseconds=20))


def test_bad_arguments_raise():
    s = dist.HashStore()
    with pytest.raises(TypeError, match='incompatible function arguments'):
        s.set(5, 'x')
    with pytest.raises(TypeError, match='incompatible function arguments'):
        s.set('k', 5)
    with pytest.raises(TypeError, match='timedelta'):
        s.set_timeout(5)
    assert s.num_keys() == 0


@pytest.mark.parametrize('check', ['store=TCPStore', 'init_method=file://', 'init_method=tcp://', 'store-timeout'])
def test_process_groups_meet_through_stores(two_rank_run, check):
    from tests.distributed._launch import passed
    assert passed(two_rank_run, check), f'{check} did not pass on every rank:\n{two_rank_run}'


def test_store_arguments_checked_before_mpi_starts():
    s = dist.HashStore()
    with pytest.raises(AssertionError, match='Cannot specify both init_method and store.'):
        dist.init_process_group('gloo', init_method='env://', store=s)
    with pytest.raises(AssertionError, match='world_size must be positive if using store'):
        dist.init_process_group('gloo', store=s, rank=0)
    with pytest.raises(AssertionError, match='rank must be non-negative if using store'):
        dist.init_process_group('gloo', store=s, world_size=1)
    with pytest.raises(RuntimeError, match='No rendezvous handler for foo://'):
        dist.init_process_group('gloo', init_method='foo://x')
    assert not dist.is_initialized()
