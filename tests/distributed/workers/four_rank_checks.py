"""The 4-rank (2 x 2 mesh) checks in one job: DTensors on a 2-D mesh, then FSDP over tensor parallelism
(each initialises and destroys its own process group)."""
import os
import runpy
import sys

here = os.path.dirname(os.path.abspath(__file__))
for name in ('dtensor_2d', 'fsdp_tp', 'hsdp'):
    sys.argv = [name + '.py'] + sys.argv[1:]
    runpy.run_path(os.path.join(here, name + '.py'), run_name='__main__')
