import torch
import torchvision
from ptflops import get_model_complexity_info
from thop import clever_format, profile
from torch import nn
from torchsummary import summary


class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 3, padding=1, groups=2), nn.LeakyReLU(0.1),
                                      nn.AdaptiveAvgPool2d(2), nn.Upsample(scale_factor=2), nn.AvgPool2d(2))
        self.rnn = nn.GRU(16, 8, batch_first=True)
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.norm = nn.LayerNorm(8)
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.1), nn.Linear(32, 10), nn.Softmax(dim=1))

    def forward(self, x):
        x = self.features(x)
        seq = x.flatten(2).transpose(1, 2)
        seq, _ = self.rnn(seq)
        seq, _ = self.attn(seq, seq, seq)
        return self.head(self.norm(seq))


torch.manual_seed(0)
net = SmallNet()
x = torch.randn(1, 3, 16, 16)

# (ptflops' pytorch backend runs first here: on ember, the first torch function mode entered (by ptflops' aten
# backend or thop) rebinds F.relu and the other functionals to dispatching wrappers, new function objects that
# ptflops' table, keyed by the functions it saw at import, does not find)
# ptflops: the pytorch backend (module hooks) and the aten backend (operator counting)
resnet = torchvision.models.resnet18(num_classes=10)
macs, params = get_model_complexity_info(net, (3, 16, 16), as_strings=False, print_per_layer_stat=False,
                                         backend='pytorch')
print('ptflops modules', macs, params)
macs, params = get_model_complexity_info(net, (3, 16, 16), as_strings=True, print_per_layer_stat=False,
                                         backend='pytorch')
print('ptflops strings', macs, params)
macs, params = get_model_complexity_info(net, (3, 16, 16), as_strings=False, print_per_layer_stat=True,
                                         backend='pytorch')
macs, params = get_model_complexity_info(resnet, (3, 32, 32), as_strings=False, print_per_layer_stat=False,
                                         backend='aten')
print('ptflops aten resnet18', macs, params)

# thop: MACs and parameters counted by forward hooks per module type
macs, params = profile(net, inputs=(x,), verbose=False)
print('thop', macs, params)
print('thop formatted', clever_format([macs, params], '%.3f'))
macs, params, per_layer = profile(net, inputs=(x,), verbose=False, ret_layer_info=True)
print('thop layers', sorted(per_layer)[:5], per_layer['features'][0])
macs, params = profile(resnet, inputs=(torch.randn(1, 3, 32, 32),), verbose=False)
print('thop resnet18', macs, params)

# torchsummary: the Keras-style table from forward hooks
summary(nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 13 * 13, 10)),
        (1, 28, 28), device='cpu')
