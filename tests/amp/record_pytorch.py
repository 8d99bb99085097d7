"""Record PyTorch's autocast dtypes/values and GradScaler trajectories for ``_cases`` (run under PyTorch:
``python -m tests.amp.record_pytorch``); writes ``tests/amp/_recorded.py``."""
import pprint
from pathlib import Path

import torch

from tests.amp import _cases as C


def _summary(t):
    return [str(t.dtype).replace('torch.', ''), t.detach().double().reshape(-1)[:6].tolist()]


def main():
    recorded = {'ops': {}, 'float64': {}}
    for dtype_name in ('float16', 'bfloat16'):
        dtype = getattr(torch, dtype_name)
        for name, fn in C.op_cases(torch).items():
            with torch.autocast('cpu', dtype=dtype):
                from_f32 = fn(torch.float32)
                from_low = fn(dtype)
            recorded['ops'][(dtype_name, name)] = [_summary(from_f32), _summary(from_low)]
        with torch.autocast('cpu', dtype=dtype):
            for name, fn in C.float64_cases(torch).items():
                recorded['float64'][(dtype_name, name)] = str(fn().dtype).replace('torch.', '')
    recorded['grad_scaler'] = C.grad_scaler_trajectory(torch)
    text = ('"""PyTorch ' + torch.__version__.split('+')[0] + "'s autocast and GradScaler results for _cases "
            '(written by record_pytorch.py; do not edit)."""\nfrom math import inf, nan  # noqa: F401\n\n'
            'RECORDED = ' + pprint.pformat(recorded, width=110) + '\n')
    (Path(__file__).parent / '_recorded.py').write_text(text)


if __name__ == '__main__':
    main()
