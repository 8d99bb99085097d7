"""fx: tracing cost, and what a trace costs ordinary ops afterwards (ember switches its ops to the
``__torch_function__``-checking wrappers at the first trace).

    python benchmarks/bench_fx.py
"""
from _common import best, import_lib, side_by_side


def bench(lib_name):
    lib = import_lib(lib_name)
    import importlib
    fx = importlib.import_module(f'{lib_name}.fx')
    nn, F = lib.nn, lib.nn.functional
    res = {}
    a = lib.ones(4, 4)
    b = lib.ones(4, 4)
    res['op_before_trace_us'] = best(lambda: a * b + a, 2000) * 1e6 / 2
    res['F_relu_before_trace_us'] = best(lambda: F.relu(a), 2000) * 1e6

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList(nn.Linear(8, 8) for _ in range(8))

        def forward(self, x):
            for layer in self.layers:
                x = F.relu(layer(x)) + x
            return x.sum(1)

    net = Net()
    res['trace_mlp8_ms'] = best(lambda: fx.symbolic_trace(net), 20) * 1e3
    res['op_after_trace_us'] = best(lambda: a * b + a, 2000) * 1e6 / 2
    res['F_relu_after_trace_us'] = best(lambda: F.relu(a), 2000) * 1e6
    gm = fx.symbolic_trace(net)
    x = lib.ones(2, 8)
    res['graph_module_call_us'] = best(lambda: gm(x), 200) * 1e6
    res['module_call_us'] = best(lambda: net(x), 200) * 1e6
    return res


def main():
    side_by_side(__file__, bench)


if __name__ == '__main__':
    main()
