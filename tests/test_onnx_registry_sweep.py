"""ember.onnx.export over every row of the op table (tests/_onnx_sweep.py): the rows recorded in
tests/fixtures/onnx/op_sweep.json as written right must still export and compute ember's results
in onnxruntime; the rows recorded as refused must still be refused with the exporter's error (or
now export right), never written wrongly. Re-record with tests/fixtures/onnx/record_op_sweep.py."""
import json
import pathlib

import pytest

from tests._onnx_sweep import check, rows

FIXTURE = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'onnx' / 'op_sweep.json').read_text())
ROWS = rows()
WRITTEN = sorted(k for k, r in FIXTURE.items() if r['18'][0] == 'ok')
REFUSED = sorted(k for k, r in FIXTURE.items() if r['18'][0] == 'refused')


@pytest.fixture
def runtime():
    pytest.importorskip('onnx')
    return pytest.importorskip('onnxruntime')


def test_fixture_names_rows_of_the_op_table():
    # rows added to the table later are swept once the fixture is recorded again
    assert set(FIXTURE) <= set(ROWS)
    statuses = {r[opset][0] for r in FIXTURE.values() for opset in ('17', '18')}
    assert statuses <= {'ok', 'refused', 'skip', 'trace'}  # nothing recorded as written wrongly
    assert len(WRITTEN) > 450


@pytest.mark.parametrize('key', WRITTEN)
def test_op_is_written_right(runtime, key):
    assert check(ROWS[key], 18) == ('ok', '')
    # opset 17 (Reduce* axes as attributes, no bitwise or Col2Im ops): the first sample
    if FIXTURE[key]['17'][0] == 'ok':
        assert check(ROWS[key], 17, samples=1) == ('ok', '')
    else:
        assert check(ROWS[key], 17, samples=1)[0] in ('ok', 'refused')


@pytest.mark.parametrize('key', REFUSED)
def test_refused_op_is_refused_with_the_exporters_error(runtime, key):
    status, message = check(ROWS[key], 18)
    assert status in ('ok', 'refused'), message
    if status == 'refused':
        assert message.startswith(('ember.onnx.export', 'Exporting the operator'))
