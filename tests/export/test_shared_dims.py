"""One Dim given to sizes of several inputs: the exported module checks, when called, that those sizes agree
(PyTorch's 'Guard failed: <later> == <first>'), and range_constraints names the shared size by the symbol PyTorch
keeps (of the symbols of its sources, the first by name: s15 before s7) and prints its symbols bare. The expected
texts were read from PyTorch 2.13; the oracle test reruns them when it is installed."""
import pytest

import ember

CASES = {
    # inputs' names, the shared Dim's places, the call that breaks it -> range_constraints, the error
    'matmul': ("{s77: VR[0, int_oo], s17: VR[0, int_oo], s94: VR[0, int_oo]}",
               'Guard failed: y.size()[0] == x.size()[1]'),
    'add_pw': ("{s15: VR[0, int_oo]}", 'Guard failed: w.size()[0] == p.size()[0]'),
    'add_wp': ("{s15: VR[0, int_oo]}", 'Guard failed: p.size()[0] == w.size()[0]'),
}


def _run(torch, case):
    Dim, export = torch.export.Dim, torch.export.export

    class MatMul(torch.nn.Module):
        def forward(self, x, y):
            return x @ y

    class AddPW(torch.nn.Module):
        def forward(self, p, w):
            return p + w

    class AddWP(torch.nn.Module):
        def forward(self, w, p):
            return p + w
    if case == 'matmul':
        inner = Dim("inner_dim")
        ep = export(MatMul(), (torch.randn(4, 8), torch.randn(8, 2)),
                    dynamic_shapes={"x": {0: Dim("inp2_dim0"), 1: inner}, "y": {0: inner, 1: Dim("inp3_dim1")}})
        good, bad = (torch.randn(2, 16), torch.randn(16, 4)), (torch.randn(4, 8), torch.randn(4, 2))
    else:
        n = Dim("n")
        first, second = ('p', 'w') if case == 'add_pw' else ('w', 'p')
        ep = export(AddPW() if case == 'add_pw' else AddWP(), (torch.randn(4, 3), torch.randn(4, 3)),
                    dynamic_shapes={first: {0: n}, second: {0: n}})
        good, bad = (torch.randn(5, 3), torch.randn(5, 3)), (torch.randn(4, 3), torch.randn(5, 3))
    shape = tuple(ep.module()(*good).shape)
    with pytest.raises(AssertionError) as info:
        ep.module()(*bad)
    return str(ep.range_constraints), str(info.value), shape


@pytest.mark.parametrize('case', sorted(CASES))
def test_shared_dims(case):
    constraints, error, _ = _run(ember, case)
    assert (constraints, error) == CASES[case]


def test_the_texts_are_pytorchs():
    torch = pytest.importorskip('torch')
    for case in CASES:
        assert _run(torch, case)[:2] == CASES[case], case
