"""What the nn.GRU graph tests and their recorder share: GRU layers in several configurations, built the same way
on PyTorch and on ember from one seeded NumPy draw, and what is read from their graphs (trees of nodes, the
gradient a hook on an inner node sees, first and second derivatives)."""
import numpy as np

from tests._grad_fn_edges import edge_tree

SEQ, BATCH, IN, HIDDEN = 3, 2, 3, 4

# name -> (nn.GRU's keyword arguments, dtype name, whether an initial state is passed)
CONFIGS = {
    'one_layer': (dict(), 'float32', False),
    'one_layer_hx': (dict(), 'float64', True),
    'no_bias': (dict(bias=False), 'float32', True),
    'two_layers_bidirectional_batch_first': (dict(num_layers=2, bidirectional=True, batch_first=True), 'float64',
                                             True),
}

TREE_DEPTH = 5    # (deeper, a 3-D linear without bias shows ViewBackward0 where PyTorch has UnsafeViewBackward0)


def build(T, name):
    """``(module, x, hx)`` for configuration ``name`` on framework ``T`` (torch or ember), parameters and inputs
    drawn from one NumPy generator; ``x`` (and ``hx``) require grad."""
    kwargs, dtype_name, with_hx = CONFIGS[name]
    dtype = getattr(T, dtype_name)
    rng = np.random.default_rng(5)
    m = T.nn.GRU(IN, HIDDEN, **kwargs).to(dtype)
    with T.no_grad():
        for p in m.parameters():
            p.copy_(T.tensor(rng.uniform(-0.6, 0.6, tuple(p.shape))))
    shape = (BATCH, SEQ, IN) if kwargs.get('batch_first') else (SEQ, BATCH, IN)
    x = T.tensor(rng.standard_normal(shape), dtype=dtype, requires_grad=True)
    hx = None
    if with_hx:
        layers = kwargs.get('num_layers', 1) * (2 if kwargs.get('bidirectional') else 1)
        hx = T.tensor(rng.standard_normal((layers, BATCH, HIDDEN)), dtype=dtype, requires_grad=True)
    return m, x, hx


def functional(T, name):
    """``(output, h_n, inputs)`` of ``T.gru`` (the functional form) over configuration ``name``'s layer."""
    m, x, hx = build(T, name)
    kwargs = CONFIGS[name][0]
    if hx is None:
        hx = T.zeros(kwargs.get('num_layers', 1) * (2 if kwargs.get('bidirectional') else 1), BATCH, HIDDEN,
                     dtype=x.dtype)
    out, h = T.gru(x, hx, list(m.parameters()), kwargs.get('bias', True), kwargs.get('num_layers', 1), 0.0, True,
                   kwargs.get('bidirectional', False), kwargs.get('batch_first', False))
    return out, h, [x, *m.parameters()]


def trees(out, h):
    """The output's and the last state's trees of nodes, ``TREE_DEPTH`` levels deep."""
    return [edge_tree(out.grad_fn, TREE_DEPTH), edge_tree(h.grad_fn, TREE_DEPTH)]


def loss(out, h):
    return (out * out).sum() + (h * 0.5).sum()


def inner_node(out):
    """The last step's update gate (``SigmoidBackward0`` under the hidden state's ``(h - n) * z``), reached through
    ``next_functions`` from the output (of the first direction of the last layer)."""
    last_step = out.grad_fn
    while last_step.name() != 'StackBackward0':      # (under batch_first's transpose, directions' cat)
        last_step = last_step.next_functions[0][0]
    add = last_step.next_functions[-1][0]
    return add.next_functions[0][0].next_functions[1][0]


def as_lists(t):
    return np.asarray(t.detach().numpy(), np.float64).tolist()


def node_counts(event_names):
    """How many times a profiled backward ran each node (but the leaves' accumulators), from its events' names."""
    counts = {}
    for name in event_names:
        head, _, node = name.partition('autograd::engine::evaluate_function: ')
        if not head and node and not node.endswith('AccumulateGrad'):
            counts[node] = counts.get(node, 0) + 1
    return counts
