import torch
import schedulefree

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
x = torch.randn(32, 5)
y = torch.randint(0, 2, (32,))
for cls, kw in [(schedulefree.AdamWScheduleFree, dict(lr=1e-2, warmup_steps=3, weight_decay=0.01)),
                (schedulefree.SGDScheduleFree, dict(lr=0.1, warmup_steps=2)),
                (schedulefree.RAdamScheduleFree, dict(lr=1e-2)),
                (schedulefree.AdamWScheduleFreeReference, dict(lr=1e-2, warmup_steps=2))]:
    torch.manual_seed(1)
    m = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    opt = cls(m.parameters(), **kw)
    for step in range(6):
        m.train(); opt.train()
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(m(x), y)
        loss.backward()
        opt.step()
    m.eval(); opt.eval()
    with torch.no_grad():
        ev = torch.nn.functional.cross_entropy(m(x), y)
    print(cls.__name__, f'{loss.item():.6f}', f'{ev.item():.6f}', f'{sum(p.sum() for p in m.parameters()).item():.5f}')
    sd = opt.state_dict()
    print(sorted(sd['param_groups'][0]))
