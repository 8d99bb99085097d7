"""Record PyTorch's seeded random results for tests/random (run with PyTorch 2.13 installed):

    python -m tests.random.record

Writes tests/fixtures/random/streams.npz (every case's exact array plus the next int64 of the
global stream) and tests/fixtures/random/training.json (the seeded digits MLP's losses).
"""
import json
import os

import numpy as np
import torch

from tests.random import cases, training

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'fixtures', 'random')


def main():
    os.makedirs(OUT, exist_ok=True)
    arrays = {}
    for group, make in cases.GROUPS.items():
        for name, case in make().items():
            value, after = cases.run(torch, case)
            arrays[f'{group}/{name}'] = value
            arrays[f'{group}/{name}/after'] = np.array(after, np.int64)
    np.savez_compressed(os.path.join(OUT, 'streams.npz'), **arrays)
    losses = training.train(torch)
    with open(os.path.join(OUT, 'training.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'losses': [repr(v) for v in losses],
                   'printed': [training.printed(v) for v in losses]}, f, indent=1)
        f.write('\n')
    print(f"recorded {len(arrays) // 2} cases and {len(losses)} losses with PyTorch {torch.__version__}")


if __name__ == '__main__':
    main()
