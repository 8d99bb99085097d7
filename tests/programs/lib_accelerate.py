import os
import warnings

import torch
from torch.utils.data import DataLoader, TensorDataset
from accelerate import Accelerator, init_empty_weights
from accelerate.utils import compute_module_sizes, find_batch_size, send_to_device, set_seed

warnings.filterwarnings('ignore')
set_seed(0)
x = torch.randn(64, 5)
y = (x.sum(1, keepdim=True) > 0).float()
model = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.GELU(), torch.nn.Linear(16, 1))
opt = torch.optim.AdamW(model.parameters(), lr=0.02)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=16)
loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)

accelerator = Accelerator(cpu=True, gradient_accumulation_steps=2, project_dir='.')
print(accelerator.device, accelerator.num_processes, accelerator.mixed_precision, accelerator.is_main_process)
model, opt, loader, sched = accelerator.prepare(model, opt, loader, sched)
print(type(opt).__name__, type(loader).__name__, type(sched).__name__, len(loader))
for epoch in range(4):
    for xb, yb in loader:
        with accelerator.accumulate(model):
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model(xb), yb)
            accelerator.backward(loss)
            if accelerator.sync_gradients:
                accelerator.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
    accelerator.print(epoch, f'{loss.item():.5f}', f'{sched.get_last_lr()[0]:.6f}', accelerator.sync_gradients)

with torch.no_grad():
    preds = accelerator.gather_for_metrics(model(x))
print('accuracy', ((preds > 0).float() == y).float().mean().item())
print('reduced', accelerator.reduce(torch.tensor([2.0, 4.0]), reduction='mean'))
accelerator.wait_for_everyone()
accelerator.save_state('state')
print(sorted(os.listdir('state')))
before = [p.detach().clone() for p in model.parameters()]
with torch.no_grad():
    for p in model.parameters():
        p.zero_()
accelerator.load_state('state')
print('restored', all(torch.equal(a, b) for a, b in zip(before, model.parameters())))
plain = accelerator.unwrap_model(model)
accelerator.save_model(plain, 'exported', safe_serialization=False)
print([name.split('_')[-1] for name in sorted(os.listdir('exported'))], type(plain).__name__)  # (pytorch_model.bin)

with init_empty_weights():
    big = torch.nn.Sequential(torch.nn.Linear(1000, 1000), torch.nn.Linear(1000, 10))
print('empty', big[0].weight.device, compute_module_sizes(big)[''])
batch = {'a': torch.ones(3, 2), 'b': [torch.zeros(3)]}
print('batch', find_batch_size(batch), send_to_device(batch, 'cpu')['b'][0].device)
with accelerator.autocast():
    print('autocast', model(x[:2]).dtype)

# loading real weights into an empty model, parameter by parameter (what from_pretrained with a device map runs)
from accelerate.utils import set_module_tensor_to_device

with init_empty_weights():
    empty = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.LayerNorm(2))
for name, value in {'0.weight': torch.ones(2, 3), '0.bias': torch.zeros(2), '1.weight': torch.full((2,), 2.0),
                    '1.bias': torch.ones(2)}.items():
    set_module_tensor_to_device(empty, name, 'cpu', value=value)
print('loaded', [(n, p.device.type, type(p).__name__, p.requires_grad) for n, p in empty.named_parameters()])
print(empty(torch.ones(1, 3)))
