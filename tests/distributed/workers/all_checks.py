"""Every feature check in one 2-rank job (MPI start-up costs about a second per launch): the
torchrun-style script first, then the collectives, DDP, SyncBatchNorm and ZeRO workers in turn (each
initialises and destroys its own process group)."""
import os
import runpy
import sys

here = os.path.dirname(os.path.abspath(__file__))
# dtensor and fsdp last: defining DTensor turns __torch_function__ dispatch on for every op
for name in ('torchrun_style', 'collectives', 'stores', 'checkpoint', 'device_mesh', 'ddp', 'ddp_hooks_join',
             'ddp_powersgd', 'post_localsgd', 'syncbn', 'zero', 'pipelining', 'dtensor', 'tensor_parallel', 'comm_debug', 'fsdp', 'fsdp1', 'fsdp_scaler'):
    sys.argv = [name + '.py'] + sys.argv[1:]
    runpy.run_path(os.path.join(here, name + '.py'), run_name='__main__')
