"""Complex tensors are filled as their real view (real and imaginary parts interleaved), with half
the variance in each part for normal draws: PyTorch's numbers after the same seed (recorded inline)."""
import pytest

import ember

RECORDED = {
    'randn': [(1.0896488428115845 - 0.20748557150363922j), (-1.5406367778778076 + 0.40194159746170044j),
              (-0.7668731212615967 - 0.9889562726020813j)],
    'rand': [(0.9700530018065531 + 0.707819864399788j), (0.45938294312745087 + 0.9207476841219603j)],
    'normal_': [(3.179297685623169 + 0.585028886795044j), (-2.0812735557556152 + 1.8038831949234009j)],
}
CASES = {
    'randn': lambda t: t.randn(3, dtype=t.complex64),
    'rand': lambda t: t.rand(2, dtype=t.complex128),
    'normal_': lambda t: t.empty(2, dtype=t.complex64).normal_(1., 2.),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_complex_draws_match_pytorch(name):
    ember.manual_seed(0)
    got = CASES[name](ember).tolist()
    assert got == pytest.approx(RECORDED[name], abs=1e-6)


@pytest.mark.parametrize('name', sorted(CASES))
def test_complex_draws_against_pytorch_live(name):
    torch = pytest.importorskip('torch')
    torch.manual_seed(0)
    assert CASES[name](torch).tolist() == pytest.approx(RECORDED[name], abs=1e-6)
