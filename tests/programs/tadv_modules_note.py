"""PyTorch's note "Modules" (docs/source/notes/modules.md): a custom linear module, composition (Sequential,
children, named_modules, ModuleList/ModuleDict), apply, a training loop, train/eval modes, buffers (persistent
or not), every way of registering state, initialization options (dtype, skip_init), and forward/backward hooks
(module-level and global). Seeded; the training loop cut from 10000 steps to 300; float64 instead of CUDA for
to(); the note's bare expressions printed."""
import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)


class MyLinear(nn.Module):
  def __init__(self, in_features, out_features):
    super().__init__()
    self.weight = nn.Parameter(torch.randn(in_features, out_features))
    self.bias = nn.Parameter(torch.randn(out_features))

  def forward(self, input):
    return (input @ self.weight) + self.bias


m = MyLinear(4, 3)
sample_input = torch.randn(4)
print(m(sample_input))

for parameter in m.named_parameters():
  print(parameter)

net = nn.Sequential(
  MyLinear(4, 3),
  nn.ReLU(),
  MyLinear(3, 1)
)

sample_input = torch.randn(4)
print(net(sample_input))


class Net(nn.Module):
  def __init__(self):
    super().__init__()
    self.l0 = MyLinear(4, 3)
    self.l1 = MyLinear(3, 1)

  def forward(self, x):
    x = self.l0(x)
    x = F.relu(x)
    x = self.l1(x)
    return x


net = Net()
for child in net.named_children():
  print(child)


class BigNet(nn.Module):
  def __init__(self):
    super().__init__()
    self.l1 = MyLinear(5, 4)
    self.net = Net()

  def forward(self, x):
    return self.net(self.l1(x))


big_net = BigNet()
for module in big_net.named_modules():
  print(module)


class DynamicNet(nn.Module):
  def __init__(self, num_layers):
    super().__init__()
    self.linears = nn.ModuleList(
      [MyLinear(4, 4) for _ in range(num_layers)])
    self.activations = nn.ModuleDict({
      'relu': nn.ReLU(),
      'lrelu': nn.LeakyReLU()
    })
    self.final = MyLinear(4, 1)

  def forward(self, x, act):
    for linear in self.linears:
      x = linear(x)
      x = self.activations[act](x)
    x = self.final(x)
    return x


dynamic_net = DynamicNet(3)
sample_input = torch.randn(4)
output = dynamic_net(sample_input, 'relu')
print(output)

for parameter in dynamic_net.named_parameters():
  print(parameter)

# Change precision of all parameters
dynamic_net.to(dtype=torch.float64)
print(dynamic_net(torch.randn(4, dtype=torch.float64), 'lrelu'))


@torch.no_grad()
def init_weights(m):
  if isinstance(m, nn.Linear):
    nn.init.xavier_normal_(m.weight)
    m.bias.fill_(0.0)


print(dynamic_net.apply(init_weights))
seq = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
seq.apply(init_weights)
print(seq[0].bias, seq[2].weight)

# Create the network (from previous section) and optimizer
net = Net()
optimizer = torch.optim.SGD(net.parameters(), lr=1e-4, weight_decay=1e-2, momentum=0.9)

for _ in range(300):
  input = torch.randn(4)
  output = net(input)
  loss = torch.abs(output)
  net.zero_grad()
  loss.backward()
  optimizer.step()

print(net.eval())
print(net.l1.weight)


class ModalModule(nn.Module):
  def __init__(self):
    super().__init__()

  def forward(self, x):
    if self.training:
      # Add a constant only in training mode.
      return x + 1.
    else:
      return x


m = ModalModule()
x = torch.randn(4)

print('training mode output: {}'.format(m(x)))

m.eval()
print('evaluation mode output: {}'.format(m(x)))

# Save the module
torch.save(net.state_dict(), 'net.pt')

# Load the module later on
new_net = Net()
print(new_net.load_state_dict(torch.load('net.pt')))


class RunningMean(nn.Module):
  def __init__(self, num_features, momentum=0.9):
    super().__init__()
    self.momentum = momentum
    self.register_buffer('mean', torch.zeros(num_features))

  def forward(self, x):
    self.mean = self.momentum * self.mean + (1.0 - self.momentum) * x
    return self.mean


m = RunningMean(4)
for _ in range(10):
  input = torch.randn(4)
  m(input)

print(m.state_dict())

# Serialized form will contain the 'mean' tensor
torch.save(m.state_dict(), 'mean.pt')

m_loaded = RunningMean(4)
print(m_loaded.load_state_dict(torch.load('mean.pt')))
assert(torch.all(m.mean == m_loaded.mean))

m.register_buffer('unserialized_thing', torch.randn(5), persistent=False)
m.to(dtype=torch.float64)
for buffer in m.named_buffers():
  print(buffer)
print(list(m.state_dict()))


class StatefulModule(nn.Module):
  def __init__(self):
    super().__init__()
    self.param1 = nn.Parameter(torch.randn(2))
    self.register_parameter('param2', nn.Parameter(torch.randn(3)))
    self.register_parameter('param3', None)
    self.param_list = nn.ParameterList([nn.Parameter(torch.randn(2)) for i in range(3)])
    self.param_dict = nn.ParameterDict({
      'foo': nn.Parameter(torch.randn(3)),
      'bar': nn.Parameter(torch.randn(4))
    })
    self.register_buffer('buffer1', torch.randn(4), persistent=True)
    self.register_buffer('buffer2', torch.randn(5), persistent=False)
    self.register_buffer('buffer3', None)
    self.linear = nn.Linear(2, 3)


m = StatefulModule()

# Save and load state_dict.
torch.save(m.state_dict(), 'state.pt')
m_loaded = StatefulModule()
print(m_loaded.load_state_dict(torch.load('state.pt')))

print(m_loaded.state_dict())
print(m_loaded)
try:
  m_loaded.param3 = torch.zeros(1)
except TypeError as e:
  print(type(e).__name__, e)
try:
  m_loaded.buffer3 = 3
except TypeError as e:
  print(type(e).__name__, e)
m_loaded.buffer3 = torch.ones(2)
print([name for name, _ in m_loaded.named_buffers()], list(m_loaded.state_dict())[-3:])

# Initialize module with 16-bit floating point parameters.
m = nn.Linear(5, 3, dtype=torch.half)
print(m.weight.dtype, m.bias.dtype)

# Skip default parameter initialization and perform custom (e.g. orthogonal) initialization.
m = torch.nn.utils.skip_init(nn.Linear, 5, 3)
nn.init.orthogonal_(m.weight)
print(m.weight)
print(torch.allclose(m.weight @ m.weight.T, torch.eye(3), atol=1e-6))

m = nn.BatchNorm2d(3, dtype=torch.half)
print(m.running_mean)

torch.manual_seed(1)


def forward_pre_hook(m, inputs):
  input = inputs[0]
  return input + 1.


def forward_hook(m, inputs, output):
  # Residual computation a la ResNet.
  return output + inputs[0]


def backward_hook(m, grad_inputs, grad_outputs):
  new_grad_inputs = [torch.ones_like(gi) * 42. for gi in grad_inputs]
  return new_grad_inputs


# Create sample module & input.
m = nn.Linear(3, 3)
x = torch.randn(2, 3, requires_grad=True)

print('output with no forward hooks: {}'.format(m(x)))

forward_pre_hook_handle = m.register_forward_pre_hook(forward_pre_hook)
print('output with forward pre hook: {}'.format(m(x)))

forward_hook_handle = m.register_forward_hook(forward_hook)
print('output with both forward hooks: {}'.format(m(x)))

forward_pre_hook_handle.remove()
forward_hook_handle.remove()
print('output after removing forward hooks: {}'.format(m(x)))

m(x).sum().backward()
print('x.grad with no backwards hook: {}'.format(x.grad))

# Clear gradients before running backward pass again.
m.zero_grad()
x.grad.zero_()

m.register_full_backward_hook(backward_hook)
m(x).sum().backward()
print('x.grad with backwards hook: {}'.format(x.grad))
print(m.weight.grad)

# the global hooks and the backward pre hook the note lists
calls = []
h1 = nn.modules.module.register_module_forward_pre_hook(lambda mod, inp: calls.append(('pre', type(mod).__name__)))
h2 = nn.modules.module.register_module_forward_hook(lambda mod, inp, out: calls.append(('fwd', type(mod).__name__)))
h3 = nn.modules.module.register_module_full_backward_hook(
  lambda mod, gi, go: calls.append(('bwd', type(mod).__name__, tuple(g is None for g in gi))))
h4 = nn.modules.module.register_module_full_backward_pre_hook(
  lambda mod, go: calls.append(('bwd_pre', type(mod).__name__, tuple(g.shape for g in go))))
seq = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
seq(torch.randn(4, 3)).sum().backward()
for h in (h1, h2, h3, h4):
  h.remove()
seq(torch.randn(4, 3))
for c in calls:
  print(c)
lin = nn.Linear(2, 2)
lin.register_full_backward_pre_hook(lambda mod, go: (go[0] * 0.5,))
xin = torch.ones(1, 2, requires_grad=True)
lin(xin).sum().backward()
print(lin.weight.grad, lin.bias.grad)
