import torch
from torchcrf import CRF

torch.manual_seed(0)
crf = CRF(5, batch_first=True)
emissions = torch.randn(3, 7, 5)
tags = torch.randint(0, 5, (3, 7))
mask = torch.ones(3, 7, dtype=torch.bool)
mask[1, 5:] = False
mask[2, 3:] = False
print(f'{crf(emissions, tags).item():.5f}')
print(f'{crf(emissions, tags, mask=mask, reduction="mean").item():.5f}')
print([round(v, 5) for v in crf(emissions, tags, mask=mask, reduction='none').tolist()])
print(f'{crf(emissions, tags, mask=mask, reduction="token_mean").item():.5f}')
print(crf.decode(emissions))
print(crf.decode(emissions, mask=mask))
opt = torch.optim.Adam(crf.parameters(), lr=0.1)
for i in range(5):
    opt.zero_grad()
    loss = -crf(emissions, tags, mask=mask)
    loss.backward()
    opt.step()
    print(i, f'{loss.item():.5f}')
print(crf.decode(emissions, mask=mask))
print(crf)
crf2 = CRF(4)
em = torch.randn(6, 2, 4)
print(f'{crf2(em, torch.randint(0, 4, (6, 2))).item():.5f}', crf2.decode(em))
