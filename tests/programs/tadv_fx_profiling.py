"""PyTorch's intermediate tutorial "Building a Simple CPU Performance Profiler with FX"
(intermediate_source/fx_profiling_tutorial.py): ResNet18 traced and run node by node by a profiling
Interpreter, on one 32x32 image; the summary is printed without its (machine-dependent) times."""
import torch
import torch.fx
import torchvision.models as models
torch.manual_seed(0)

rn18 = models.resnet18()
rn18.eval()

input = torch.randn(1, 3, 32, 32)
output = rn18(input)

import statistics, time
from typing import Any, Dict, List
from torch.fx import Interpreter

traced_rn18 = torch.fx.symbolic_trace(rn18)
print(traced_rn18.graph)


class ProfilingInterpreter(Interpreter):
    def __init__(self, mod : torch.nn.Module):
        gm = torch.fx.symbolic_trace(mod)
        super().__init__(gm)

        self.total_runtime_sec : List[float] = []
        self.runtimes_sec : Dict[torch.fx.Node, List[float]] = {}

    def run(self, *args) -> Any:
        # Record the time we started running the model
        t_start = time.time()
        # Run the model by delegating back into Interpreter.run()
        return_val = super().run(*args)
        # Record the time we finished running the model
        t_end = time.time()
        self.total_runtime_sec.append(t_end - t_start)
        return return_val

    def run_node(self, n : torch.fx.Node) -> Any:
        # Record the time we started running the op
        t_start = time.time()
        # Run the op by delegating back into Interpreter.run_node()
        return_val = super().run_node(n)
        # Record the time we finished running the op
        t_end = time.time()
        self.runtimes_sec.setdefault(n, [])
        self.runtimes_sec[n].append(t_end - t_start)
        return return_val

    def summary(self, should_sort : bool = False) -> str:
        # Build up a list of summary information for each node
        node_summaries : List[List[Any]] = []
        mean_total_runtime = statistics.mean(self.total_runtime_sec)

        # For each node, record summary statistics
        for node, runtimes in self.runtimes_sec.items():
            # Similarly, compute the mean runtime for ``node``
            mean_runtime = statistics.mean(runtimes)
            pct_total = mean_runtime / mean_total_runtime * 100
            node_summaries.append(
                [node.op, str(node), mean_runtime, pct_total])

        if should_sort:
            node_summaries.sort(key=lambda s: s[2], reverse=True)

        # (the times themselves differ from run to run: only the rows' op and name are shown)
        return '\n'.join(f'{op:15} {name}' for op, name, _, _ in node_summaries)


interp = ProfilingInterpreter(rn18)
print(torch.equal(interp.run(input), output))
print(interp.summary(False))
print(len(interp.runtimes_sec), all(t >= 0 for ts in interp.runtimes_sec.values() for t in ts))
