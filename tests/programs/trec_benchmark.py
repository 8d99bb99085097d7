# PyTorch recipe "PyTorch Benchmark" (recipes_source/recipes/benchmark.py) on the CPU, seeded. Its output is
# mostly timing, which differs run to run and machine to machine, so this program prints what does not depend
# on the clock: each measurement's printout up to its timing lines (the object's address elided), checks that
# the timing statistics agree with the raw times, and the Compare tables twice: their layout (rows, columns,
# thread groups) from the real measurements, and in full from measurements rebuilt with modelled times (a fixed
# cost per element), so that Compare's formatting, trim_significant_figures and colorize are compared exactly.
# Shrunk to run in seconds: sizes [1, 64, 1024] (not up to 10000), 1 and 2 threads (not 1/4/16/32),
# min_run_time=0.01 (not 1), the fuzzers' first 4 draws (not 10) with at most 100000 elements per tensor (not
# 10M). The CUDA part and the C++/Callgrind part (section 8: load_inline, collect_callgrind) are left out.
import pickle
import re
import timeit
from itertools import product

import torch
import torch.utils.benchmark as benchmark

torch.manual_seed(0)


def untimed(m, runs=False):
    """The measurement's printout up to its timing lines, and whether its statistics agree with its times."""
    lines = repr(m).splitlines()
    shown = [re.sub(r'0x[0-9a-f]+', '0x...', lines[0])]
    for line in lines[1:]:
        if re.match(r'\s+(Median:|[\d.]+ [mnu]?s$)', line):
            break
        shown.append(line)
    times = m.times
    shown.append(f'  [{m.task_spec.num_threads} thread(s); runs per measurement: '
                 f'{m.number_per_run if runs else m.number_per_run >= 1}; median within the times: '
                 f'{min(times) <= m.median <= max(times)}; mean is their mean: '
                 f'{abs(m.mean - sum(times) / len(times)) <= 1e-12 + 1e-9 * m.mean}]')
    print('\n'.join(shown))


def layout(compare):
    """A Compare table with its times taken out: title, columns, thread groups, row labels."""
    for line in str(compare).splitlines():
        line = re.sub(r'\x1b\[[0-9;]*m', '', line)
        if '|' in line:
            cells = [c.strip() for c in line.split('|')]
            print(' ', cells[0], '|', len(cells) - 1, 'cells', '|' if cells[0] else '', *(cells[1:] if not cells[0] else []))
        elif line.startswith('Times are in'):
            print('  Times are in <unit>.')
        elif line.strip():
            print(' ', line.strip('[]- ').rstrip(' -'))


def modelled(m, per_element_ns):
    """``m`` with its times replaced by a fixed cost per element of its input (5 measurements, 1000 runs each)."""
    x = m.metadata['x'] if m.metadata and 'x' in m.metadata else None
    n = x if x is not None else 1
    base = (1000 + per_element_ns * n) * 1e-9
    return benchmark.Measurement(number_per_run=1000, raw_times=[base * 1000 * (1 + 0.02 * k) for k in range(5)],
                                 task_spec=m.task_spec, metadata=m.metadata)


def batched_dot_mul_sum(a, b):
    '''Computes batched dot by multiplying and summing'''
    return a.mul(b).sum(-1)


def batched_dot_bmm(a, b):
    '''Computes batched dot by reducing to ``bmm``'''
    a = a.reshape(-1, 1, a.shape[-1])
    b = b.reshape(-1, b.shape[-1], 1)
    return torch.bmm(a, b).flatten(-3)


# Input for benchmarking
x = torch.randn(10000, 64)

# Ensure that both functions compute the same output
assert batched_dot_mul_sum(x, x).allclose(batched_dot_bmm(x, x))

# 2. Benchmarking with timeit.Timer
t0 = timeit.Timer(
    stmt='batched_dot_mul_sum(x, x)',
    setup='from __main__ import batched_dot_mul_sum',
    globals={'x': x})

t1 = timeit.Timer(
    stmt='batched_dot_bmm(x, x)',
    setup='from __main__ import batched_dot_bmm',
    globals={'x': x})

print('mul_sum(x, x) takes time:', t0.timeit(100) > 0)
print('bmm(x, x) takes time:', t1.timeit(100) > 0)

# 3. Benchmarking with torch.utils.benchmark.Timer
t0 = benchmark.Timer(
    stmt='batched_dot_mul_sum(x, x)',
    setup='from __main__ import batched_dot_mul_sum',
    globals={'x': x})

t1 = benchmark.Timer(
    stmt='batched_dot_bmm(x, x)',
    setup='from __main__ import batched_dot_bmm',
    globals={'x': x})

untimed(t0.timeit(100), runs=True)
untimed(t1.timeit(100), runs=True)

num_threads = 2    # the recipe uses torch.get_num_threads(), which is the machine's
print(f'Benchmarking on {num_threads} threads')

t0 = benchmark.Timer(
    stmt='batched_dot_mul_sum(x, x)',
    setup='from __main__ import batched_dot_mul_sum',
    globals={'x': x},
    num_threads=num_threads,
    label='Multithreaded batch dot',
    sub_label='Implemented using mul and sum')

t1 = benchmark.Timer(
    stmt='batched_dot_bmm(x, x)',
    setup='from __main__ import batched_dot_bmm',
    globals={'x': x},
    num_threads=num_threads,
    label='Multithreaded batch dot',
    sub_label='Implemented using bmm')

untimed(t0.timeit(100), runs=True)
untimed(t1.timeit(100), runs=True)
print(torch.get_num_threads() >= 1)   # the thread count is restored after timing

# 4. Benchmarking with Blocked Autorange
m0 = t0.blocked_autorange(min_run_time=0.01)
m1 = t1.blocked_autorange(min_run_time=0.01)

untimed(m0)
untimed(m1)

print(f"Mean is positive:   {m0.mean > 0}")
print(f"Median is positive: {m0.median > 0}")

# 5. Comparing benchmark results
results = []

sizes = [1, 64, 1024]
for b, n in product(sizes, sizes):
    # label and sub_label are the rows
    # description is the column
    label = 'Batched dot'
    sub_label = f'[{b}, {n}]'
    x = torch.ones((b, n))
    for num_threads in [1, 2]:
        results.append(benchmark.Timer(
            stmt='batched_dot_mul_sum(x, x)',
            setup='from __main__ import batched_dot_mul_sum',
            globals={'x': x},
            num_threads=num_threads,
            label=label,
            sub_label=sub_label,
            description='mul/sum',
        ).blocked_autorange(min_run_time=0.01))
        results.append(benchmark.Timer(
            stmt='batched_dot_bmm(x, x)',
            setup='from __main__ import batched_dot_bmm',
            globals={'x': x},
            num_threads=num_threads,
            label=label,
            sub_label=sub_label,
            description='bmm',
        ).blocked_autorange(min_run_time=0.01))
        results[-2].metadata = results[-1].metadata = {'x': b * n}

compare = benchmark.Compare(results)
layout(compare)

# the same table from modelled times: mul/sum 1 ns per element, bmm 3 ns, halved on 2 threads
modelled_results = [modelled(m, (1 if m.description == 'mul/sum' else 3) / m.task_spec.num_threads) for m in results]
compare = benchmark.Compare(modelled_results)
compare.print()
print(re.sub(r'0x[0-9a-f]+', '0x...', repr(modelled_results[0])))
print(re.sub(r'0x[0-9a-f]+', '0x...', repr(modelled_results[-1])))

compare.trim_significant_figures()
compare.colorize()
compare.print()

# 6. Saving/Loading benchmark results
ab_test_results = []
for env in ('environment A: mul/sum', 'environment B: bmm'):
    for b, n in ((1, 1), (1024, 100), (10000, 1)):
        x = torch.ones((b, n))
        dot_fn = (batched_dot_mul_sum if env == 'environment A: mul/sum' else batched_dot_bmm)
        m = benchmark.Timer(
            stmt='batched_dot(x, x)',
            globals={'x': x, 'batched_dot': dot_fn},
            num_threads=1,
            label='Batched dot',
            description=f'[{b}, {n}]',
            env=env,
        ).blocked_autorange(min_run_time=0.01)
        m.metadata = {'x': b * n}
        ab_test_results.append(pickle.dumps(m))

ab_results = [pickle.loads(i) for i in ab_test_results]
compare = benchmark.Compare(ab_results)
compare.trim_significant_figures()
compare.colorize()
layout(compare)
compare = benchmark.Compare([modelled(m, 1 if m.task_spec.env.endswith('mul/sum') else 3) for m in ab_results])
compare.trim_significant_figures()
compare.colorize()
compare.print()

# And just to show that we can round trip all of the results from earlier:
round_tripped_results = pickle.loads(pickle.dumps(results))
assert(str(benchmark.Compare(results)) == str(benchmark.Compare(round_tripped_results)))
print([m.times == r.times and m.task_spec.sub_label == r.task_spec.sub_label
       for m, r in zip(results, round_tripped_results)].count(True), len(results))

# 7. Generating inputs with Fuzzed Parameters
from torch.utils.benchmark import Fuzzer, FuzzedParameter, FuzzedTensor, ParameterAlias

# Generates random tensors with 128 to 100000 elements and sizes k0 and k1 chosen from a
# ``loguniform`` distribution in [1, 10000], 40% of which will be discontiguous on average.
example_fuzzer = Fuzzer(
    parameters = [
        FuzzedParameter('k0', minval=1, maxval=10000, distribution='loguniform'),
        FuzzedParameter('k1', minval=1, maxval=10000, distribution='loguniform'),
    ],
    tensors = [
        FuzzedTensor('x', size=('k0', 'k1'), min_elements=128, max_elements=100000, probability_contiguous=0.6)
    ],
    seed=0,
)

results = []
for tensors, tensor_params, params in example_fuzzer.take(4):
    # description is the column label
    sub_label=f"{params['k0']:<6} x {params['k1']:<4} {'' if tensor_params['x']['is_contiguous'] else '(discontiguous)'}"
    print(sub_label, tuple(tensors['x'].shape), tensors['x'].stride(), tensors['x'].dtype, tensor_params['x'],
          f"{tensors['x'].double().sum().item():.6f}")
    results.append(benchmark.Timer(
        stmt='batched_dot_mul_sum(x, x)',
        setup='from __main__ import batched_dot_mul_sum',
        globals=tensors,
        label='Batched dot',
        sub_label=sub_label,
        description='mul/sum',
    ).blocked_autorange(min_run_time=0.01))
    results.append(benchmark.Timer(
        stmt='batched_dot_bmm(x, x)',
        setup='from __main__ import batched_dot_bmm',
        globals=tensors,
        label='Batched dot',
        sub_label=sub_label,
        description='bmm',
    ).blocked_autorange(min_run_time=0.01))

compare = benchmark.Compare(results)
compare.trim_significant_figures()
layout(compare)
