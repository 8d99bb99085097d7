"""Programs whose TorchScript IR graphs (``.graph``, ``.inlined_graph`` of ``jit.trace``'s results) are compared
with PyTorch's in tests/jit/test_trace_ir.py, written once for both frameworks (``make(T)``, T being ``torch``
or ``ember``); tests/fixtures/jit/record_graphs.py records PyTorch's graphs of them."""


def make(T):
    """{name: (function or module, example arguments)}."""
    nn, F = T.nn, T.nn.functional

    def affine(x, y):
        return x * 2 + y

    def two_results(x, y):
        return T.relu(x).sum(1), x - y

    def unrolled(x):
        for i in range(3):
            x = T.tanh(x * 0.5) + i
        return x

    def reshaped(x):
        return T.cat([x.flatten(1), x.mean(dim=(2, 3))], 1).transpose(0, 1)

    class Leaf(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(T.ones(4))
            self.register_buffer('b', T.zeros(4))

        def forward(self, x):
            return x * self.w + self.b

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 8)
            self.act = nn.ReLU()
            self.fc2 = nn.Linear(8, 2)

        def forward(self, x):
            return self.fc2(self.act(self.fc1(x)))

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)
            self.bn = nn.BatchNorm2d(2)
            self.fc = nn.Linear(8, 2)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
            return self.fc(x.flatten(1))

    class Nested(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(4, 4), nn.Tanh())
            self.head = nn.Linear(4, 2)

        def forward(self, x):
            y = self.body(x)
            return self.head(y), y

    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(T.full((4,), 0.5))
            self.inner = nn.Linear(4, 4)

        def forward(self, x):
            return self.inner(x) * self.scale + x

    g = T.Generator().manual_seed(0)
    x4 = T.rand(3, 4, generator=g)
    y4 = T.rand(3, 4, generator=g)
    image = T.rand(2, 1, 6, 6, generator=g)
    return {'affine': (affine, (x4, y4)), 'two_results': (two_results, (x4, y4)), 'unrolled': (unrolled, (x4,)),
            'reshaped': (reshaped, (image,)), 'Leaf': (Leaf(), (x4,)), 'MLP': (MLP(), (x4,)),
            'CNN': (CNN().eval(), (image,)), 'Nested': (Nested(), (x4,)), 'Residual': (Residual(), (x4,))}
