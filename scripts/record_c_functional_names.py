"""Records which of torch.nn.functional's functions are PyTorch's C functions in ``torch._C._nn`` (``F.linear``
is ``torch._C._nn.linear``, ``F.logsigmoid`` is ``torch._C._nn.log_sigmoid``): fx prints them by that name, so
ember's fx does too (ember/fx/_c_functional_names.json; run with PyTorch:
/tmp/torch/bin/python scripts/record_c_functional_names.py)."""
import json
import os

import torch.nn.functional as F


def main():
    names = {}
    for name in sorted(dir(F)):
        fn = getattr(F, name)
        if type(fn).__name__ == 'builtin_function_or_method' and fn.__module__ == 'torch._C._nn':
            names[name] = fn.__name__
    path = os.path.join(os.path.dirname(__file__), '..', 'ember', 'fx', '_c_functional_names.json')
    with open(path, 'w') as fh:
        json.dump(names, fh, indent=1, sort_keys=True)
        fh.write('\n')


if __name__ == '__main__':
    main()
