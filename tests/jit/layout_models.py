"""Straight-line programs whose scripted ``.code`` ember writes as PyTorch's printer lays it out (tests/jit/
test_script_layout.py), written once for both frameworks (``make(T)``, T being ``torch`` or ``ember``);
tests/fixtures/jit/record_script_layout.py records PyTorch's ``.code`` of them."""
from typing import List


def make(T):
    """{name: function or module}."""
    nn = T.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 8)
            self.fc2 = nn.Linear(8, 2)

        def forward(self, x):
            return self.fc2(T.relu(self.fc1(x)))

    class Affine(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(T.ones(4))
            self.register_buffer('b', T.zeros(4))

        def forward(self, x):
            y = x * self.w + self.b
            return y, self.w

    class Recurrent(nn.Module):
        def __init__(self):
            super().__init__()
            self.gru = nn.GRU(4, 3, batch_first=True)
            self.head = nn.Linear(3, 2)

        def forward(self, x):
            out, h = self.gru(x)
            return self.head(h), out

    def reassigned(x, y):
        x = x * 2
        y = x + y
        x = T.tanh(x)
        return x, y

    def collected(x):
        acc: List[T.Tensor] = []
        acc.append(x)
        acc.append(x * 2)
        return T.cat(acc, 0)

    def long_expression(x, y):
        return T.add(T.mul(T.sin(x), T.cos(y)), T.tanh(T.sigmoid(x)))

    def used_twice(x):
        s = T.sigmoid(x)
        return s * (1 - s)

    def indexed(x, i: int):
        a = x[0]
        b = x[:, 2]
        c = x[1:, :3, ::2]
        d = x[i, -1]
        e = x[:i]
        g = x[..., 1]
        return a, b, c, d, e, g

    def printed(x):
        print(x)
        y = x * 2
        print('y', y)
        return y

    def branch(x, flag: bool):
        if flag:
            x = x * 2
        else:
            x = x - 1
        return x

    class Halved(nn.Module):
        def forward(self, x):
            y = T.tanh(x)
            if self.training:
                y = y * 0.5
            return y + x

    def doubled(x, n: int):
        for i in range(n):
            x = x * 2
        return x

    def accumulated(x, n: int):
        y = T.relu(x)
        for i in range(n):
            y = y + i
            unused = y * 2
        return y

    return {'doubled': doubled, 'accumulated': accumulated, 'branch': branch, 'Halved': Halved, 'printed': printed, 'indexed': indexed, 'Net': Net, 'Affine': Affine, 'Recurrent': Recurrent, 'reassigned': reassigned, 'collected': collected,
            'long_expression': long_expression, 'used_twice': used_twice}
