# PyTorch beginner tutorial "The Fundamentals of Autograd" (beginner_source/introyt/autogradyt_tutorial.py),
# as written (seeded; plots left out; nodes print without their memory addresses; the profiler's table
# has timings, so its rows' names and call counts are printed instead).
import re

import torch
import math

torch.manual_seed(0)


def no_address(obj):
    """A node prints with its memory address, different on every run: the recorded output leaves it out."""
    return re.sub(r" at 0x[0-9a-f]+", "", str(obj))


a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
print(a)

b = torch.sin(a)
print(a.detach().shape, b.detach().shape)

print(b)

c = 2 * b
print(c)

d = c + 1
print(d)

out = d.sum()
print(out)

print('d:')
print(no_address(d.grad_fn))
print(no_address(d.grad_fn.next_functions))
print(no_address(d.grad_fn.next_functions[0][0].next_functions))
print(no_address(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions))
print(no_address(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0].next_functions))
print('\nc:')
print(no_address(c.grad_fn))
print('\nb:')
print(no_address(b.grad_fn))
print('\na:')
print(a.grad_fn)

out.backward()
print(a.grad)
print(c.grad if False else None)

BATCH_SIZE = 16
DIM_IN = 1000
HIDDEN_SIZE = 100
DIM_OUT = 10

class TinyModel(torch.nn.Module):

    def __init__(self):
        super(TinyModel, self).__init__()

        self.layer1 = torch.nn.Linear(1000, 100)
        self.relu = torch.nn.ReLU()
        self.layer2 = torch.nn.Linear(100, 10)

    def forward(self, x):
        x = self.layer1(x)
        x = self.relu(x)
        x = self.layer2(x)
        return x

some_input = torch.randn(BATCH_SIZE, DIM_IN, requires_grad=False)
ideal_output = torch.randn(BATCH_SIZE, DIM_OUT, requires_grad=False)

model = TinyModel()

print(model.layer2.weight[0][0:10]) # just a small slice
print(model.layer2.weight.grad)

optimizer = torch.optim.SGD(model.parameters(), lr=0.001)

prediction = model(some_input)

loss = (ideal_output - prediction).pow(2).sum()
print(loss)

loss.backward()
print(model.layer2.weight[0][0:10])
print(model.layer2.weight.grad[0][0:10])

optimizer.step()
print(model.layer2.weight[0][0:10])
print(model.layer2.weight.grad[0][0:10])

print(model.layer2.weight.grad[0][0:10])

for i in range(0, 5):
    prediction = model(some_input)
    loss = (ideal_output - prediction).pow(2).sum()
    loss.backward()

print(model.layer2.weight.grad[0][0:10])

optimizer.zero_grad(set_to_none=False)

print(model.layer2.weight.grad[0][0:10])
optimizer.zero_grad()
print(model.layer2.weight.grad)

a = torch.ones(2, 3, requires_grad=True)
print(a)

b1 = 2 * a
print(b1)

a.requires_grad = False
b2 = 2 * a
print(b2)

a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3

c1 = a + b
print(c1)

with torch.no_grad():
    c2 = a + b

print(c2)

c3 = a * b
print(c3)

def add_tensors1(x, y):
    return x + y

@torch.no_grad()
def add_tensors2(x, y):
    return x + y


a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3

c1 = add_tensors1(a, b)
print(c1)

c2 = add_tensors2(a, b)
print(c2)

with torch.no_grad():
    @torch.enable_grad()
    def add_tensors3(x, y):
        return x + y
    print(add_tensors3(a, b))

x = torch.rand(5, requires_grad=True)
y = x.detach()

print(x)
print(y)

# the cell the tutorial shows failing on purpose
a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
try:
    torch.sin_(a)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    x.numpy()
except RuntimeError as e:
    print("RuntimeError:", e)

device = torch.device('cpu')
run_on_gpu = False
if torch.cuda.is_available():
    device = torch.device('cuda')
    run_on_gpu = True

x = torch.randn(2, 3, requires_grad=True)
y = torch.rand(2, 3, requires_grad=True)
z = torch.ones(2, 3, requires_grad=True)

with torch.autograd.profiler.profile(use_cuda=run_on_gpu) as prf:
    for _ in range(100):
        z = (z / x) * y

table = prf.key_averages().table(sort_by='self_cpu_time_total')
print(sorted((e.key, e.count) for e in prf.key_averages()))
print(table.splitlines()[1].split())

x = torch.randn(3, requires_grad=True)

y = x * 2
while y.data.norm() < 1000:
    y = y * 2

print(y)
try:
    y.backward()
except RuntimeError as e:
    print("RuntimeError:", e)

v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float) # stand-in for gradients
y.backward(v)

print(x.grad)

def exp_adder(x, y):
    return 2 * x.exp() + 3 * y

inputs = (torch.rand(1), torch.rand(1)) # arguments for the function
print(inputs)
print(torch.autograd.functional.jacobian(exp_adder, inputs))

inputs = (torch.rand(3), torch.rand(3)) # arguments for the function
print(inputs)
print(torch.autograd.functional.jacobian(exp_adder, inputs))

print(torch.autograd.functional.hessian(lambda x: (x ** 3).sum(), torch.rand(3)))

def do_some_doubling(x):
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    return y

inputs = torch.randn(3)
my_gradients = torch.tensor([0.1, 1.0, 0.0001])
print(torch.autograd.functional.vjp(do_some_doubling, inputs, v=my_gradients))
print(torch.autograd.functional.jvp(do_some_doubling, inputs, v=my_gradients))
print(torch.autograd.functional.vhp(lambda x: (x ** 3).sum(), inputs, v=my_gradients))
print(torch.autograd.functional.hvp(lambda x: (x ** 3).sum(), inputs, v=my_gradients))
