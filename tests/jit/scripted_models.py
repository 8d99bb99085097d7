"""Programs ember.jit.script compiles in tests/jit/test_jit_script.py: the "saving models for inference"
recipe's Net, a LeNet, an MLP with a data-dependent branch and loops, an LSTM model, a scripted function.
Each class is written once for both frameworks (``make(T)``, T being ``torch`` or ``ember``), so
tests/fixtures/jit/record_script.py records with PyTorch what its scripting prints and computes."""
import math
from typing import Dict, List, Optional, Tuple

import numpy as np


def make(T):
    nn, F = T.nn, T.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(9216, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = self.conv1(x)
            x = F.relu(x)
            x = self.conv2(x)
            x = F.relu(x)
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = T.flatten(x, 1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.dropout2(x)
            x = self.fc2(x)
            output = F.log_softmax(x, dim=1)
            return output

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
                                          nn.ReLU(), nn.MaxPool2d(2))
            self.classifier = nn.Sequential(nn.Linear(16 * 4 * 4, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                                            nn.Linear(84, 10))

        def forward(self, x):
            x = self.features(x)
            x = x.view(x.size(0), -1)
            return self.classifier(x)

    class MLP(nn.Module):
        __constants__ = ['scale']

        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(4, 8), nn.Linear(8, 8), nn.Linear(8, 3)])
            self.scale = 2.0
            self.steps = 2

        def forward(self, x, k: int = 1):
            for layer in self.layers:
                x = T.tanh(layer(x))
            if x.sum() > 0:
                x = x * self.scale
            else:
                x = x - 1
            i = 0
            while i < k + self.steps:
                x = x + 0.5
                i += 1
            if self.training:
                x = x * 0
            return x, i

    class LSTMModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(5, 7, num_layers=2, batch_first=True)
            self.head = nn.Linear(7, 2)

        def forward(self, x):
            out, (h, c) = self.lstm(x)
            return self.head(out[:, -1]), h

    class Gate(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 3)
            self.proj = nn.Linear(3, 3)
            self.threshold = 0.5

        def forward(self, idx, mask: Optional[T.Tensor] = None):
            h = self.emb(idx)
            h = F.gelu(self.proj(h))
            if mask is not None:
                h = h * T.unsqueeze(mask, -1)      # T named in the body: PyTorch resolves T.Tensor
            if h.mean() > self.threshold:
                h = h - 1
            return h.shape[0], h

    class UNetish(nn.Module):
        def __init__(self):
            super().__init__()
            self.down = nn.Conv2d(3, 8, 3, stride=2, padding=1)
            self.norm = nn.GroupNorm(2, 8)
            self.up = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)
            self.ups = nn.Upsample(scale_factor=2, mode='bilinear')
            self.upn = nn.Upsample(scale_factor=2)
            self.ps = nn.PixelShuffle(2)
            self.gru = nn.GRU(4, 6, batch_first=True)

        def forward(self, x):
            h = self.norm(self.down(x))
            u = self.up(h)
            a = self.ups(h) + self.upn(h)
            seq = u.mean(dim=1).flatten(1)[:, :16].reshape(u.size(0), 4, 4)
            out, hid = self.gru(seq)
            return u.sum() + a.sum() + self.ps(a).sum() + out.sum() + hid.sum()

    class SignGate(nn.Module):
        def forward(self, x):
            if x.sum() > 0:
                return x
            return -x

    class TracedCell(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(4, 4)

        def forward(self, x, h):
            return T.tanh(self.linear(x) + h)

    class HoldsTorchScript(nn.Module):
        # submodules scripted and traced before: the program keeps them as they are and calls their code
        def __init__(self):
            super().__init__()
            self.gate = T.jit.script(SignGate())
            self.cell = T.jit.trace(TracedCell(), (T.ones(3, 4), T.ones(3, 4)))

        def forward(self, xs):
            h = T.zeros(3, 4)
            for i in range(xs.size(0)):
                h = self.cell(self.gate(xs[i]), h)
            return h

    class Volumetric(nn.Module):
        # a 3-D convolution, and F.interpolate in each mode family (the operator picked by the input's rank)
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv3d(2, 3, 3, padding=1, stride=(1, 2, 1))

        def forward(self, x):
            a = F.interpolate(self.conv(x), scale_factor=2.0, mode='trilinear', align_corners=False)
            y = x[0]
            b = F.interpolate(y, size=(5, 7), mode='bilinear', align_corners=True)
            c = F.interpolate(y, scale_factor=(1.5, 2.0))
            d = F.interpolate(y[0], size=9, mode='linear')
            e = F.interpolate(y, scale_factor=0.5, mode='area')
            return a.sum() + b.sum() + c.sum() + d.sum() + e.sum(), a.shape[3], c.shape[3]

    class Attention(nn.Module):
        # attention and encoder layers in each setting family, with causal, padding and no masks
        def __init__(self):
            super().__init__()
            self.mha = nn.MultiheadAttention(8, 2, batch_first=True)
            self.mha2 = nn.MultiheadAttention(8, 4, kdim=6, vdim=5)
            self.enc = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1)
            self.enc2 = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, norm_first=True, activation='gelu')

        def forward(self, x):
            n = x.size(1)
            mask = T.triu(T.ones(n, n), 1) > 0
            kpm = T.arange(n).unsqueeze(0).expand(x.size(0), n) >= n - 1
            a, w = self.mha(x, x, x, key_padding_mask=kpm, attn_mask=mask)
            xt = x.transpose(0, 1)
            b, w2 = self.mha2(xt, xt[:, :, :6], xt[:, :, 3:], average_attn_weights=False)
            c = self.enc(xt, src_mask=mask)
            d = self.enc2(x, src_key_padding_mask=kpm)
            e, none = self.mha(x[0], x[0], x[0], need_weights=False)
            return a, w, b, w2, c, d, e, none is None

    return {'Net': Net, 'LeNet': LeNet, 'MLP': MLP, 'LSTMModel': LSTMModel, 'Gate': Gate, 'UNetish': UNetish,
            'HoldsTorchScript': HoldsTorchScript, 'Volumetric': Volumetric, 'Attention': Attention}


def make_functions(T):
    """Scripted functions calling a helper, with Optional and list values and a while loop."""
    def scale(x, s: float = 2.0):
        return x * s

    def combine(x: T.Tensor, bias: Optional[T.Tensor] = None, reps: int = 2) -> Tuple[T.Tensor, List[int]]:
        out = T.zeros(2, 3)
        sizes: List[int] = []
        for i in range(reps):
            x = scale(x, 1.5)
            sizes.append(i)
        if bias is not None:
            x = x + bias
        n = 0
        while n < 3 and x.sum() < 100:
            x = x / 0.5
            n += 1
        return x + out.sum(), sizes
    def gated_tanh(input_a, input_b, n_channels: int):       # WaveNet/WaveGlow's scripted helper
        in_act = input_a + input_b
        t_act = T.tanh(in_act[:, :n_channels, :])
        s_act = T.sigmoid(in_act[:, n_channels:, :])
        return t_act * s_act

    def gelu(x):
        return x * 0.5 * (1.0 + T.erf(x / math.sqrt(2.0)))

    def reduce_loss(loss, reduction: str = 'mean'):
        if reduction == 'mean':
            return loss.mean()
        elif reduction == 'sum':
            return loss.sum(0)
        return loss

    def box_area(boxes):
        return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])

    def cat_all(xs: List[T.Tensor], scale: float):
        acc = []
        for x in xs:
            acc.append(x.clamp(min=0) * scale)
        out = T.cat(acc, dim=1)
        if not T.jit.is_scripting():
            out = out * 1000
        return T.where(out > 0.5, out, T.zeros_like(out))

    def shapes(x):
        b, c, h, w = x.shape
        assert x.dim() == 4, "need 4d"
        y = x.view(b, -1)
        d: Dict[str, int] = {}
        d['b'] = b
        idx = T.jit.annotate(List[int], [])
        idx.append(h * w)
        return y.sum(dim=1, keepdim=True) / float(idx[0] + d['b']), c

    F = T.nn.functional

    def losses(x, t, w):
        a = F.cross_entropy(x, t)
        b = F.nll_loss(F.log_softmax(x, 1), t, reduction='sum')
        c = F.mse_loss(x, x * 2, reduction='none').sum()
        d = F.l1_loss(x, x.relu())
        e = F.softplus(x).mean() + F.hardtanh(x).mean() + F.logsigmoid(x).mean() + F.glu(x[:, :4]).mean()
        f = F.one_hot(t, 5).sum() + F.embedding(t, w).sum() + F.pad(x, [1, 2]).sum()
        return a + b + c + d + e + f

    def norms(x, w, rm, rv):
        a = F.normalize(x.flatten(1), dim=1)
        b = F.batch_norm(x, rm, rv, w, None, False, 0.1, 1e-5)
        c = F.group_norm(x, 2, w)
        d = F.conv_transpose2d(x, T.ones(4, 2, 3, 3), None, 2, 1, 1)
        return a.sum() + b.sum() + c.sum() + d.sum()

    def nested_returns(x, n: int):
        if n > 2:
            x = x + 1
            if n > 5:
                return x * 2
            return x
        elif n == 2:
            return x * n
        return -x

    def raises(x):
        if x.sum() > 0:
            raise ValueError('positive')
        return x

    def no_grad_scale(x, y, alpha: float = 2.0):
        with T.no_grad():
            z = x + alpha * y
        return z.sum() + (1 - x).sum()

    return {'norms': norms, 'nested_returns': nested_returns, 'raises': raises, 'losses': losses, 'combine': combine,
            'gated_tanh': gated_tanh, 'gelu': gelu, 'reduce_loss': reduce_loss,
            'box_area': box_area, 'cat_all': cat_all, 'shapes': shapes, 'no_grad_scale': no_grad_scale}


def function_args(T, name):
    """The example arguments of ``make_functions``'s function ``name`` on framework ``T``."""
    rs = np.random.RandomState(1)
    a, b = T.tensor(rs.randn(2, 6, 3).astype(np.float32)), T.tensor(rs.randn(2, 6, 3).astype(np.float32))
    return {'combine': (T.tensor(example_input('combine')), None, 3), 'gated_tanh': (a, b, 3), 'gelu': (a,),
            'reduce_loss': (a, 'sum'), 'box_area': (T.tensor(rs.rand(5, 4).astype(np.float32)),),
            'cat_all': ([a[:, :2, 0], b[:, :2, 0]], 2.0),
            'shapes': (T.tensor(rs.randn(2, 3, 4, 4).astype(np.float32)),),
            'norms': (T.tensor(rs.randn(2, 4, 3, 3).astype(np.float32)), T.tensor(rs.rand(4).astype(np.float32)),
                      T.tensor(rs.randn(4).astype(np.float32)), T.tensor(rs.rand(4).astype(np.float32) + 0.5)),
            'nested_returns': (a, 6), 'no_grad_scale': (a, b), 'raises': (-T.tensor(rs.rand(3).astype(np.float32)),),
            'losses': (T.tensor(rs.randn(3, 5).astype(np.float32)), T.tensor([0, 4, 2]),
                       T.tensor(rs.randn(5, 2).astype(np.float32)))}[name]


def loop_and_branch(x, n: int):
    for i in range(n):
        x = x * 2
    if x.sum() > 0:
        return x
    return -x


INPUT_SHAPES = {'Net': (1, 1, 28, 28), 'LeNet': (2, 1, 28, 28), 'MLP': (3, 4), 'LSTMModel': (2, 6, 5),
                'resnet18': (1, 3, 32, 32), 'Gate': (2, 4), 'combine': (2, 3), 'UNetish': (2, 3, 8, 8),
                'mobilenet_v2': (1, 3, 32, 32),
                'mobilenet_v3_small': (1, 3, 32, 32), 'shufflenet_v2_x0_5': (1, 3, 32, 32),
                'HoldsTorchScript': (2, 3, 4), 'Volumetric': (1, 2, 3, 4, 4),
                'Attention': (2, 5, 8)}
VISION = ('resnet18', 'mobilenet_v2', 'mobilenet_v3_small', 'shufflenet_v2_x0_5')


def example_input(name):
    if name == 'Gate':      # token indices
        return np.random.RandomState(0).randint(0, 10, INPUT_SHAPES[name]).astype(np.int64)
    return np.random.RandomState(0).randn(*INPUT_SHAPES[name]).astype(np.float32)


def cases(T, vision=None):
    """{name: module in eval mode} built on framework ``T`` (seeded: ember's initialisation is ember's own,
    PyTorch's its own); ``vision`` (torchvision / ember.vision) adds the models of ``VISION``."""
    out = {}
    for name, cls in make(T).items():
        T.manual_seed(0)
        out[name] = cls().eval()
    if vision is not None:
        for name in VISION:
            T.manual_seed(0)
            out[name] = getattr(vision.models, name)().eval()
    return out


# functions TorchScript refuses: the test compares ember's error with PyTorch's, line numbers included (re-record)
def uses_lambda(x):
    y = x + 1
    z = y * 2
    w = z - 1
    f = lambda v: v + 1  # noqa: E731
    a = 1
    b = 2
    return f(w) + a + b


def uses_try(x):
    try:
        x = x + 1
    except Exception:
        pass
    return x


def variadic(x, *rest):
    return x


def refused_modules(T):
    class KeywordForward(T.nn.Module):
        def forward(self, x, **kwargs):
            return x
    return {'kwargs_forward': KeywordForward()}


def checked(x, n: int, s: float = 1.5, pair: Tuple[int, int] = (1, 2)):
    return x * n * s + pair[0]


def call_cases(T):
    """{name: (args, kwargs)}: calls of the scripted ``checked`` that do not fit its signature."""
    x = T.ones(2)
    return {'int_for_inferred_tensor': ((1, 2), {}), 'float_for_int': ((x, 2.5), {}),
            'str_for_float': ((x, 2, 'a'), {}), 'short_tuple': ((x, 2, 1.0, [1]), {}), 'missing': ((x,), {}),
            'too_many': ((x, 2, 1.0, (1, 2), 5), {}), 'unknown_keyword': ((x, 2), {'k': 3}),
            'list_for_tensor': (([1.0], 2), {})}


REFUSED_FUNCTIONS = {'lambda': uses_lambda, 'try': uses_try, 'varargs': variadic}
