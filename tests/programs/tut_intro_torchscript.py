# PyTorch beginner tutorial "Introduction to TorchScript" (beginner_source/Intro_to_TorchScript_tutorial.py),
# every torch call as the tutorial writes it (seeded, so the printed numbers can be compared), followed by
# torch.jit.freeze's documented usage ("TorchScript model freezing") and a scripted function with a
# torch.no_grad() block called with a wrongly-typed argument.
# Left out, as ember prints them otherwise (yet): the .graph of traced and scripted modules (TorchScript IR),
# the .code of scripted modules calling submodules or looping (PyTorch's printer names and splits values
# there), the code of a traced module holding a scripted one, and the printed frozen code.
import torch

torch.manual_seed(0)


def show(code):
    # TorchScript code names torch's operators (torch.add); the recording reads 'torch' as 'ember' in all
    # printed text, so the code is printed with that reading here on both sides
    print(code.replace('torch', 'ember'))


class MyCell(torch.nn.Module):
    def __init__(self):
        super(MyCell, self).__init__()

    def forward(self, x, h):
        new_h = torch.tanh(x + h)
        return new_h, new_h

my_cell = MyCell()
x = torch.rand(3, 4)
h = torch.rand(3, 4)
print(my_cell(x, h))


class MyCell(torch.nn.Module):
    def __init__(self):
        super(MyCell, self).__init__()
        self.linear = torch.nn.Linear(4, 4)

    def forward(self, x, h):
        new_h = torch.tanh(self.linear(x) + h)
        return new_h, new_h

my_cell = MyCell()
print(my_cell)
print(my_cell(x, h))


class MyDecisionGate(torch.nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x
        else:
            return -x

class MyCell(torch.nn.Module):
    def __init__(self):
        super(MyCell, self).__init__()
        self.dg = MyDecisionGate()
        self.linear = torch.nn.Linear(4, 4)

    def forward(self, x, h):
        new_h = torch.tanh(self.dg(self.linear(x)) + h)
        return new_h, new_h

my_cell = MyCell()
print(my_cell)
print(my_cell(x, h))


# Tracing Modules
class MyCell(torch.nn.Module):
    def __init__(self):
        super(MyCell, self).__init__()
        self.linear = torch.nn.Linear(4, 4)

    def forward(self, x, h):
        new_h = torch.tanh(self.linear(x) + h)
        return new_h, new_h

my_cell = MyCell()
x, h = torch.rand(3, 4), torch.rand(3, 4)
traced_cell = torch.jit.trace(my_cell, (x, h))
print(traced_cell)
traced_cell(x, h)

show(traced_cell.code)
print(my_cell(x, h))
print(traced_cell(x, h))


# Using Scripting to Convert Modules
class MyDecisionGate(torch.nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x
        else:
            return -x

class MyCell(torch.nn.Module):
    def __init__(self, dg):
        super(MyCell, self).__init__()
        self.dg = dg
        self.linear = torch.nn.Linear(4, 4)

    def forward(self, x, h):
        new_h = torch.tanh(self.dg(self.linear(x)) + h)
        return new_h, new_h

my_cell = MyCell(MyDecisionGate())
traced_cell = torch.jit.trace(my_cell, (x, h))

show(traced_cell.dg.code)
show(traced_cell.code)

scripted_gate = torch.jit.script(MyDecisionGate())

my_cell = MyCell(scripted_gate)
scripted_cell = torch.jit.script(my_cell)

show(scripted_gate.code)

x, h = torch.rand(3, 4), torch.rand(3, 4)
traced_cell(x, h)
print(scripted_cell(x, h))          # (the tutorial runs traced_cell; both are shown here)


# Mixing Scripting and Tracing
class MyRNNLoop(torch.nn.Module):
    def __init__(self):
        super(MyRNNLoop, self).__init__()
        self.cell = torch.jit.trace(MyCell(scripted_gate), (x, h))

    def forward(self, xs):
        h, y = torch.zeros(3, 4), torch.zeros(3, 4)
        for i in range(xs.size(0)):
            y, h = self.cell(xs[i], h)
        return y, h

rnn_loop = torch.jit.script(MyRNNLoop())
print([t.shape for t in rnn_loop(torch.rand(10, 3, 4))])


class WrapRNN(torch.nn.Module):
    def __init__(self):
        super(WrapRNN, self).__init__()
        self.loop = torch.jit.script(MyRNNLoop())

    def forward(self, xs):
        y, h = self.loop(xs)
        return torch.relu(y)

traced = torch.jit.trace(WrapRNN(), (torch.rand(10, 3, 4)))


# Saving and Loading models
traced.save('wrapped_rnn.pt')

loaded = torch.jit.load('wrapped_rnn.pt')

xs = torch.rand(10, 3, 4)
print(torch.equal(loaded(xs), traced(xs)))


@torch.jit.script
def scaled_sum(x, y, alpha: float = 2.0):
    with torch.no_grad():
        z = x + alpha * y
    return z.sum()

show(scaled_sum.code)
print(scaled_sum(torch.ones(2), torch.ones(2)))
try:
    scaled_sum(1, torch.ones(2))
except RuntimeError as e:
    print(type(e).__name__, str(e))


# torch.jit.freeze (the "TorchScript model freezing" usage)
class MyModule(torch.nn.Module):
    def __init__(self, N, M):
        super(MyModule, self).__init__()
        self.weight = torch.nn.Parameter(torch.rand(N, M))
        self.linear = torch.nn.Linear(N, M)

    def forward(self, input):
        output = self.weight.mm(input)
        output = self.linear(output)
        return output

scripted_module = torch.jit.script(MyModule(2, 3).eval())
frozen_module = torch.jit.freeze(scripted_module)
print(type(frozen_module).__name__, len(list(frozen_module.named_parameters())))
print('CONSTANTS.c0' in frozen_module.code, 'self.' in frozen_module.code)
inp = torch.rand(3, 2)
print(torch.allclose(frozen_module(inp), scripted_module(inp)))


class MyModule2(torch.nn.Module):
    def __init__(self):
        super(MyModule2, self).__init__()
        self.modified_tensor = torch.tensor(10.)
        self.version = 1

    def forward(self, input):
        self.modified_tensor += 1
        return input + self.modified_tensor

scripted_module = torch.jit.script(MyModule2().eval())
frozen_module = torch.jit.freeze(scripted_module, preserved_attrs=["version"])
print(frozen_module.version)
frozen_module.version = 2
print(frozen_module(torch.tensor(1)))
print(frozen_module(torch.tensor(1)))
