"""Run by spawned.py on 2 ranks: rank 1 leaves right after joining; rank 0's receive and collective then
raise (as PyTorch's gloo does: 'Connection closed by peer') instead of waiting forever."""
from datetime import timedelta

import ember
import ember.distributed as dist

dist.init_process_group('gloo', timeout=timedelta(seconds=60))
if dist.get_rank() == 0:
    for name, call in (('recv', lambda: dist.recv(ember.zeros(2), src=1)),
                       ('all_reduce', lambda: dist.all_reduce(ember.zeros(2)))):
        try:
            call()
        except RuntimeError as e:
            assert 'Connection closed by peer (rank 1)' in str(e), e
            print(f'ok peer-lost {name}', flush=True)
