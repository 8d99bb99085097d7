"""fvcore's model statistics (as detectron2 and many papers' code print them): FlopCountAnalysis and
ActivationCountAnalysis read the TorchScript graph of torch.jit._get_trace_graph (operator kinds, module
scopes, value shapes, constants); parameter_count_table reads the parameters. A CNN, an MLP and a
transformer layer. Importing fvcore scripts its focal loss (torch.jit.script)."""
import torch
import torch.nn as nn
import torchvision
from fvcore.nn import (ActivationCountAnalysis, FlopCountAnalysis, flop_count_table, parameter_count_table,
                       sigmoid_focal_loss, sigmoid_focal_loss_jit)

torch.manual_seed(0)
models = {
    'resnet18': (torchvision.models.resnet18(), (torch.randn(1, 3, 64, 64),)),
    'mlp': (nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 64), nn.GELU(), nn.Linear(64, 10)),
            (torch.randn(8, 20),)),
    'transformer': (nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, batch_first=True),
                    (torch.randn(2, 5, 32),)),
}



class Decoder(nn.Module):
    """Normalizations, upsampling and the products fvcore counts (einsum, matmul, bmm, addmm)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.group = nn.GroupNorm(2, 4)
        self.instance = nn.InstanceNorm2d(4, affine=True)

    def forward(self, x):
        y = self.instance(self.group(self.conv(x)))
        y = nn.functional.interpolate(y, scale_factor=2, mode='bilinear') + \
            nn.functional.interpolate(y, scale_factor=2, mode='nearest')
        flat = y.flatten(2)
        pairs = torch.einsum('bchw,bcHW->bhwHW', y[:, :, :2, :2], y[:, :, :3, :3])
        return (pairs.sum() + torch.matmul(flat, flat.transpose(1, 2)).sum() + torch.bmm(flat, flat.transpose(1, 2)).sum()
                + torch.addmm(torch.zeros(4, 4), y[0, :, 0, :4], y[0, :, :4, 0].t()).sum())


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return 2 * x * grad


class Custom(nn.Module):
    """A functional convolution and a user's autograd.Function (fvcore lists it as prim::PythonOp.Square)."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(4, 3, 3, 3))
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        y = nn.functional.avg_pool2d(Square.apply(nn.functional.conv2d(x, self.w, padding=1)), 2)
        y = torch.cat([y, y], 1)[:, :4]
        return self.fc(y.view(y.size(0), 4, -1).mean(-1))


models['mobilenet_v3_small'] = (torchvision.models.mobilenet_v3_small(), (torch.randn(1, 3, 64, 64),))
models['decoder'] = (Decoder(), (torch.randn(2, 3, 8, 8),))
models['custom'] = (Custom(), (torch.randn(2, 3, 8, 8),))
for name, (model, inputs) in models.items():
    model.eval()
    print('=====', name)
    flops = FlopCountAnalysis(model, inputs)
    print('total flops', flops.total())
    print(flop_count_table(flops, max_depth=2))
    print('by operator', dict(flops.by_operator()))
    print('by module', {k: v for k, v in sorted(flops.by_module().items()) if v})
    if name != 'transformer':
        # PyTorch's tracer also records the arithmetic on sizes inside attention (aten::mul/div on them), which
        # fvcore lists as unsupported operators; ember's sizes are plain ints
        print('unsupported', sorted(flops.unsupported_ops().items()))
    print('uncalled', sorted(flops.uncalled_modules()))
    acts = ActivationCountAnalysis(model, inputs)
    print('total activations', acts.total(), dict(acts.by_operator()))
    print(flop_count_table(flops, max_depth=1, activations=acts))
    print(parameter_count_table(model, max_depth=2))

logits = torch.randn(4, 3)
targets = (torch.rand(4, 3) > 0.5).float()
print('focal loss', sigmoid_focal_loss_jit(logits, targets, reduction='sum'),
      sigmoid_focal_loss(logits, targets, alpha=0.5, gamma=1.0, reduction='mean'))
