"""PyTorch's three compiled-optimizer recipes on the CPU, seeded, with ten 256x256 linear layers instead of 1024x1024
on CUDA (the CUDA capability checks left out):

- "Compiling the optimizer with torch.compile" (recipes_source/compiling_optimizer.py): Adam's step compiled; the
  benchmark's timings are not printed (nor asserted): what is printed is that the compiled steps updated the
  parameters as eager steps update a copy of the model, and that torch.utils.benchmark's Timer ran both.
- "Running the compiled optimizer with an LR Scheduler" (recipes_source/compiling_optimizer_lr_scheduler.py): Adam
  with a tensor lr and LinearLR stepped in one compiled function, the lr printed as the recipe prints it; then a
  float lr with recompile logging on (logged to stderr, as PyTorch logs it), the lr printed.
- "Explicit horizontal fusion with foreach_map and torch.compile" (recipes_source/foreach_map.py): Adam written
  with foreach_map, compiled, against torch.optim.Adam; the copy model starts from the model's weights (the recipe
  builds an independent one, so its closing comparison, which it does not print, would compare unrelated weights),
  and the comparison is printed; the compiled Adam is called with lr=0.01, the lr of the torch.optim.Adam it is
  compared with (the recipe leaves its default, 1e-3). The output code it logs goes to stderr.
"""
import torch
import torch.utils.benchmark as benchmark

torch.manual_seed(0)
SIZE = 256


def make_model():
    return torch.nn.Sequential(*[torch.nn.Linear(SIZE, SIZE, False) for _ in range(10)])


def same(a, b):
    return all(torch.allclose(p, q, rtol=1e-4, atol=1e-6) for p, q in zip(a.parameters(), b.parameters()))


# -- compiling_optimizer.py
model = make_model()
reference = make_model()
reference.load_state_dict(model.state_dict())
input = torch.rand(SIZE)
output = model(input)
output.sum().backward()
reference(input).sum().backward()

opt = torch.optim.Adam(model.parameters(), lr=0.01)
opt_reference = torch.optim.Adam(reference.parameters(), lr=0.01)


@torch.compile()
def fn():
    opt.step()


def benchmark_torch_function_in_microseconds(f, *args, **kwargs):
    t0 = benchmark.Timer(
        stmt="f(*args, **kwargs)", globals={"args": args, "kwargs": kwargs, "f": f}
    )
    return t0.timeit(3).mean * 1e6


# Warmup runs to compile the function
for _ in range(5):
    fn()
    opt_reference.step()
print("compiled steps as eager steps:", same(model, reference))
print("parameters moved:", round(float((model[0].weight - model[1].weight).abs().mean()), 4) != 0)

eager_runtime = benchmark_torch_function_in_microseconds(opt_reference.step)
compiled_runtime = benchmark_torch_function_in_microseconds(fn)
print("timed both:", eager_runtime > 0, compiled_runtime > 0)
print("after timing, still the same:", same(model, reference))

# -- compiling_optimizer_lr_scheduler.py
model = make_model()
input = torch.rand(SIZE)
output = model(input)
output.sum().backward()

# Wrap the lr in a Tensor if we are pairing the optimizer with an LR Scheduler.
opt = torch.optim.Adam(model.parameters(), lr=torch.tensor(0.01))
sched = torch.optim.lr_scheduler.LinearLR(opt, total_iters=5)


@torch.compile(fullgraph=False)
def fn():
    opt.step()
    sched.step()


# Warmup runs to compile the function
for _ in range(5):
    fn()
    print(opt.param_groups[0]["lr"])

# No longer wrap the LR in a tensor here
opt = torch.optim.Adam(model.parameters(), lr=0.01)
sched = torch.optim.lr_scheduler.LinearLR(opt, total_iters=5)


@torch.compile(fullgraph=False)
def fn():
    opt.step()
    sched.step()


# Setup logging to view recompiles
torch._logging.set_logs(recompiles=True)

# Warmup runs to compile the function
# We will now recompile on each iteration
# as the value of the lr is mutated.
for _ in range(5):
    fn()
    print(round(opt.param_groups[0]["lr"], 6))
torch._logging.set_logs()

# -- foreach_map.py
model = make_model()
model_copy = make_model()
model_copy.load_state_dict(model.state_dict())
input = torch.rand(SIZE)

# run forward pass
output = model(input)
output_copy = model_copy(input)

# run backward to populate the grads for our optimizer below
output.sum().backward()
output_copy.sum().backward()

from torch._higher_order_ops.foreach_map import foreach_map


# Helper function to extract optimizer states from a torch.optim.Adam instance
def get_inputs(optim):
    steps = []
    params = []
    grads = []
    exp_avgs = []
    exp_avg_sqs = []
    for group in optim.param_groups:
        for p in group["params"]:
            params.append(p)
            grads.append(p.grad)
            state = optim.state[p]
            exp_avgs.append(state["exp_avg"])
            exp_avg_sqs.append(state["exp_avg_sq"])
            steps.append(state["step"])

    return steps, params, exp_avgs, exp_avg_sqs


# Functions to update the different optimizer states
def update_exp_avg_sq(exp_avg_sq, grad, beta2):
    return exp_avg_sq.mul(beta2).addcmul(grad, grad, value=1 - beta2)


def update_param(param, step, exp_avg, exp_avg_sq, beta1, beta2, lr, eps):
    bias_correction1 = 1 - torch.pow(beta1, step)
    bias_correction2 = (1 - torch.pow(beta2, step)).sqrt()
    step_size = (lr / bias_correction1).neg()
    denom = (exp_avg_sq.sqrt() / (bias_correction2 * step_size)).add(eps / step_size)
    return torch.add(param, torch.div(exp_avg, denom))


# Our full Adam implementation
def foreach_map_adam(
    steps,
    params,
    exp_avgs,
    exp_avg_sqs,
    weight_decay=0,
    beta1=0.9,
    beta2=0.999,
    lr=1e-3,
    eps=1e-8,
):
    with torch.no_grad():
        grads = [param.grad for param in params]
        # update step
        updated_steps = foreach_map(lambda x: x + 1, steps)
        torch._foreach_copy_(steps, updated_steps)

        if weight_decay != 0:
            foreach_map(torch.add, (grads,), alpha=weight_decay)

        # Higher-order operators (HOPs) cannot have multiple outputs at the moment
        # need to call foreach_map once for each output
        exp_avgs_updated = foreach_map(torch.lerp, exp_avgs, grads, 1 - beta1)
        exp_avgs_sq_updated = foreach_map(update_exp_avg_sq, exp_avg_sqs, grads, beta2)
        params_updated = foreach_map(
            update_param,
            params,
            steps,
            exp_avgs_updated,
            exp_avgs_sq_updated,
            beta1,
            beta2,
            lr,
            eps,
        )
        # Higher-order operators (HOPs) don't support input mutation today
        # so manually  update the states in-place
        torch._foreach_copy_(exp_avgs, exp_avgs_updated)
        torch._foreach_copy_(exp_avg_sqs, exp_avgs_sq_updated)
        torch._foreach_copy_(params, params_updated)
    return


opt_eager = torch.optim.Adam(model.parameters(), lr=torch.tensor(0.01))
opt_eager_copy = torch.optim.Adam(model_copy.parameters(), lr=torch.tensor(0.01))

# warm up the optimizer state dict
opt_eager.step()
opt_eager_copy.step()

inputs = get_inputs(opt_eager_copy)
compiled_adam = torch.compile(foreach_map_adam)

# optionally view the output code
torch._logging.set_logs(output_code=True)

# Warmup runs to compile the function
for _ in range(5):
    opt_eager.step()
    compiled_adam(*inputs, lr=0.01)
torch._logging.set_logs()

print([torch.allclose(eager_p, compile_p, rtol=1e-4, atol=1e-6)
       for eager_p, compile_p in zip(opt_eager.param_groups[0]["params"], opt_eager_copy.param_groups[0]["params"])])
print([int(s) for s in inputs[0]][:3], [int(opt_eager.state[p]["step"]) for p in model.parameters()][:3])
