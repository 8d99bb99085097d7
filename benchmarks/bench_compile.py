"""compile: what a steady-state compiled call costs next to the eager call and next to the backend's
own callable (backend='eager': the graph as captured), with and without a graph break (the function
with a break called down one branch, and down both in turn).

    python benchmarks/bench_compile.py
"""
from _common import best, import_lib, side_by_side


def bench(lib_name):
    lib = import_lib(lib_name)
    nn = lib.nn
    res = {}
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
    x = lib.randn(8, 16)
    captured = []

    def keep(gm, example_inputs):          # the backend's callable, to call directly
        captured.append((gm.forward, list(example_inputs)))
        return gm.forward
    compiled = lib.compile(model, backend=keep)
    compiled(x)
    res['mlp_eager_us'] = best(lambda: model(x), 200) * 1e6
    res['mlp_compiled_us'] = best(lambda: compiled(x), 200) * 1e6
    backend_fn, inputs = captured[0]       # the graph's inputs, in the order the backend was given them
    res['mlp_backend_direct_us'] = best(lambda: backend_fn(*inputs), 200) * 1e6
    res['mlp_compiled_over_backend'] = res['mlp_compiled_us'] / res['mlp_backend_direct_us']

    def branchy(x):
        y = x * 2
        if y.sum() > 0:
            return y + 1
        return y - 1
    compiled_branchy = lib.compile(branchy, backend='eager')
    compiled_branchy(x)
    res['break_eager_us'] = best(lambda: branchy(x), 200) * 1e6
    res['break_compiled_us'] = best(lambda: compiled_branchy(x), 200) * 1e6
    res['break_compiled_over_eager'] = res['break_compiled_us'] / res['break_eager_us']

    def both_ways():            # the branch re-decided at each call: one call down each way
        compiled_branchy(x)
        compiled_branchy(-x)
    compiled_branchy(-x)
    res['break_both_ways_compiled_us'] = best(both_ways, 100) * 1e6
    res['break_both_ways_eager_us'] = best(lambda: (branchy(x), branchy(-x)), 100) * 1e6
    res['break_both_ways_compiled_over_eager'] = (res['break_both_ways_compiled_us']
                                                  / res['break_both_ways_eager_us'])
    res['mlp_compiled_over_eager'] = res['mlp_compiled_us'] / res['mlp_eager_us']
    return res


def main():
    side_by_side(__file__, bench)


if __name__ == '__main__':
    main()
