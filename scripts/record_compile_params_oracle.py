"""Records what each of torch.compile's settings does in PyTorch into tests/fixtures/compile/compile_params.json:
when compiles of one function share captured graphs (isolate_recompiles), what a custom backend receives for
mode/options, what the built-in backends log about them, fullgraph past the recompile limit, shapes_spec with
dynamic, and that the decorator form defers its checks
(run with PyTorch: /tmp/torch/bin/python scripts/record_compile_params_oracle.py)."""
import json
import logging
import os

import sys
from pathlib import Path

import torch
import torch._dynamo as dynamo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.fixtures.compile.sharing_steps import sharing_steps  # noqa: E402


def f(x):
    return x.sin() + 1


def sharing():
    """Backend calls so far after each step of compiling ``f`` several times."""
    dynamo.reset()
    return sharing_steps(torch)[0]


def backend_kwargs():
    out = {}
    for label, kw in [('mode=max-autotune', {'mode': 'max-autotune'}), ('mode=default', {'mode': 'default'}),
                      ('mode=bogus', {'mode': 'bogus'}), ('options', {'options': {'a': 1}})]:
        dynamo.reset()
        got = []

        def be(gm, example_inputs, **kwargs):
            got.append(kwargs)
            return gm.forward
        torch.compile(f, backend=be, **kw)(torch.ones(2))
        out[label] = got
    return out


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def built_in_warnings():
    handler = Collect()
    logging.getLogger('torch._dynamo').addHandler(handler)
    out = {}
    for be in ['eager', 'aot_eager']:
        dynamo.reset()
        handler.messages.clear()
        torch.compile(f, backend=be, mode='max-autotune')(torch.ones(2))
        out[be] = [m for m in handler.messages if 'ignoring extra kwargs' in m]
    logging.getLogger('torch._dynamo').removeHandler(handler)
    return out


def errors():
    out = {}
    dynamo.reset()
    h = torch.compile(f, backend='eager', fullgraph=True, recompile_limit=1)
    h(torch.ones(2))
    try:
        h(torch.ones(2, dtype=torch.float64))
    except Exception as e:
        out['fullgraph_past_limit'] = [type(e).__name__, str(e)]
    try:
        torch.compile(f, dynamic=True, shapes_spec={})
    except Exception as e:
        out['shapes_spec_with_dynamic'] = [type(e).__name__, str(e)]
    deferred = {}
    for label, kw in [('backend', {'backend': 'nope'}), ('mode', {'mode': 'bogus'}),
                      ('mode_and_options', {'mode': 'default', 'options': {}})]:
        deco = torch.compile(**kw)
        try:
            deco(f)
        except Exception as e:
            deferred[label] = [type(e).__name__, str(e)]
    out['decorator_defers'] = deferred
    return out


def main():
    record = {'sharing': sharing(), 'backend_kwargs': backend_kwargs(), 'built_in_warnings': built_in_warnings(),
              **errors()}
    path = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'compile', 'compile_params.json')
    with open(path, 'w') as fh:
        json.dump(record, fh, indent=1)


if __name__ == '__main__':
    main()
