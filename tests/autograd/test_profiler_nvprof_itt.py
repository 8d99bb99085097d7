"""autograd.profiler's NVIDIA/Intel annotation entry points: load_nvprof reads an nvprof SQLite
trace as PyTorch does (recorded outcome inline, checked live against PyTorch when present), and
emit_itt/emit_nvtx refuse to run rather than annotate nothing."""
import sqlite3

import pytest

import ember
from ember.autograd import profiler

# what PyTorch's load_nvprof returns for the trace below: (name, start, end, kernels)
RECORDED = [('aten::add', 10, 50, [(7, 0, 5)]), ('aten::mul', 60, 90, [(8, 0, 4), (7, 0, 3)])]


def _trace(path):
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE StringTable (_id_ INTEGER, value TEXT);
        INSERT INTO StringTable VALUES (1, 'aten::add'), (2, 'aten::mul'), (7, 'kernA'), (8, 'kernB');
        CREATE TABLE CUPTI_ACTIVITY_KIND_MARKER (id INTEGER, name INTEGER, timestamp INTEGER);
        INSERT INTO CUPTI_ACTIVITY_KIND_MARKER VALUES (5, 2, 60), (5, 0, 90), (4, 1, 10), (4, 0, 50);
        CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (_id_ INTEGER, cbid INTEGER, start INTEGER, end INTEGER,
                                                  correlationId INTEGER);
        INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES (1, 211, 20, 30, 100), (2, 211, 65, 70, 101),
                                                       (3, 211, 75, 80, 102);
        CREATE TABLE CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL (start INTEGER, end INTEGER, name INTEGER,
                                                           correlationId INTEGER);
        INSERT INTO CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL VALUES (31, 36, 7, 100), (71, 75, 8, 101),
                                                                 (81, 84, 7, 102);
    """)
    con.commit()
    con.close()
    return str(path)


def _summary(events, start=lambda e: e.start_us, end=lambda e: e.end_us):
    return [(e.name, start(e), end(e), [tuple(k) for k in e.kernels]) for e in events]


def test_load_nvprof_matches_pytorch_s_recorded_reading(tmp_path):
    events = profiler.load_nvprof(_trace(tmp_path / 't.sqlite'))
    assert isinstance(events, profiler.EventList)
    assert _summary(events) == RECORDED


def test_load_nvprof_against_pytorch_live(tmp_path):
    torch = pytest.importorskip('torch')
    events = torch.autograd.profiler.load_nvprof(_trace(tmp_path / 't.sqlite'))
    assert _summary(events, lambda e: e.time_range.start, lambda e: e.time_range.end) == RECORDED


def test_a_non_kernel_launch_inside_a_range_is_refused(tmp_path):
    path = _trace(tmp_path / 't.sqlite')
    con = sqlite3.connect(path)
    con.execute('UPDATE CUPTI_ACTIVITY_KIND_RUNTIME SET cbid = 13 WHERE _id_ = 1')
    con.commit()
    con.close()
    with pytest.raises(AssertionError, match='Expected cbid to be 211, but got 13'):
        profiler.parse_nvprof_trace(path)


def test_emit_itt_and_emit_nvtx_refuse_instead_of_annotating_nothing():
    with profiler.emit_itt(enabled=False), profiler.emit_nvtx(enabled=False):
        ember.ones(2).add(1)
    with pytest.raises(RuntimeError, match='Intel ITT API'):
        with profiler.emit_itt():
            pass
    # no CUDA: PyTorch's AssertionError; with CUDA ember still cannot emit NVTX ranges
    with pytest.raises(AssertionError if not ember.cuda.is_available() else RuntimeError):
        with profiler.emit_nvtx(record_shapes=True):
            pass
