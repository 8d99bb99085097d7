"""Records what PyTorch prints for each distributed program here (run with PyTorch 2.13 installed):

    python -m tests.programs.distributed.record [name ...]

Each ``<name>.py`` runs in a scratch folder, started as _harness.py says (its own processes, or torchrun);
its output lines, sorted per launch and with 'torch' read as 'ember', go to ``<name>.out``."""
import sys
import tempfile

from tests.programs.distributed import _harness

if __name__ == '__main__':
    for name in sys.argv[1:] or _harness.names():
        with tempfile.TemporaryDirectory() as scratch:
            lines = _harness.run(name, scratch, [sys.executable], 'torch.distributed.run')
        text = ''.join(line + '\n' for line in lines).replace('torch', 'ember')
        (_harness.HERE / f'{name}.out').write_text(text)
        print(name, len(lines), 'lines')
