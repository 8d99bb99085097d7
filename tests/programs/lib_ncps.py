import torch
from ncps.torch import CfC, LTC, CfCCell, LTCCell
from ncps.wirings import AutoNCP, FullyConnected

torch.manual_seed(0)
x = torch.randn(2, 10, 3)
for name, m in [('CfC', CfC(3, 8)), ('CfC-ncp', CfC(3, AutoNCP(10, 2))), ('CfC-pure', CfC(3, 6, mode='pure')),
                ('CfC-noGate', CfC(3, 6, mode='no_gate', proj_size=2)), ('LTC', LTC(3, 6)),
                ('LTC-ncp', LTC(3, AutoNCP(8, 1), batch_first=True)), ('LTC-fc', LTC(3, FullyConnected(5, 2)))]:
    y, h = m(x)
    h0 = h[0] if isinstance(h, tuple) else h
    print(name, tuple(y.shape), tuple(h0.shape), f'{y.sum().item():.3f}', f'{h0.abs().sum().item():.4f}')
torch.manual_seed(1)
model = CfC(3, AutoNCP(12, 1), batch_first=True)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
target = x.sum(-1, keepdim=True)
for step in range(6):
    opt.zero_grad()
    out, _ = model(x)
    loss = torch.nn.functional.mse_loss(out, target)
    loss.backward()
    opt.step()
    print(step, f'{loss.item():.5f}')
cell = LTCCell(FullyConnected(4, 4), in_features=3)
h = torch.zeros(2, 4)
for t in range(3):
    out, h = cell(x[:, t], h, 0.5)
print(f'{h.sum().item():.5f}')
y, h = CfC(3, 5, return_sequences=False, mode='pure')(x)
print(tuple(y.shape), f'{y.sum().item():.5f}')
