"""The multi-tensor torch._foreach_* ops (as optimizers and EMA helpers call them): every overload form,
the in-place forms returning their list, the errors PyTorch raises, and autograd through them."""
import torch
def mk():
    torch.manual_seed(0)
    return [torch.randn(3), torch.randn(2, 2), torch.randn(4).double()]
calls = ['_foreach_add(t, 1.5)', '_foreach_add(t, [1, 2.5, 3])', '_foreach_add(t, u, alpha=2)', '_foreach_add(t, torch.tensor(2.), alpha=3)',
         '_foreach_sub(t, u, alpha=0.5)', '_foreach_sub(t, 2)', '_foreach_mul(t, u)', '_foreach_mul(t, torch.tensor(3.))', '_foreach_div(t, [2, 3, 4])',
         '_foreach_div(t, u)', '_foreach_maximum(t, 0.1)', '_foreach_minimum(t, u)', '_foreach_clamp_min(t, 0.)', '_foreach_clamp_max(t, [0.1, 0.2, 0.3])',
         '_foreach_pow(t, 2)', '_foreach_pow(2, t)', '_foreach_pow(a, u)', '_foreach_addcmul(t, u, u, 0.5)', '_foreach_addcdiv(t, u, a, [1, 2, 3])',
         '_foreach_addcmul(t, u, u, torch.tensor([1., 2., 3.]))', '_foreach_lerp(t, u, 0.3)', '_foreach_lerp(t, u, a)', '_foreach_norm(t)', '_foreach_norm(t, 1)',
         '_foreach_norm(t, float("inf"))', '_foreach_powsum(t, 3)', '_foreach_max(t)', '_foreach_sqrt(a)', '_foreach_exp(t)', '_foreach_sigmoid(t)',
         '_foreach_neg(t)', '_foreach_reciprocal(a)', '_foreach_rsqrt(a)', '_foreach_log(a)', '_foreach_lgamma(a)', '_foreach_clone(t)', '_foreach_round(t)',
         '_foreach_mul_(t, 0.9)', '_foreach_add_(t, u, alpha=0.1)', '_foreach_lerp_(t, u, 0.5)', '_foreach_addcdiv_(t, u, a, 0.1)', '_foreach_maximum_(t, u)',
         '_foreach_sqrt_(a)', '_foreach_zero_(t)', '_foreach_copy_(t, u)', '_foreach_pow_(a, 0.5)', '_foreach_div_(t, torch.tensor(4.))',
         '_foreach_add([], 1)', '_foreach_add(t, [1.])', '_foreach_add(t, u[:1])', '_foreach_mul(t, torch.tensor([1., 2.]))',
         '_foreach_addcmul(t, t, t, torch.tensor([1., 2.]))', '_foreach_lerp(t, t, [0.5])', '_foreach_sub([torch.tensor([True])], 1)',
         '_foreach_add_([torch.tensor([1, 2])], 1.5)', '_foreach_add([torch.tensor([1, 2])], 1.5)', '_foreach_mm([torch.ones(2, 3)], [torch.ones(3, 2)])']
for i, c in enumerate(calls):
    t = mk(); u = [x.flip(0) * 0.5 + 0.25 for x in t]; a = [x.abs() + 0.1 for x in t]
    try:
        r = eval('torch.' + c)
        print(i, c.split('(')[0], '->', type(r).__name__, r if r is not t and r is not a else 'self', t if c.endswith('_)') or '_(' in c else '')
    except Exception as e:
        print(i, c.split('(')[0], 'ERR', type(e).__name__, e)
x = [torch.tensor([1., 2.], requires_grad=True)]
r = torch._foreach_mul(x, 3.)
r[0].sum().backward(); print(x[0].grad)
