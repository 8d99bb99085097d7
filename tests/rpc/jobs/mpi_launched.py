"""RPC under MPI's launcher: ``mpirun -n 2 python mpi_launched.py`` (or ``ember run --nproc 2``). The ranks
come from MPI; without MASTER_ADDR, MPI tells every rank where rank 0's store listens."""
import os

import ember
import ember.distributed.rpc as rpc

rpc.init_rpc(f"worker{os.environ['RANK']}")
me = rpc.get_worker_info()
if me.id == 0:
    print('result', rpc.rpc_sync('worker1', ember.add, args=(ember.ones(2), 2)).tolist(), flush=True)
rpc.shutdown()
print('done', me, flush=True)
