"""Record PyTorch's swa_utils results for ``_swa_cases`` (run under PyTorch: ``python -m tests.optim.record_swa``);
writes ``tests/optim/_recorded_swa.py``."""
import pprint
from pathlib import Path

import torch
from torch.optim import swa_utils

from tests.optim import _swa_cases as C


def main():
    recorded = {
        'averaged': {kind: C.averaged_states(torch, swa_utils, kind) for kind in C.AVERAGE_KINDS},
        'update_bn': C.bn_after_update(torch, swa_utils),
        'swalr': {name: C.swalr_lrs(torch, swa_utils, kw) for name, kw in C.SWALR_CASES.items()},
    }
    text = ('"""PyTorch ' + torch.__version__.split('+')[0] + "'s swa_utils results for _swa_cases "
            '(written by record_swa.py; do not edit)."""\n\nRECORDED = ' + pprint.pformat(recorded, width=110) + '\n')
    (Path(__file__).parent / '_recorded_swa.py').write_text(text)


if __name__ == '__main__':
    main()
