"""Modules whose traced ``.code`` ember prints exactly as PyTorch does (PyTorch's is recorded in
tests/fixtures/jit/trace_code.json by tests/fixtures/jit/record_trace_code.py): the cells of PyTorch's
"Introduction to TorchScript" tutorial and an MLP, built on framework ``T`` (torch or ember)."""


def make(T):
    nn, F = T.nn, T.nn.functional

    class MyCell(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(4, 4)

        def forward(self, x, h):
            new_h = T.tanh(self.linear(x) + h)
            return new_h, new_h

    class MyDecisionGate(nn.Module):
        def forward(self, x):
            if x.sum() > 0:
                return x
            else:
                return -x

    class GatedCell(nn.Module):
        def __init__(self):
            super().__init__()
            self.dg = MyDecisionGate()
            self.linear = nn.Linear(4, 4)

        def forward(self, x, h):
            new_h = T.tanh(self.dg(self.linear(x)) + h)
            return new_h, new_h

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(6, 16)
            self.act = nn.GELU()
            self.fc2 = nn.Linear(16, 3)

        def forward(self, x):
            return F.softmax(self.fc2(self.act(self.fc1(x))), dim=-1)

    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(4, 4), nn.ReLU())

        def forward(self, x):
            y = self.body(x)
            return y.sum(), T.cat([y, x], 1)

    T.manual_seed(0)
    x, h = T.ones(3, 4), T.ones(3, 4)
    return {'cell': (MyCell(), (x, h), ('linear',)), 'gated': (GatedCell(), (x, h), ('dg', 'linear')),
            'mlp': (MLP(), (T.ones(2, 6),), ('fc1', 'act')), 'stack': (Stack(), (x,), ('body',))}


def codes(T):
    """{name: .code} of each module traced, and of its submodules (``name.child``). (Left out: values PyTorch's
    tracer names after the Python variable holding them where an op reads them, such as mlp.fc2's output, named
    ``input`` inside F.softmax; ember's trace does not look at the Python frames.)"""
    out = {}
    for name, (module, inputs, children) in make(T).items():
        traced = T.jit.trace(module, inputs)
        out[name] = traced.code
        for child in children:
            out[f'{name}.{child}'] = getattr(traced, child).code
    return out
