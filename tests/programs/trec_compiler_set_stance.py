"""PyTorch's recipe "torch.compiler.set_stance" (recipes_source/torch_compiler_set_stance_tutorial.py):
force_eager as decorator, context manager and function, the errors for changing the stance inside a compiled
region, fail_on_recompile and eager_on_recompile; on a CPU, no CUDA-event timings (the comparison's results
printed instead); only the first line of each error printed (PyTorch's carry its compiler's trace).

Left out: the two examples that change the stance inside a compiled region. PyTorch refuses them ("Attempt to
trace forbidden callable ..."); ember's compiler runs such a call eagerly instead. The fail_on_recompile error
is printed from 'stance is' on: ember's text names torch.compile, as recorded from PyTorch in
tests/fixtures/compile/stance.json."""
import torch


def first_line(e):
    return str(e).split('\n')[0]


@torch.compile
def foo(x):
    if torch.compiler.is_compiling():
        # torch.compile is active
        return x + 1
    else:
        # torch.compile is not active
        return x - 1


inp = torch.zeros(3)

print(foo(inp))  # compiled, prints 1


@torch.compiler.set_stance("force_eager")
def bar(x):
    # force disable the compiler
    return foo(x)


print(bar(inp))  # not compiled, prints -1

with torch.compiler.set_stance("force_eager"):
    print(foo(inp))  # not compiled, prints -1

torch.compiler.set_stance("force_eager")
print(foo(inp))  # not compiled, prints -1
torch.compiler.set_stance("default")

print(foo(inp))  # compiled, prints 1


@torch.compile
def my_big_model(x):
    return torch.relu(x)


# first compilation
my_big_model(torch.randn(3))

with torch.compiler.set_stance("fail_on_recompile"):
    my_big_model(torch.randn(3))  # no recompilation - OK
    try:
        my_big_model(torch.randn(4))  # recompilation - error
    except Exception as e:
        # the file's path left out: it differs from one checkout to another
        print(type(e).__name__, first_line(e).split(' stance is ')[1].split(' filename: ')[0])


@torch.compile
def my_huge_model(x):
    if torch.compiler.is_compiling():
        return x + 1
    else:
        return x - 1


# first compilation
print(my_huge_model(torch.zeros(3)))  # 1

with torch.compiler.set_stance("eager_on_recompile"):
    print(my_huge_model(torch.zeros(3)))  # 1
    print(my_huge_model(torch.zeros(4)))  # -1
    print(my_huge_model(torch.zeros(3)))  # 1


@torch.compile
def my_gigantic_model(x, y):
    x = x @ y
    x = x @ y
    x = x @ y
    return x


torch.manual_seed(0)
inps = torch.randn(5, 5), torch.randn(5, 5)

with torch.compiler.set_stance("force_eager"):
    eager = my_gigantic_model(*inps)

# warmups
for _ in range(3):
    my_gigantic_model(*inps)

print("eager and compiled agree:", torch.allclose(eager, my_gigantic_model(*inps)))


@torch.compile
def my_humongous_model(x):
    return torch.sin(x, x)


try:
    with torch.compiler.set_stance("force_eager"):
        print(my_humongous_model(torch.randn(3)))
    # this call to the compiled model won't run
    print(my_humongous_model(torch.randn(3)))
except Exception as e:
    print(first_line(e))
