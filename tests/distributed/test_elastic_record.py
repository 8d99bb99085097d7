"""torch.distributed.elastic.multiprocessing.errors.record, which training scripts put on main()."""
import json

import pytest

from ember.distributed.elastic.multiprocessing.errors import record


def test_record_writes_the_error_file_and_reraises(tmp_path, monkeypatch):
    path = tmp_path / 'error.json'
    monkeypatch.setenv('TORCHELASTIC_ERROR_FILE', str(path))

    @record
    def main(x):
        raise ValueError(f'bad {x}')

    with pytest.raises(ValueError, match='bad 3'):
        main(3)
    report = json.loads(path.read_text())['message']
    assert report['message'] == 'ValueError: bad 3' and 'raise ValueError' in report['extraInfo']['py_callstack']
    assert report['extraInfo']['timestamp'].isdigit()


def test_record_passes_results_and_clean_exits_through(monkeypatch):
    monkeypatch.delenv('TORCHELASTIC_ERROR_FILE', raising=False)
    assert record(lambda: 5)() == 5

    @record
    def done():
        raise SystemExit(0)
    assert done() is None

    @record
    def failed():
        raise SystemExit(2)
    with pytest.raises(SystemExit):
        failed()
