"""What a profile can record besides times (PyTorch's ``profile_memory``, ``with_stack``,
``with_flops``), and its exports (a Chrome/Perfetto trace, flame-graph stacks).

- Memory: the bytes of the op's outputs that it allocated (outputs that are views of inputs, such as
  ``transpose``, allocate nothing). Frees are not recorded.
- Stacks: the Python function events around the op, innermost first (``_profiler_python.py``).
- FLOPs: for matrix products (``2 * M * N * K``), convolutions (``2 * output elements * weight
  elements per output channel``) and elementwise ``add``/``mul`` (one per output element).
"""
import gzip
import json
import math
import os

def _arrays(value):
    from ember._tensor import Tensor
    if isinstance(value, Tensor):
        yield value._data
    elif isinstance(value, (tuple, list)):
        for v in value:
            if isinstance(v, Tensor):
                yield v._data


def allocated_bytes(result, args):
    """Bytes of the outputs in ``result`` that do not share memory with an input: ``(host, device)``, as
    PyTorch counts an op's CPU and device memory apart."""
    from ember.backend import is_device_array, may_share_memory
    inputs = list(_arrays(args))
    host = device = 0
    for out in _arrays(result):
        if not any(may_share_memory(out, a) for a in inputs):
            if is_device_array(out):
                device += out.nbytes
            else:
                host += out.nbytes
    return host, device


def op_flops(cls_name, args, result):
    """Floating-point operations of one call of the op class ``cls_name`` (0 when not counted)."""
    from ember._tensor import Tensor
    outs = list(_arrays(result))
    if not outs:
        return 0
    out_numel = math.prod(outs[0].shape)
    tensors = [a for a in args if isinstance(a, Tensor)]
    if cls_name in ('Mm', 'Matmul', 'BatchedMatmul', 'BatchedMatmulT', 'BatchedMatvec', 'Bmm') and tensors:
        return 2 * out_numel * tensors[0].shape[-1]
    if cls_name in ('Addmm', 'Baddbmm', 'Addbmm') and len(tensors) >= 2:
        return 2 * out_numel * tensors[1].shape[-1]
    if cls_name == 'Linear' and tensors:
        return 2 * out_numel * tensors[0].shape[-1]
    if cls_name.startswith('Convolution') and len(tensors) >= 2:
        return 2 * out_numel * math.prod(tensors[1].shape[1:])
    if cls_name in ('Add', 'Mul', 'AddScalar', 'MulScalar'):    # (the Scalar overloads ember's composites record)
        return out_numel
    return 0


def format_memory(nbytes):
    """Bytes as PyTorch's tables print them (``94.79 MB``, ``240 B``)."""
    for size, unit in ((1024 ** 3, 'GB'), (1024 ** 2, 'MB'), (1024, 'KB')):
        if abs(nbytes) >= size:
            return f'{nbytes / size:.2f} {unit}'
    return f'{nbytes} B'


def flops_scale(smallest):
    """(scale, header unit) for a FLOPs column whose smallest positive entry is ``smallest``."""
    units = ['FLOPs', 'KFLOPs', 'MFLOPs', 'GFLOPs', 'TFLOPs', 'PFLOPs']
    level = int(max(0, min(math.log10(smallest) / 3, len(units) - 1)))
    return 10.0 ** (-3 * level), units[level]


def export_chrome_trace(events, path):
    """Write ``events`` as a Chrome trace (``chrome://tracing``, Perfetto): one complete event per op."""
    pid = os.getpid()
    trace = []
    for e in events:
        args = {}
        if e.input_shapes is not None:
            args['Input Dims'] = e.input_shapes
        if e.stack:
            args['Call stack'] = ';'.join(e.stack)
        if e.flops:
            args['flops'] = e.flops
        trace.append({'ph': 'X', 'cat': 'cpu_op', 'name': e.name, 'pid': pid, 'tid': e.thread,
                      'ts': e.start_us, 'dur': e.end_us - e.start_us, 'args': args})
    document = {'schemaVersion': 1, 'deviceProperties': [], 'traceEvents': trace, 'displayTimeUnit': 'ms'}
    text = json.dumps(document)
    if str(path).endswith('.gz'):
        with gzip.open(path, 'wt') as f:
            f.write(text)
    else:
        with open(path, 'w') as f:
            f.write(text)


_STACK_METRICS = ('self_cpu_time_total', 'self_cuda_time_total', 'self_xpu_time_total', 'self_privateuse1_time_total')


def export_stacks(events, path, metric):
    """Write one line per op with a stack, ``outer;...;inner value``: the format of flame-graph tools."""
    if metric not in _STACK_METRICS:
        raise ValueError("metric should be one of: " + str(list(_STACK_METRICS)))
    table = str.maketrans(' ;\t\n', '____')
    with open(path, 'w') as f:
        for e in events:
            value = int(getattr(e, metric)) if metric == 'self_cpu_time_total' else 0   # no device time on the CPU
            if e.stack and value > 0:
                f.write(';'.join(entry.translate(table) for entry in reversed(e.stack)) + f' {value}\n')
