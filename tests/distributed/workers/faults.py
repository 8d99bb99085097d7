"""A rank that fails: mode 'raise' (uncaught exception), 'exit' (sys.exit(3)), 'kill' (SIGKILL) or
'timeout' (never joins).
The other rank waits in a collective; the job must end with an error, not hang."""
import os
import signal
import sys
import time
from datetime import timedelta

import ember
import ember.distributed as dist

mode = sys.argv[1]
dist.init_process_group('gloo', timeout=timedelta(seconds=1 if mode == 'timeout' else 120))
rank = dist.get_rank()
if rank == 1:
    if mode == 'raise':
        raise ValueError('rank 1 failed on purpose')
    if mode == 'exit':
        sys.exit(3)
    if mode == 'kill':
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(60)   # 'timeout': never joins the collective
t = ember.ones(4)
dist.all_reduce(t)
print('rank 0 finished the all_reduce (it should not have)', flush=True)
