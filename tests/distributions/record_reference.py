"""Records PyTorch's values for tests/distributions (run under real PyTorch):

    python -m tests.distributions.record_reference

writes tests/fixtures/distributions_reference.json.
"""
import json
from pathlib import Path

import torch

from tests.distributions.cases import TRANSFORMS, QUANTITIES, cases, draw, evaluate, kl_cases, sample_cases

OUT = Path(__file__).resolve().parents[1] / 'fixtures' / 'distributions_reference.json'


def _clean(x):
    # JSON has no NaN/inf: spell them as strings
    if isinstance(x, list):
        return [_clean(v) for v in x]
    if isinstance(x, float) and (x != x or x in (float('inf'), float('-inf'))):
        return str(x)
    return x


def main():
    record = {'torch_version': torch.__version__, 'cases': {}, 'kl': {}, 'samples': {}}
    for name, (dist, value, probs) in cases(torch).items():
        record['cases'][name] = {q: _clean(evaluate(dist, value, probs, q)) for q in QUANTITIES}
    for name, (p, q) in kl_cases(torch).items():
        record['kl'][name] = _clean(torch.distributions.kl_divergence(p, q).tolist())
    for name, dist in sample_cases(torch).items():
        record['samples'][name] = draw(torch, dist)
    record['transforms'] = {}
    for name, make, x in TRANSFORMS:
        tr = make(torch)
        xt = torch.tensor(x, dtype=torch.float64)
        y = tr(xt)
        try:
            ladj = tr.log_abs_det_jacobian(xt, y).tolist()
        except NotImplementedError:
            ladj = None
        record['transforms'][name] = {'y': y.tolist(), 'ladj': ladj, 'x_back': tr.inv(y).tolist()}
    OUT.write_text(json.dumps(record, indent=1, sort_keys=True) + '\n')
    print('wrote', OUT)


if __name__ == '__main__':
    main()
