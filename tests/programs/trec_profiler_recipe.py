# PyTorch recipe "PyTorch Profiler" (recipes_source/recipes/profiler_recipe.py) on the CPU, seeded, on a
# 1x3x64x64 input (not 5x3x224x224) to run in seconds. Its tables are timing, and their rows name the ATen
# calls PyTorch's kernels make (aten::conv2d -> aten::convolution -> aten::_convolution ->
# aten::mkldnn_convolution ...), which ember's ops, decomposed their own way, do not reproduce; so this program
# prints what does not depend on either: the tables' column headers, the record_function range, the trace
# file's and the stacks file's shape, the schedule's actions and the steps at which on_trace_ready fires.
# The CUDA parts run with ProfilerActivity.CPU only; section 6 asks for the stacks with
# ``_ExperimentalConfig(verbose=True)``, as the recipe's current version does.
import json
import re

import torch
import torchvision.models as models
from torch.profiler import profile, record_function, ProfilerActivity

torch.manual_seed(0)


def headers(table):
    """The table's column names (its second line) and the label of its closing total."""
    lines = table.splitlines()
    print(re.split(r'\s{2,}', lines[1].strip()))
    print([line.split(':')[0] for line in lines if line.startswith('Self ')])


model = models.resnet18()
inputs = torch.randn(1, 3, 64, 64)

with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
    with record_function("model_inference"):
        model(inputs)

headers(prof.key_averages().table(sort_by="cpu_time_total", row_limit=10))
averages = prof.key_averages()
top = max(averages, key=lambda e: e.cpu_time_total)
print(top.key, top.count, top.cpu_time_total >= max(e.cpu_time_total for e in averages if e.key != top.key))
print([(e.key, e.count) for e in averages if e.key == 'model_inference'])

headers(prof.key_averages(group_by_input_shape=True).table(sort_by="cpu_time_total", row_limit=10))
print([(e.key, e.input_shapes) for e in prof.key_averages(group_by_input_shape=True) if e.key == 'model_inference'])

# 4. Using profiler to analyze memory consumption
model = models.resnet18()
inputs = torch.randn(1, 3, 64, 64)

with profile(activities=[ProfilerActivity.CPU],
        profile_memory=True, record_shapes=True) as prof:
    model(inputs)

headers(prof.key_averages().table(sort_by="self_cpu_memory_usage", row_limit=10))
headers(prof.key_averages().table(sort_by="cpu_memory_usage", row_limit=10))

# 5. Using tracing functionality
with profile(activities=[ProfilerActivity.CPU]) as prof:
    with record_function("model_inference"):
        model(inputs)

prof.export_chrome_trace("trace.json")
with open("trace.json") as f:
    trace = json.load(f)
events = trace["traceEvents"]
inference = [e for e in events if e.get("name") == "model_inference"]
print(type(events).__name__, len(inference), sorted(k for k in ("ph", "ts", "dur", "name") if k in inference[0]),
      inference[0]["ph"])

# 6. Examining stack traces
with profile(
    activities=[ProfilerActivity.CPU],
    with_stack=True,
    experimental_config=torch._C._profiler._ExperimentalConfig(verbose=True),
) as prof:
    model(inputs)

headers(prof.key_averages(group_by_stack_n=5).table(sort_by="self_cpu_time_total", row_limit=2))
stacks = [e.stack for e in prof.key_averages(group_by_stack_n=5) if e.stack]
print(bool(stacks), all(len(s) <= 5 for s in stacks), any('forward' in frame for s in stacks for frame in s))

# 7. Visualizing data as a flame graph
prof.export_stacks("profiler_stacks.txt", "self_cpu_time_total")
with open("profiler_stacks.txt") as f:
    lines = f.read().splitlines()
print(bool(lines), all(re.fullmatch(r'.+ \d+', line) for line in lines))

# 8. Using profiler to analyze long-running jobs
from torch.profiler import schedule

my_schedule = schedule(
    skip_first=10,
    wait=5,
    warmup=1,
    active=3,
    repeat=2)
print([my_schedule(step).name for step in range(32)])


def trace_handler(p):
    output = p.key_averages().table(sort_by="self_cpu_time_total", row_limit=10)
    print('trace ready at step', p.step_num)
    headers(output)
    p.export_chrome_trace("trace_" + str(p.step_num) + ".json")

model = torch.nn.Sequential(torch.nn.Linear(8, 4), torch.nn.ReLU())   # a small model: 8 steps of it
inputs = torch.randn(2, 8)
with profile(
    activities=[ProfilerActivity.CPU],
    schedule=torch.profiler.schedule(
        wait=1,
        warmup=1,
        active=2),
    on_trace_ready=trace_handler
) as p:
    for idx in range(8):
        model(inputs)
        p.step()

import os
print(sorted(f for f in os.listdir('.') if f.startswith('trace_')))
