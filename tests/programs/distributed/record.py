"""Records what PyTorch prints for each distributed program here (run with PyTorch 2.13 installed):

    python -m tests.programs.distributed.record [name ...]

Each ``<name>.py`` starts its own processes (``mp.spawn``/``mp.Process``) and runs in a fresh interpreter
in a scratch folder; its output, with 'torch' read as 'ember', goes to ``<name>.out``. The ranks print
side by side, so the order of their lines varies from run to run (in PyTorch too): the lines are kept
sorted, and tests/test_distributed_programs.py compares them sorted."""
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).parent

if __name__ == '__main__':
    names = sys.argv[1:] or sorted(p.stem for p in HERE.glob('*.py') if p.stem not in ('__init__', 'record'))
    for name in names:
        with tempfile.TemporaryDirectory() as scratch:
            proc = subprocess.run([sys.executable, str(HERE / f'{name}.py')], cwd=scratch, capture_output=True,
                                  text=True, check=True, timeout=600)
        lines = sorted(proc.stdout.replace('torch', 'ember').splitlines())
        (HERE / f'{name}.out').write_text(''.join(line + '\n' for line in lines))
        print(name, len(lines), 'lines')
