"""Record PyTorch's SparseAdam on ``_sparse_problem`` (run under PyTorch: ``python -m tests.optim.record_sparse_adam``):
writes ``tests/fixtures/optim/SparseAdam_3steps.pt`` with the 5-step trajectory and the state dict after 3 steps."""
from pathlib import Path

import torch

from tests.optim import _sparse_problem as S

FIXTURE = Path(__file__).resolve().parents[1] / 'fixtures' / 'optim' / 'SparseAdam_3steps.pt'


def main():
    emb, opt = S.make(torch, torch.optim.SparseAdam)
    trajectory = S.run(torch, emb, opt, 5)
    emb, opt = S.make(torch, torch.optim.SparseAdam)
    S.run(torch, emb, opt, 3)
    torch.save({'state_dict': opt.state_dict(), 'trajectory': trajectory}, FIXTURE)


if __name__ == '__main__':
    main()
