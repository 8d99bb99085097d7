import torch
import torch_optimizer as optim

torch.manual_seed(0)
x = torch.randn(32, 6)
y = (x[:, :1] * 2 - x[:, 1:2]).tanh() + 0.1 * torch.randn(32, 1)
initial = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
state = {k: v.clone() for k, v in initial.state_dict().items()}


def fresh_model():
    model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    model.load_state_dict(state)
    return model


def train(make_optimizer, steps=5, second_order=False):
    model = fresh_model()
    optimizer = make_optimizer(model.parameters())
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward(create_graph=second_order)   # (Adahessian differentiates the gradients)
        optimizer.step()
        losses.append(loss.item())
    return model, optimizer, losses


recipes = {
    'A2GradExp': lambda p: optim.A2GradExp(p, lips=5.0),
    'A2GradInc': lambda p: optim.A2GradInc(p, lips=5.0),
    'A2GradUni': lambda p: optim.A2GradUni(p, lips=5.0),
    'AccSGD': lambda p: optim.AccSGD(p, lr=0.05),
    'AdaBelief': lambda p: optim.AdaBelief(p, lr=0.01, weight_decay=1e-3, rectify=True),
    'AdaBound': lambda p: optim.AdaBound(p, lr=0.01, final_lr=0.1, amsbound=True),
    'AdaMod': lambda p: optim.AdaMod(p, lr=0.01),
    'Adafactor': lambda p: optim.Adafactor(p, lr=0.01),
    'Adahessian': lambda p: optim.Adahessian(p, lr=0.1, seed=0),
    'AdamP': lambda p: optim.AdamP(p, lr=0.01, nesterov=True),
    'AggMo': lambda p: optim.AggMo(p, lr=0.05),
    'Apollo': lambda p: optim.Apollo(p, lr=0.01, warmup=2),
    'DiffGrad': lambda p: optim.DiffGrad(p, lr=0.01),
    'Lamb': lambda p: optim.Lamb(p, lr=0.01, weight_decay=1e-3),
    'LARS': lambda p: optim.LARS(p, lr=0.05),
    'MADGRAD': lambda p: optim.MADGRAD(p, lr=0.01),
    'NovoGrad': lambda p: optim.NovoGrad(p, lr=0.01, grad_averaging=True),
    'PID': lambda p: optim.PID(p, lr=0.05, momentum=0.9, integral=5.0, derivative=10.0),
    'QHAdam': lambda p: optim.QHAdam(p, lr=0.01, nus=(0.7, 1.0), betas=(0.995, 0.999)),
    'QHM': lambda p: optim.QHM(p, lr=0.05, momentum=0.9, nu=0.7),
    'Ranger': lambda p: optim.Ranger(p, lr=0.01, k=2),
    'RangerQH': lambda p: optim.RangerQH(p, lr=0.01, k=2),
    'RangerVA': lambda p: optim.RangerVA(p, lr=0.01, k=2),
    'SGDP': lambda p: optim.SGDP(p, lr=0.05, momentum=0.9, nesterov=True),
    'SGDW': lambda p: optim.SGDW(p, lr=0.05, momentum=0.9, weight_decay=1e-2),
    'SWATS': lambda p: optim.SWATS(p, lr=0.01),
    'Shampoo': lambda p: optim.Shampoo(p, lr=0.05, update_freq=1),
    'Yogi': lambda p: optim.Yogi(p, lr=0.01),
    'Lookahead(Yogi)': lambda p: optim.Lookahead(optim.Yogi(p, lr=0.01), k=2, alpha=0.5),
}
for name, make in recipes.items():
    model, optimizer, losses = train(make, second_order=name == 'Adahessian')
    weight = model[0].weight
    print(f'{name:16s}', ' '.join(f'{l:.5f}' for l in losses), f'|w|={weight.norm().item():.5f}')

# state_dict round trip: a second optimizer continues exactly where the first stopped
model, optimizer, _ = train(lambda p: optim.Yogi(p, lr=0.01), steps=3)
saved = optimizer.state_dict()
print('state keys', sorted(saved), sorted(saved['state'][0]), saved['param_groups'][0]['betas'])
clone = optim.Yogi(model.parameters(), lr=0.01)
clone.load_state_dict(saved)
print('restored step', clone.state[next(iter(model.parameters()))]['step'])
print('get', optim.get('lamb').__name__, optim.get('adamp').__name__)
try:
    optim.Lamb(fresh_model().parameters(), lr=-1)
except ValueError as error:
    print('ValueError', error)
print(optim.Lamb(fresh_model().parameters(), lr=0.01))
