"""Record PyTorch's results of the RPC jobs in tests/rpc/jobs/ into tests/fixtures/rpc/<job>.json.

Run with an interpreter that has PyTorch: ``python scripts/record_rpc_oracle.py [job ...]``.
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.rpc._jobs import FIXTURES, HERE, run_job  # noqa: E402


def main(names):
    names = names or sorted(f[:-3] for f in os.listdir(os.path.join(HERE, 'jobs')) if f.endswith('_job.py'))
    os.makedirs(FIXTURES, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            result = run_job(name, tmp, framework='torch')
            with open(os.path.join(FIXTURES, f'{name}.json'), 'w') as fh:
                json.dump(result, fh, indent=1, sort_keys=True)
                fh.write('\n')
            print('recorded', name)


if __name__ == '__main__':
    main(sys.argv[1:])
