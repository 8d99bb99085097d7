"""Run a script (``--script path``) or module (``-m name``) with ``--local-rank=<LOCAL_RANK>`` put before
its arguments: what ``ember.distributed.launch`` runs in each process (``ember run`` has set LOCAL_RANK)."""
import os
import runpy
import sys


def _main():
    kind, target, *rest = sys.argv[1:]
    sys.argv = [target, f"--local-rank={os.environ['LOCAL_RANK']}", *rest]
    if kind == '-m':
        runpy.run_module(target, run_name='__main__', alter_sys=True)
    else:
        sys.path[0] = os.path.dirname(os.path.abspath(target))
        runpy.run_path(target, run_name='__main__')


if __name__ == '__main__':
    _main()
