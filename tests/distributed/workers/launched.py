"""Prints, on each process a launcher started, its arguments and torchrun's variables as one JSON line
(tests/distributed/test_launch.py compares them with what torchrun gives, recorded in
tests/fixtures/distributed/torchrun_env.json by running this script under torchrun)."""
import json
import os
import sys

NAMES = ('RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'LOCAL_WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT', 'TORCHELASTIC_RUN_ID',
         'TORCHELASTIC_RESTART_COUNT', 'TORCHELASTIC_MAX_RESTARTS', 'ROLE_NAME', 'GROUP_RANK', 'GROUP_WORLD_SIZE',
         'OMP_NUM_THREADS')
print('launched ' + json.dumps({'argv': sys.argv[1:], 'env': {n: os.environ.get(n) for n in NAMES}}), flush=True)
