"""A 0-d tensor takes dim 0 and -1 as PyTorch does: reductions, scans, sorting, selection and shape ops
give its one element (with gradients), and the ops that need a dimension refuse with PyTorch's errors."""
import torch
x = torch.tensor(3.)
b = torch.tensor(True)
calls = ['x.sum(0)', 'x.sum(-1)', 'x.sum((0,))', 'x.sum(0, keepdim=True)', 'x.mean(0)', 'x.prod(0)', 'x.amax(0)', 'x.amin(-1)', 'x.max(0)', 'x.min(0)', 'x.argmax(0)', 'x.argmin(0)',
         'x.cumsum(0)', 'x.cumprod(0)', 'x.softmax(0)', 'x.log_softmax(-1)', 'x.logsumexp(0)', 'x.std(0)', 'x.var(0, correction=0)', 'x.norm(dim=0)', 'b.any(0)', 'b.all(0)',
         'x.count_nonzero(0)', 'x.median(0)', 'x.mode(0)', 'x.topk(1, 0)', 'x.sort(0)', 'x.argsort(0)', 'x.flip(0)', 'x.nansum(0)', 'x.nanmean(0)', 'x.cummax(0)', 'x.logcumsumexp(0)',
         'x.sum(1)', 'x.unsqueeze(0).sum(0)', 'x.squeeze(0)', 'x.unsqueeze(-1)', 'torch.cat([x.unsqueeze(0), x.unsqueeze(0)], 0)', 'x.std_mean(0)', 'x.var_mean(0)', 'x.aminmax(dim=0)',
         'x.kthvalue(1, 0)', 'x.nanmedian(0)', 'x.renorm(2, 0, 1.)', 'x.select(0, 0)', 'x.narrow(0, 0, 1)', 'x.diff(dim=0)', 'x.roll(1, 0)', 'x.index_select(0, torch.tensor([0]))',
         'x.gather(0, torch.tensor(0))', 'x.transpose(0, -1)', 'x.movedim(0, 0)', 'torch.linalg.vector_norm(x, dim=0)', 'torch.cumulative_trapezoid(x, dim=0)',
         'torch.nn.functional.softmax(x, 0)', 'torch.nn.functional.normalize(x, dim=0)', 'x.unbind(0)', 'x.chunk(1, 0)', 'x.split(1, 0)', 'x.t()', 'x.T', 'x.expand(3)', 'x.repeat(2)']
import warnings
warnings.simplefilter('ignore')          # (PyTorch's warnings name its C++ source lines)
for i, c in enumerate(calls):
    try:
        print(i, '->', eval(c))
    except Exception as e:
        print(i, 'ERR', type(e).__name__, str(e)[:150])
g = torch.tensor(2., requires_grad=True)
outs = [g.sum(0), g.mean(-1), g.logsumexp(0), g.topk(1, 0).values, g.flip(0), g.index_select(0, torch.tensor([0])),
        g.movedim(0, 0), g.amax(0), g.norm(dim=0), g.cumsum(0), g.softmax(0), g.prod(0)]
print([o.requires_grad for o in outs])
sum(o * (k + 1) for k, o in enumerate(outs)).backward()
print(g.grad)
