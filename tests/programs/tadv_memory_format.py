"""PyTorch's intermediate tutorial "Channels Last Memory Format in PyTorch"
(intermediate_source/memory_format_tutorial.py) on the CPU: the CUDA-only cells run on the CPU
(a CPU build has no cuDNN version to compare), and the operator-checking wrappers are installed,
exercised on a channels-last convolution and removed, as in the tutorial."""
import torch

N, C, H, W = 10, 3, 32, 32
x = torch.empty(N, C, H, W)
print(x.stride())  # Ouputs: (3072, 1024, 32, 1)

x = x.to(memory_format=torch.channels_last)
print(x.shape)  # Outputs: (10, 3, 32, 32) as dimensions order preserved
print(x.stride())  # Outputs: (3072, 1, 96, 3)

x = x.to(memory_format=torch.contiguous_format)
print(x.stride())  # Outputs: (3072, 1024, 32, 1)

x = x.contiguous(memory_format=torch.channels_last)
print(x.stride())  # Ouputs: (3072, 1, 96, 3)

print(x.is_contiguous(memory_format=torch.channels_last))  # Ouputs: True

special_x = torch.empty(4, 1, 4, 4)
print(special_x.is_contiguous(memory_format=torch.channels_last))  # Ouputs: True
print(special_x.is_contiguous(memory_format=torch.contiguous_format))  # Ouputs: True
print(special_x.to(memory_format=torch.channels_last).stride(), special_x.contiguous(memory_format=torch.channels_last).stride())

x = torch.empty(N, C, H, W, memory_format=torch.channels_last)
print(x.stride())  # Ouputs: (3072, 1, 96, 3)

y = x.clone()
print(y.stride())  # Ouputs: (3072, 1, 96, 3)

if torch.cuda.is_available():
    y = x.cuda()
    print(y.stride())  # Ouputs: (3072, 1, 96, 3)
print(x.float().stride(), x.to(torch.float64).stride())

y = torch.empty_like(x)
print(y.stride())  # Ouputs: (3072, 1, 96, 3)

z = x + y
print(z.stride())  # Ouputs: (3072, 1, 96, 3)

print(torch.backends.cudnn.version())
torch.manual_seed(0)
model = torch.nn.Conv2d(8, 4, 3)
model = model.to(memory_format=torch.channels_last)  # Module parameters need to be channels last

input = torch.randint(1, 10, (2, 8, 4, 4), dtype=torch.float32, requires_grad=True)
input = input.to(memory_format=torch.channels_last, dtype=torch.float64)
model = model.double()

out = model(input)
print(out.is_contiguous(memory_format=torch.channels_last))  # Ouputs: True
print(out.stride(), model.weight.stride())

model = model.to(memory_format=torch.channels_last)  # Replace with your model

input = input.to(memory_format=torch.channels_last)  # Replace with your input
output = model(input)
print(output.stride())


def contains_cl(args):
    for t in args:
        if isinstance(t, torch.Tensor):
            if t.is_contiguous(memory_format=torch.channels_last) and not t.is_contiguous():
                return True
        elif isinstance(t, list) or isinstance(t, tuple):
            if contains_cl(list(t)):
                return True
    return False


def print_inputs(args, indent=""):
    for t in args:
        if isinstance(t, torch.Tensor):
            print(indent, t.stride(), t.shape, t.device, t.dtype)
        elif isinstance(t, list) or isinstance(t, tuple):
            print(indent, type(t))
            print_inputs(list(t), indent=indent + "    ")
        else:
            print(indent, t)


def check_wrapper(fn):
    name = fn.__name__

    def check_cl(*args, **kwargs):
        was_cl = contains_cl(args)
        try:
            result = fn(*args, **kwargs)
        except Exception as e:
            print("`{}` inputs are:".format(name))
            print_inputs(args)
            print("-------------------")
            raise e
        failed = False
        if was_cl:
            if isinstance(result, torch.Tensor):
                if result.dim() == 4 and not result.is_contiguous(memory_format=torch.channels_last):
                    print(
                        "`{}` got channels_last input, but output is not channels_last:".format(name),
                        result.shape,
                        result.stride(),
                        result.device,
                        result.dtype,
                    )
                    failed = True
        if failed and True:
            print("`{}` inputs are:".format(name))
            print_inputs(args)
            raise Exception("Operator `{}` lost channels_last property".format(name))
        return result

    return check_cl


# (not in the tutorial: PyTorch imports its submodules at start-up, ember some on first use; one first
# imported while Tensor's methods are wrapped would keep the wrappers, so all are imported first)
for name in dir(torch):
    getattr(torch, name)
old_attrs = dict()
namespaces_before = {m: dict(vars(m)) for m in (torch.Tensor, torch.nn.functional, torch)}


def attribute(m):
    old_attrs[m] = dict()
    for i in dir(m):
        e = getattr(m, i)
        exclude_functions = ["is_cuda", "has_names", "numel", "stride", "Tensor", "is_contiguous", "__class__"]
        if i not in exclude_functions and not i.startswith("_") and "__call__" in dir(e):
            try:
                old_attrs[m][i] = e
                setattr(m, i, check_wrapper(e))
            except Exception as e:
                print(i)
                print(e)


attribute(torch.Tensor)
attribute(torch.nn.functional)
attribute(torch)

out = torch.nn.functional.conv2d(input, model.weight, model.bias)
print(torch.nn.functional.relu(out).stride(), (out * 2).stride())
try:
    out.contiguous().permute(0, 1, 3, 2).to(memory_format=torch.channels_last).sum(1, keepdim=True)
except Exception as e:
    print(e)

for (m, attrs) in old_attrs.items():
    for (k, v) in attrs.items():
        setattr(m, k, v)
# (not in the tutorial: the restore above leaves attributes resolved on first use set for good; the test
# harness runs every program in one process, so the namespaces are put back exactly as they were)
for m, before in namespaces_before.items():
    for k in set(vars(m)) - set(before):
        delattr(m, k)
    for k, v in before.items():
        if vars(m).get(k) is not v:
            setattr(m, k, v)
print(torch.Tensor.relu.__name__)
