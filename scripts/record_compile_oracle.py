"""Records what PyTorch's torch.compile hands a custom backend, how often it calls it (guards, dynamic
shapes, reset), what explain() reports and what fullgraph=True raises, into
tests/fixtures/compile/backend_calls.json (run with PyTorch: /tmp/torch/bin/python scripts/record_compile_oracle.py)."""
import json
import os

import torch
import torch._dynamo as dynamo


def f(x, y):
    return torch.sin(x) + y * 2


def branchy(x):
    if x.sum() > 0:
        return x + 1
    return x - 1


def calls_for(dynamic):
    dynamo.reset()
    seen = []

    def backend(gm, example_inputs):
        seen.append([list(t.shape) for t in example_inputs if isinstance(t, torch.Tensor)])
        return gm.forward
    g = torch.compile(f, backend=backend, dynamic=dynamic)
    for n, dtype in [(2, torch.float32), (2, torch.float32), (3, torch.float32), (4, torch.float32),
                     (4, torch.float64)]:
        g(torch.ones(n, dtype=dtype), torch.ones(n))
    return seen


def main():
    record = {'calls': {str(d): calls_for(d) for d in (None, True, False)}}
    codes = []

    def show(gm, example_inputs):
        codes.append(gm.code)
        return gm.forward
    dynamo.reset()
    g = torch.compile(f, backend=show)
    g(torch.ones(2), torch.ones(2))
    dynamo.reset()
    g(torch.ones(2), torch.ones(2))
    record['code'] = codes[0]
    record['calls_after_reset'] = len(codes)
    try:
        torch.compile(branchy, backend=show, fullgraph=True)(torch.ones(2))
    except Exception as e:
        record['fullgraph_error'] = [type(e).__name__, str(e).splitlines()[0]]
    out = dynamo.explain(lambda x: torch.sin(x) + 1)(torch.ones(2))
    record['explain_plain'] = [out.graph_count, out.graph_break_count, out.op_count]
    out = dynamo.explain(branchy)(torch.ones(2))
    record['explain_branchy_breaks'] = out.graph_break_count
    record['explain_branchy_reason'] = out.break_reasons[0].reason.splitlines()[0]
    dynamo.reset()
    codes.clear()
    g = torch.compile(branchy, backend=show)
    g(torch.ones(2))
    g(-torch.ones(2))
    record['branchy_backend_calls'] = len(codes)
    record['list_backends'] = torch.compiler.list_backends()
    path = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'compile', 'backend_calls.json')
    with open(path, 'w') as fh:
        json.dump(record, fh, indent=1)


if __name__ == '__main__':
    main()
