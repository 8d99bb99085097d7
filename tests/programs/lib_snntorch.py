import torch
import snntorch as snn
import snntorch.functional as SF
from snntorch import spikegen, surrogate, utils

torch.manual_seed(0)
num_steps, batch, inputs, hidden, outputs = 12, 8, 10, 16, 3
data = torch.rand(batch, inputs)
targets = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
spikes_in = spikegen.rate(data, num_steps=num_steps)
print('rate', spikes_in.shape, int(spikes_in.sum().item()))
latency = spikegen.latency(data, num_steps=num_steps, tau=5, threshold=0.01, normalize=True, linear=True)
print('latency', latency.shape, int(latency.sum().item()), latency.argmax(0)[0].tolist())
print('delta', spikegen.delta(torch.tensor([0.0, 0.5, 0.4, 1.0, 0.2]), threshold=0.1).tolist())

lif = snn.Leaky(beta=0.9)
mem = lif.init_leaky()
trace = []
for step in range(5):
    spk, mem = lif(torch.full((2,), 0.4), mem)
    trace.append((spk.tolist(), [round(v, 5) for v in mem.tolist()]))
print('leaky trace', trace)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        grad = surrogate.fast_sigmoid(slope=25)
        self.fc1 = torch.nn.Linear(inputs, hidden)
        self.lif1 = snn.Leaky(beta=0.85, spike_grad=grad, learn_beta=True)
        self.fc2 = torch.nn.Linear(hidden, hidden)
        self.syn2 = snn.Synaptic(alpha=0.8, beta=0.7, spike_grad=surrogate.atan())
        self.fc3 = torch.nn.Linear(hidden, outputs)
        self.lif3 = snn.Leaky(beta=0.9, spike_grad=grad, reset_mechanism='zero')

    def forward(self, x):
        mem1 = self.lif1.init_leaky()
        syn2, mem2 = self.syn2.init_synaptic()
        mem3 = self.lif3.init_leaky()
        spikes, membranes = [], []
        for step in range(x.size(0)):
            spk1, mem1 = self.lif1(self.fc1(x[step]), mem1)
            spk2, syn2, mem2 = self.syn2(self.fc2(spk1), syn2, mem2)
            spk3, mem3 = self.lif3(self.fc3(spk2), mem3)
            spikes.append(spk3)
            membranes.append(mem3)
        return torch.stack(spikes), torch.stack(membranes)


net = Net()
loss_fn = SF.ce_rate_loss()
count_loss = SF.mse_count_loss(correct_rate=0.8, incorrect_rate=0.2)
membrane_loss = SF.ce_max_membrane_loss()
optimizer = torch.optim.Adam(net.parameters(), lr=5e-3, betas=(0.9, 0.999))
for epoch in range(6):
    optimizer.zero_grad()
    spk, mem = net(spikes_in)
    loss = loss_fn(spk, targets) + 0.5 * count_loss(spk, targets) + 0.1 * membrane_loss(mem, targets)
    loss.backward()
    optimizer.step()
    print('epoch', epoch, f'{loss.item():.5f}', 'spikes', int(spk.sum().item()),
          'acc', f'{SF.accuracy_rate(spk, targets):.4f}', 'beta', f'{net.lif1.beta.item():.5f}')

print('grad fc1', f'{net.fc1.weight.grad.abs().sum().item():.5f}')
heaviside = surrogate.spike_rate_escape(beta=1, slope=25)
x = torch.linspace(-0.2, 0.2, 5, requires_grad=True)
y = heaviside(x)
y.sum().backward()
print('surrogate', y.tolist(), [round(v, 5) for v in x.grad.tolist()])
utils.reset(net)
print('modules', [type(m).__name__ for m in net.modules()])
print('lif', net.lif3)
seq = torch.nn.Sequential(torch.nn.Linear(inputs, outputs), snn.Leaky(beta=0.5, init_hidden=True, output=True))
utils.reset(seq)
for step in range(3):
    out_spk, out_mem = seq(spikes_in[step])
print('hidden-state leaky', out_spk.shape, f'{out_mem.sum().item():.5f}')
