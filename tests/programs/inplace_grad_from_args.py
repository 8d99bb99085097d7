"""In-place ops whose own tensor does not require grad but whose tensor arguments do (scatter_add_ into zeros,\nlerp_ toward a parameter, PyG's message passing): the write is recorded and gradients reach the arguments."""
import torch
torch.manual_seed(0)
src = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
idx = torch.tensor([0, 1, 1, 2, 0])
m = torch.tensor([[True, False, True]] * 3)
cases = {
 'scatter_add_': lambda: torch.zeros(3, 3, dtype=torch.float64).scatter_add_(0, idx.view(-1, 1).expand(5, 3), src),
 'scatter_': lambda: torch.zeros(3, 3, dtype=torch.float64).scatter_(0, torch.tensor([[0, 1, 2]]), src[:1]),
 'scatter_reduce_': lambda: torch.zeros(3, 3, dtype=torch.float64).scatter_reduce_(0, idx.view(-1, 1).expand(5, 3), src, 'amax', include_self=False),
 'index_add_': lambda: torch.zeros(3, 3, dtype=torch.float64).index_add_(0, idx, src),
 'index_copy_': lambda: torch.zeros(3, 3, dtype=torch.float64).index_copy_(0, torch.tensor([2, 0, 1]), src[:3]),
 'masked_scatter_': lambda: torch.zeros(3, 3, dtype=torch.float64).masked_scatter_(m, src),
 'masked_fill_': lambda: torch.zeros(3, 3, dtype=torch.float64).masked_fill_(m, src[0, 0]),
 'lerp_': lambda: torch.zeros(5, 3, dtype=torch.float64).lerp_(src, 0.3),
 'addcmul_': lambda: torch.zeros(5, 3, dtype=torch.float64).addcmul_(src, src),
 'addcdiv_': lambda: torch.ones(5, 3, dtype=torch.float64).addcdiv_(src, src + 3),
 'clamp_': lambda: torch.zeros(5, 3, dtype=torch.float64).clamp_(min=src),
 'copysign_': lambda: torch.ones(5, 3, dtype=torch.float64).copysign_(src),
 'put_': lambda: torch.zeros(3, 3, dtype=torch.float64).put_(torch.tensor([0, 4]), src[0, :2]),
 'index_put_': lambda: torch.zeros(3, 3, dtype=torch.float64).index_put_((torch.tensor([0, 2]),), src[:2]),
 'fill_': lambda: torch.zeros(3, dtype=torch.float64).fill_(src[0, 0]),
 'copy_': lambda: torch.zeros(5, 3, dtype=torch.float64).copy_(src),
 'mul_': lambda: torch.ones(5, 3, dtype=torch.float64).mul_(src),
 'add_': lambda: torch.zeros(5, 3, dtype=torch.float64).add_(src, alpha=2),
 'atan2_': lambda: torch.ones(5, 3, dtype=torch.float64).atan2_(src),
 'pow_': lambda: torch.full((5, 3), 2., dtype=torch.float64).pow_(src),
 'hypot_': lambda: torch.ones(5, 3, dtype=torch.float64).hypot_(src),
 'fmod_': lambda: torch.ones(5, 3, dtype=torch.float64).fmod_(src.detach() + 3),
 'maximum': lambda: torch.zeros(5, 3, dtype=torch.float64).clamp_max_(src),
 'where': lambda: torch.zeros(5, 3, dtype=torch.float64).masked_fill_(src.detach() > 0, 1.).mul_(src),
 'xlogy_': lambda: torch.ones(5, 3, dtype=torch.float64).xlogy_(src.abs() + 1),
 'logaddexp': lambda: torch.zeros(5, 3, dtype=torch.float64).logaddexp(src),
}
for name, f in cases.items():
    src.grad = None
    try:
        r = f()
        if r.requires_grad:
            (r * torch.arange(r.numel(), dtype=torch.float64).view_as(r)).sum().backward()
        print(name, r.requires_grad, None if src.grad is None else f'{src.grad.sum().item():.6f}')
    except Exception as e:
        print(name, 'ERR', type(e).__name__, str(e)[:100])
