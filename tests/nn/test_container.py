"""Containers (Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict): a transcript of
operations whose printed results were recorded from PyTorch 2.13 ('torch' read as 'ember')."""
import contextlib
import io
from collections import OrderedDict

import ember as torch
import ember.nn as nn


def _transcript():
    def t(f):
        try: r = f(); print('ok', r)
        except Exception as e: print(type(e).__name__, e)
    L = [nn.Linear(1, 1), nn.ReLU(), nn.Tanh(), nn.Sigmoid()]
    s = nn.Sequential(*L)
    t(lambda: s[-1]); t(lambda: s[1:3]); t(lambda: s[::2]); t(lambda: len(s)); t(lambda: s[4]); t(lambda: s[-5])
    s2 = nn.Sequential(OrderedDict([('a', nn.ReLU()), ('b', nn.Tanh())])); t(lambda: s2); t(lambda: s2.b); t(lambda: s2[1:])
    del s[1]; t(lambda: s)
    s.insert(1, nn.ELU()); t(lambda: s)
    t(lambda: s.insert(9, nn.ELU())); t(lambda: s.insert(0, 3))
    t(lambda: s.pop(0)); t(lambda: s)
    s.append(nn.ReLU()); t(lambda: s)
    t(lambda: s + nn.Sequential(nn.Tanh())); t(lambda: s + 3)
    t(lambda: nn.Sequential(nn.ReLU()) * 2); t(lambda: 2 * nn.Sequential(nn.ReLU())); t(lambda: nn.Sequential(nn.ReLU()) * 0)
    s3 = nn.Sequential(nn.ReLU()); s3 *= 3; t(lambda: s3)
    s3 += nn.Sequential(nn.Tanh()); t(lambda: s3)
    del s3[1:3]; t(lambda: s3)
    s3[0] = nn.Sigmoid(); t(lambda: s3)
    t(lambda: s3.extend([nn.ReLU(), nn.ReLU()]))
    t(lambda: [type(m).__name__ for m in s3])
    ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    ml.append(nn.ReLU()); ml.extend([nn.ReLU(), nn.ReLU()]); ml.insert(1, nn.Sigmoid()); t(lambda: ml)
    t(lambda: ml[-1]); t(lambda: ml[1:3]); t(lambda: ml[7]); t(lambda: ml.pop(1)); t(lambda: ml)
    del ml[0]; t(lambda: ml); ml[0] = nn.ELU(); t(lambda: ml)
    t(lambda: ml + nn.ModuleList([nn.Tanh()])); ml += [nn.Tanh()]; t(lambda: len(ml)); t(lambda: ml.extend(3))
    t(lambda: ml(3))
    md = nn.ModuleDict({'b': nn.ReLU(), 'a': nn.Tanh()}); t(lambda: md); t(lambda: list(md.keys()))
    md['c'] = nn.ELU(); md.update([('d', nn.ReLU())]); t(lambda: md); t(lambda: md.pop('b')); t(lambda: 'b' in md); t(lambda: len(md))
    t(lambda: md.update(3)); t(lambda: md.update([(1, 2, 3)])); t(lambda: md.update([3]))
    md.clear(); t(lambda: md)
    pl = nn.ParameterList([nn.Parameter(torch.ones(2)), torch.zeros(3)]); t(lambda: pl); t(lambda: type(pl[1]).__name__); t(lambda: [n for n, _ in pl.named_parameters()])
    pl.append(torch.ones(1, 2)); t(lambda: len(pl)); t(lambda: pl[-1].shape); t(lambda: pl[0:2]); t(lambda: pl(1)); t(lambda: pl.extend(3))
    pd = nn.ParameterDict({'b': torch.ones(2), 'a': nn.Parameter(torch.zeros(1))}); t(lambda: list(pd.keys())); t(lambda: pd)
    pd['c'] = torch.ones(3); t(lambda: [n for n, _ in pd.named_parameters()]); t(lambda: pd.pop('b').shape); t(lambda: list(pd))
    t(lambda: pd.get('zz', 5)); t(lambda: 'a' in pd); t(lambda: pd(1))
    pd2 = nn.ParameterDict(OrderedDict([('z', torch.ones(1)), ('y', torch.ones(1))])); t(lambda: list(pd2.keys()))
    m = nn.Module(); m.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)]); t(lambda: m); t(lambda: [n for n, _ in m.named_parameters()])


EXPECTED = 'ok Sigmoid()\nok Sequential(\n  (1): ReLU()\n  (2): Tanh()\n)\nok Sequential(\n  (0): Linear(in_features=1, out_features=1, bias=True)\n  (2): Tanh()\n)\nok 4\nIndexError index 4 is out of range\nIndexError index -5 is out of range\nok Sequential(\n  (a): ReLU()\n  (b): Tanh()\n)\nok Tanh()\nok Sequential(\n  (b): Tanh()\n)\nok Sequential(\n  (0): Linear(in_features=1, out_features=1, bias=True)\n  (1): Tanh()\n  (2): Sigmoid()\n)\nok Sequential(\n  (0): Linear(in_features=1, out_features=1, bias=True)\n  (1): ELU(alpha=1.0)\n  (2): Tanh()\n  (3): Sigmoid()\n)\nIndexError Index out of range: 9\nAssertionError module should be of type: <class \'ember.nn.modules.module.Module\'>\nok Linear(in_features=1, out_features=1, bias=True)\nok Sequential(\n  (0): ELU(alpha=1.0)\n  (1): Tanh()\n  (2): Sigmoid()\n)\nok Sequential(\n  (0): ELU(alpha=1.0)\n  (1): Tanh()\n  (2): Sigmoid()\n  (3): ReLU()\n)\nok Sequential(\n  (0): ELU(alpha=1.0)\n  (1): Tanh()\n  (2): Sigmoid()\n  (3): ReLU()\n  (4): Tanh()\n)\nValueError add operator supports only objects of Sequential class, but <class \'int\'> is given.\nok Sequential(\n  (0): ReLU()\n  (1): ReLU()\n)\nok Sequential(\n  (0): ReLU()\n  (1): ReLU()\n)\nValueError Non-positive multiplication factor 0 for <class \'ember.nn.modules.container.Sequential\'>\nok Sequential(\n  (0): ReLU()\n  (1): ReLU()\n  (2): ReLU()\n)\nok Sequential(\n  (0): ReLU()\n  (1): ReLU()\n  (2): ReLU()\n  (3): Tanh()\n)\nok Sequential(\n  (0): ReLU()\n  (1): Tanh()\n)\nok Sequential(\n  (0): Sigmoid()\n  (1): Tanh()\n)\nok Sequential(\n  (0): Sigmoid()\n  (1): Tanh()\n  (2): ReLU()\n  (3): ReLU()\n)\nok [\'Sigmoid\', \'Tanh\', \'ReLU\', \'ReLU\']\nok ModuleList(\n  (0): ReLU()\n  (1): Sigmoid()\n  (2): Tanh()\n  (3-5): 3 x ReLU()\n)\nok ReLU()\nok ModuleList(\n  (0): Sigmoid()\n  (1): Tanh()\n)\nIndexError index 7 is out of range\nok Sigmoid()\nok ModuleList(\n  (0): ReLU()\n  (1): Tanh()\n  (2-4): 3 x ReLU()\n)\nok ModuleList(\n  (0): Tanh()\n  (1-3): 3 x ReLU()\n)\nok ModuleList(\n  (0): ELU(alpha=1.0)\n  (1-3): 3 x ReLU()\n)\nok ModuleList(\n  (0): ELU(alpha=1.0)\n  (1-3): 3 x ReLU()\n  (4): Tanh()\n)\nok 5\nTypeError ModuleList.extend should be called with an iterable, but got int\nNotImplementedError Module [ModuleList] is missing the required "forward" function\nok ModuleDict(\n  (b): ReLU()\n  (a): Tanh()\n)\nok [\'b\', \'a\']\nok ModuleDict(\n  (b): ReLU()\n  (a): Tanh()\n  (c): ELU(alpha=1.0)\n  (d): ReLU()\n)\nok ReLU()\nok False\nok 3\nTypeError ModuleDict.update should be called with an iterable of key/value pairs, but got int\nValueError ModuleDict update sequence element #0 has length 3; 2 is required\nTypeError ModuleDict update sequence element #0 should be Iterable; isint\nok ModuleDict()\nok ParameterList(\n    (0): Parameter containing: [ember.float32 of size 2]\n    (1): Parameter containing: [ember.float32 of size 3]\n)\nok Parameter\nok [\'0\', \'1\']\nok 3\nok ember.Size([1, 2])\nok ParameterList(\n    (0): Parameter containing: [ember.float32 of size 2]\n    (1): Parameter containing: [ember.float32 of size 3]\n)\nRuntimeError ParameterList should not be called.\nTypeError ParameterList.extend should be called with an iterable, but got int\nok [\'a\', \'b\']\nok ParameterDict(\n    (a): Parameter containing: [ember.FloatTensor of size 1]\n    (b): Parameter containing: [ember.FloatTensor of size 2]\n)\nok [\'a\', \'b\', \'c\']\nok ember.Size([2])\nok [\'a\', \'c\']\nok 5\nok True\nRuntimeError ParameterDict should not be called.\nok [\'z\', \'y\']\nok Module(\n  (layers): ModuleList(\n    (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n  )\n)\nok [\'layers.0.weight\', \'layers.0.bias\', \'layers.1.weight\', \'layers.1.bias\', \'layers.2.weight\', \'layers.2.bias\']\n'


def test_container_transcript_matches_pytorch():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        _transcript()
    got = buf.getvalue().splitlines()
    want = EXPECTED.splitlines()
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f'line {i}: {g!r} != {w!r}'
    assert len(got) == len(want)


def test_sequential_forward_chains_modules():
    seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    x = torch.randn(5, 3)
    assert torch.allclose(seq(x), seq[2](seq[1](seq[0](x))))
    assert isinstance(seq[0:2], nn.Sequential) and len(seq[0:2]) == 2
    assert [n for n, _ in seq.named_parameters()] == ['0.weight', '0.bias', '2.weight', '2.bias']


def test_module_list_registers_parameters():
    class Tower(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList(nn.Linear(2, 2) for _ in range(3))
            self.heads = nn.ModuleDict({'a': nn.Linear(2, 1)})
            self.scales = nn.ParameterList([torch.ones(1), torch.ones(1)])
            self.extra = nn.ParameterDict({'bias': torch.zeros(1)})

        def forward(self, x):
            for layer, s in zip(self.layers, self.scales):
                x = layer(x) * s
            return self.heads['a'](x) + self.extra['bias']

    t = Tower()
    names = [n for n, _ in t.named_parameters()]
    assert names == ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias', 'layers.2.weight',
                     'layers.2.bias', 'heads.a.weight', 'heads.a.bias', 'scales.0', 'scales.1', 'extra.bias']
    t(torch.ones(1, 2)).sum().backward()
    assert t.scales[0].grad is not None and t.extra['bias'].grad.tolist() == [1.0]
