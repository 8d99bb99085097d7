"""Record PyTorch's losses for ``_training_programs`` (run under PyTorch: ``python -m tests.amp.record_training_losses``);
writes ``tests/amp/training_losses.json``."""
import json
from pathlib import Path

import torch

from tests.amp._training_programs import programs


def main():
    torch.set_num_threads(2)
    losses = {name: [repr(v) for v in run()] for name, (run, _) in programs(torch).items()}
    path = Path(__file__).parent / 'training_losses.json'
    path.write_text(json.dumps({'torch': torch.__version__, 'losses': losses}, indent=1) + '\n')


if __name__ == '__main__':
    main()
