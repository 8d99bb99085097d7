"""Records what PyTorch prints for each program here (run with PyTorch 2.13 installed):

    python -m tests.programs.record [name ...]

Each ``<name>.py`` runs in a fresh interpreter in a scratch folder (where the files it writes land,
as in tests/test_programs.py); its output, with 'torch' read as 'ember' (as ember names itself in printed
text; 'torchvision' as 'ember.vision', where its classes live), goes to ``<name>.out``."""
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
                                  text=True, check=True)
        (HERE / f'{name}.out').write_text(proc.stdout.replace('torchvision', 'ember.vision').replace('torch', 'ember'))
        print(name, len(proc.stdout.splitlines()), 'lines')
