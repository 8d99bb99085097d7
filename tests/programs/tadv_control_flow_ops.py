"""PyTorch's tutorial "Tutorial of control flow operators" (intermediate_source/torch_controlflow_tutorial.py):
cond, while_loop, scan, associative_scan and map from torch._higher_order_ops, the NaN/inf clamping with
cond, an LSTM three ways (for-loop over LSTMCell, scan over the gate equations, scan over LSTMCell, each
eager and compiled, checked against nn.LSTM) and the S5 state-space kernel with associative_scan.
On a CPU: the "pointwise" associative_scan (CUDA only) shows its error and the examples run in "generic"
mode; timings are not printed; the LSTMs are compiled without fullgraph=True (ember's compiler does not trace
scan's calls, and runs the calls that make them eagerly); gradients through scan are compared with the for-loop's (the tutorial's
part 3 theme)."""
import torch
from torch._higher_order_ops.map import map
from torch._higher_order_ops.cond import cond
from torch._higher_order_ops.scan import scan
from torch._higher_order_ops.associative_scan import associative_scan
from torch._higher_order_ops.while_loop import while_loop
torch._dynamo.config.capture_scalar_outputs = True
torch.manual_seed(0)


class CondExample(torch.nn.Module):
    def forward(self, x: torch.Tensor):

        # Define the branch prediction function
        pred = (x.sum() > 0).unsqueeze(0)

        # Define the function for the true branch
        def true_fn(t: torch.Tensor):
            return (t.cos(),)

        # Define the function for the false branch
        def false_fn(t: torch.Tensor):
            return (t.sin(),)

        out = cond(pred, true_fn, false_fn, (x,))
        return out[0]


# Define the input
xs = torch.randn(3, 3)

# Compute the results using cond
model = CondExample()
result = model(xs)

# Compute the results with pure PyTorch
result_pytorch = xs.cos() if xs.sum() > 0 else xs.sin()

print('='*80)
print('Example: cond')
print("Native PyTorch:\n", result_pytorch)
print("Result with cond:\n", result)
torch.testing.assert_close(result_pytorch, result)
print('-'*80)


class CumulativeSumWithWhileLoopExample(torch.nn.Module):
    def forward(self, cnt: torch.Tensor, s: torch.Tensor):
        def cond_fn(i, s):
            return i < 5

        def body_fn(i, s):
            return (i + 1, s + i)

        cnt_final, cumsum_final = while_loop(cond_fn, body_fn, (cnt, s))
        return cumsum_final


# Define the inputs
cnt = torch.tensor(0)
s = torch.tensor(0)

# Compute ground truth
result_pytorch = torch.cumsum(torch.arange(5), 0)[-1]

model = CumulativeSumWithWhileLoopExample()
result = model(cnt, s)

print('='*80)
print('Example: while_loop')
print("Native PyTorch:\n", result_pytorch)
print("Cumulative sum with while_loop result:\n", result)
torch.testing.assert_close(result_pytorch, result)
print('-'*80)


class ScanExample(torch.nn.Module):
    def forward(self, init: torch.Tensor, xs: torch.Tensor):
        def combine(carry, x):
            new_carry = carry + x
            return new_carry, new_carry * 2.

        cumsum_final, _ = scan(combine, init, xs, dim=0)
        return cumsum_final


# Define the inputs
xs = torch.arange(1, 5)
init = torch.tensor(0)

# Compute ground truth
result_pytorch = torch.cumsum(torch.arange(5), 0)[-1]

model = ScanExample()
result = model(init, xs)

print('='*80)
print('Example: scan')
print("Native PyTorch:\n", result_pytorch)
print("Cumulative sum with scan:\n", result)
torch.testing.assert_close(result_pytorch, result)
print('-'*80)


class AssociativeScanExample(torch.nn.Module):
    def forward(self, xs: torch.Tensor):
        def sum(a, b):
            return a + b

        # "pointwise" needs CUDA tensors: on a CPU, the generic mode twice
        try:
            associative_scan(combine_fn=sum, xs=xs, dim=0, combine_mode="pointwise")
        except ValueError as e:
            print("pointwise on a CPU:", e)
        res_pointwise = associative_scan(combine_fn=sum, xs=xs, dim=0, combine_mode="generic")[-1]
        res_generic = associative_scan(combine_fn=sum, xs=xs, dim=0, combine_mode="generic")[-1]
        return res_pointwise, res_generic


# Define the inputs
xs = torch.arange(5)

# Compute ground truth
result_pytorch = torch.cumsum(torch.arange(5), 0)[-1]

model = AssociativeScanExample()
res_generic, res_pointwise = model(xs)

print('='*80)
print('Example: associative_scan')
print("Native PyTorch:\n", result_pytorch)
print("Cumulative sum with associative_scan (generic):\n", res_generic)
print("Cumulative sum with associative_scan (pointwise):\n", res_pointwise)
torch.testing.assert_close(result_pytorch, res_generic.to('cpu'))
torch.testing.assert_close(result_pytorch, res_pointwise.to('cpu'))
print('-'*80)


class MapExample(torch.nn.Module):
    def forward(self, xs: torch.Tensor, y: torch.Tensor):
        def body_fn(x, y):
            return x ** y

        result = map(body_fn, xs, y)
        return result


# Define the inputs
xs = torch.arange(5)
y = torch.tensor(2)

# Compute ground truth
result_pytorch = xs ** y

model = MapExample()
result = model(xs, y)

print('='*80)
print('Example: map')
print("Native PyTorch result:\n", result_pytorch)
print("map result:\n", result)
torch.testing.assert_close(result_pytorch, result)
print('-'*80)


class AdvancedCondExample(torch.nn.Module):
    def forward(self, xs: torch.Tensor):
        def pred(x):
            return torch.isinf(x).any() or torch.isnan(x).any()

        def true_fn(x):
            no_nans_and_infs = torch.nan_to_num(x, nan=0.0, posinf=100, neginf=-100)
            clamped = torch.clamp(no_nans_and_infs, min=min_allowed_value, max=max_allowed_value)
            return clamped

        def false_fn(x):
            return x.clone()

        xs_filtered = cond(pred(xs),
                           true_fn,
                           false_fn,
                           (xs,)
                           )

        return xs_filtered


# Define the input with large values and NaNs
xs = torch.tensor([-10., -4, torch.nan, 1, torch.inf])
max_allowed_value = 4
min_allowed_value = -7

model = AdvancedCondExample()
xs_filtered = model(xs)

print('='*80)
print('Example: Value clamping')
print("Unfiltered tensort:\n", xs)
print("Filtered tensor:\n", xs_filtered)
print('-'*80)


class LSTM_forloop(torch.nn.Module):
    def __init__(self, input_size, hidden_size):
        super(LSTM_forloop, self).__init__()

        self.lstm_cell = torch.nn.LSTMCell(input_size, hidden_size)

    def forward(self, init: torch.Tensor, xs: torch.Tensor):
        # The input `xs` has the time as the first dimsion
        output = []
        for i in range(xs.size()[0]):
            hx, cx = self.lstm_cell(xs[i], init)
            init = (hx, cx)
            output.append(hx)
        output = torch.stack(output, dim=0)
        return output


class LSTM_scan(torch.nn.Module):
    def __init__(self, Wii, bii, Whi, bhi, Wif, bif, Whf, bhf, Wig, big, Whg, bhg, Wio, bio, Who, bho):
        super(LSTM_scan, self).__init__()
        self.Wii = Wii.clone()
        self.bii = bii.clone()
        self.Whi = Whi.clone()
        self.bhi = bhi.clone()
        self.Wif = Wif.clone()
        self.bif = bif.clone()
        self.Whf = Whf.clone()
        self.bhf = bhf.clone()
        self.Wig = Wig.clone()
        self.big = big.clone()
        self.Whg = Whg.clone()
        self.bhg = bhg.clone()
        self.Wio = Wio.clone()
        self.bio = bio.clone()
        self.Who = Who.clone()
        self.bho = bho.clone()

    def forward(self, init: torch.Tensor, xs: torch.Tensor):
        def lstm_combine(carry, x):
            h, c = carry

            i = torch.sigmoid(x @ self.Wii + self.bii + h @ self.Whi + self.bhi)
            f = torch.sigmoid(x @ self.Wif + self.bif + h @ self.Whf + self.bhf)
            g = torch.tanh(x @ self.Wig + self.big + h @ self.Whg + self.bhg)
            o = torch.sigmoid(x @ self.Wio + self.bio + h @ self.Who + self.bho)

            c_new = f * c + i * g
            h_new = o * torch.tanh(c_new)

            return (h_new, c_new.clone()), h_new.clone()

        carry, outs = scan(lstm_combine, init, xs, dim=0)
        return carry, outs


class LSTM_scan_cell(torch.nn.Module):
    def __init__(self, state_dict):
        super(LSTM_scan_cell, self).__init__()
        self.lstm_cell = torch.nn.LSTMCell(input_size, hidden_size)
        self.lstm_cell.load_state_dict(state_dict)

    def forward(self, init: torch.Tensor, xs: torch.Tensor):
        def lstm_combine(carry, x):
            hx, cx = self.lstm_cell(x, carry)
            return (hx, cx.clone()), hx.clone()

        carry, outs = scan(lstm_combine, init, xs, dim=0)
        return carry, outs


print('='*80)
print('Example: RNN with scan')


def time_fn(fn, args, warm_up=1):
    # the tutorial times each run; here only the result is kept
    for ind in range(warm_up):
        result = fn(*args)
    result = fn(*args)
    return result


# Define the inputs
time_steps = 20
warm_up_cycles = 1
input_size = 15
hidden_size = 20
xs = torch.randn(time_steps, input_size, requires_grad=True)  # (time_steps, batch, input_size)
h = torch.randn(hidden_size)  # (batch, hidden_size)
c = torch.randn(hidden_size)
init = (h, c)

# Define the for-loop LSTM model
lstm_forloop = LSTM_forloop(input_size, hidden_size)
lstm_forloop_comp = torch.compile(lstm_forloop)

# Define the LSTM using CUDA kernels
lstm_forloop_state_dict = lstm_forloop.state_dict()
lstm_cuda_state_dict = {}
for key, value in lstm_forloop_state_dict.items():
    new_key = key.replace('lstm_cell.', '') + '_l0'
    lstm_cuda_state_dict[new_key] = value.clone()
lstm_cuda = torch.nn.LSTM(input_size, hidden_size)
lstm_cuda.load_state_dict(lstm_cuda_state_dict)

# Define the LSTM model using scan
Wii, Wif, Wig, Wio = torch.chunk(lstm_cuda.weight_ih_l0, 4)
Whi, Whf, Whg, Who = torch.chunk(lstm_cuda.weight_hh_l0, 4)
bii, bif, big, bio = torch.chunk(lstm_cuda.bias_ih_l0, 4)
bhi, bhf, bhg, bho = torch.chunk(lstm_cuda.bias_hh_l0, 4)
lstm_scan = LSTM_scan(
                Wii.T, bii,
                Whi.T, bhi,

                Wif.T, bif,
                Whf.T, bhf,

                Wig.T, big,
                Whg.T, bhg,

                Wio.T, bio,
                Who.T, bho,
                )
lstm_scan_comp = torch.compile(lstm_scan)

# Define the LSTM model using scan and LSTMCell
rnn_scan_cell_state_dict = {}
for key, value in lstm_forloop_state_dict.items():
    new_key = key.replace('lstm_cell.', '')
    rnn_scan_cell_state_dict[new_key] = value.clone()
lstm_scan_cell = LSTM_scan_cell(rnn_scan_cell_state_dict)
lstm_scan_cell_comp = torch.compile(lstm_scan_cell)

# Run the models and check for equivalence
result_forloop = time_fn(lstm_forloop, (init, xs), warm_up=warm_up_cycles)
result_forloop_comp = time_fn(lstm_forloop_comp, (init, xs), warm_up=warm_up_cycles)
result_cuda = time_fn(lstm_cuda, (xs.clone(), (init[0].clone().unsqueeze(0), init[1].clone().unsqueeze(0))), warm_up=warm_up_cycles)
result_scan = time_fn(lstm_scan, ((init[0].clone().unsqueeze(0), init[1].clone().unsqueeze(0)), xs.clone()), warm_up=warm_up_cycles)
result_scan_comp = time_fn(lstm_scan_comp, ((init[0].clone().unsqueeze(0), init[1].clone().unsqueeze(0)), xs.clone()), warm_up=warm_up_cycles)
result_scan_cell = time_fn(lstm_scan_cell, ((init[0].clone(), init[1].clone()), xs.clone()), warm_up=warm_up_cycles)
result_scan_cell_comp = time_fn(lstm_scan_cell_comp, ((init[0].clone(), init[1].clone()), xs.clone()), warm_up=warm_up_cycles)

torch.testing.assert_close(result_forloop, result_forloop_comp)
torch.testing.assert_close(result_forloop, result_cuda[0])
torch.testing.assert_close(result_forloop, result_scan[1][:, 0, :])
torch.testing.assert_close(result_forloop, result_scan_comp[1][:, 0, :])
torch.testing.assert_close(result_forloop, result_scan_cell[1])
torch.testing.assert_close(result_forloop, result_scan_cell_comp[1])

print(f'T={time_steps}:')
print("outputs:", tuple(result_scan[1].shape), tuple(result_scan_cell[1].shape))
print("final carry:", [tuple(t.shape) for t in result_scan[0]], [tuple(t.shape) for t in result_scan_cell[0]])
print("last hidden state:\n", result_scan_cell[0][0])

# gradients flow through scan as through the loop
grad_forloop, = torch.autograd.grad(result_forloop.sum(), xs)
grad_scan, = torch.autograd.grad(result_scan_cell[1].sum(), xs)
torch.testing.assert_close(grad_forloop, grad_scan)
print("xs.grad row 0:\n", grad_scan[0])


class AdvancedAssociativeScanExample(torch.nn.Module):
    def forward(self, xs: torch.Tensor):
        def s5_operator(x: torch.Tensor, y: torch.Tensor):
            A_i, Bu_i = x
            A_j, Bu_j = y
            return A_j * A_i, A_j * Bu_i + Bu_j

        result = associative_scan(s5_operator, xs, dim=0, combine_mode="generic")
        return result


# Define the inputs
timesteps = 4
state_dim = 3
A = torch.randn(state_dim)
B = torch.randn(
    timesteps, state_dim
)
xs = (A.repeat((timesteps, 1)), B)

model = AdvancedAssociativeScanExample()
result = model(xs)

print('='*80)
print('Example: Advanced associative_scan')
print("SSM kernel implemented with associative_scan:\n", result)
print('-'*80)

# the scans' other arguments: reverse, another dim, pytrees of carries and outputs
print(scan(lambda c, x: (c * x, c + x), torch.ones(2), torch.arange(1., 7.).reshape(3, 2), reverse=True))
print(scan(lambda c, x: (c + x, {'y': c - x}), torch.zeros(3), torch.arange(6.).reshape(3, 2), dim=1))
print(associative_scan(lambda a, b: a * b, torch.arange(1., 9.).reshape(2, 4), dim=1, reverse=True,
                       combine_mode="generic"))
print(map(lambda d, k: {'s': d['a'] + d['b'] * k}, {'a': torch.ones(3, 2), 'b': torch.arange(6.).reshape(3, 2)},
          torch.tensor(10.)))
for bad in (lambda: scan(lambda c, x: (c, x), torch.zeros(1), torch.zeros(0, 1)),
            lambda: scan(lambda c, x: (c, x), [], torch.zeros(2)),
            lambda: scan(lambda c, x: (c, x), torch.zeros(1), torch.zeros(2), dim=1),
            lambda: associative_scan(lambda a, b: a + b, torch.zeros(2), 0, combine_mode='fast'),
            lambda: associative_scan(lambda a, b: a + b, torch.zeros(2), 3, combine_mode='generic'),
            lambda: map(lambda x: x, (torch.zeros(2), torch.zeros(3))),
            lambda: map(lambda x: x, torch.zeros(0, 2)),
            lambda: map(lambda x: x, [torch.zeros(2), 1])):
    try:
        bad()
    except (RuntimeError, ValueError, IndexError) as e:
        print(type(e).__name__, str(e).split('\n')[0])
