"""``ExportedProgram``: an exported graph with its signature, state and range constraints."""
import copy

from ember.export.graph_signature import InputKind
from ember.fx.graph_module import GraphModule


class ExportedProgram:
    """A program exported by :func:`ember.export.export`: a graph of ATen operators whose inputs are
    the module's parameters, buffers and constants (lifted, see ``graph_signature``) followed by the
    user's inputs.

    Run it through ``module()``; ``run_decompositions()`` lowers it to PyTorch's core ATen set.

    Example:
        >>> ep = ember.export.export(nn.Linear(2, 1), (ember.ones(1, 2),))
        >>> print(ep.graph_signature)
        <BLANKLINE>
        # inputs
        p_weight: PARAMETER target='weight'
        p_bias: PARAMETER target='bias'
        input: USER_INPUT
        <BLANKLINE>
        # outputs
        linear: USER_OUTPUT
        <BLANKLINE>
    """

    def __init__(self, root, graph_signature, state_dict, range_constraints, module_call_graph=None,
                 example_inputs=None, constants=None, *, verifiers=None, out_spec=None, forward_arg_names=None):
        graph = root.graph if isinstance(root, GraphModule) else root
        self._graph_module = root if isinstance(root, GraphModule) else GraphModule({}, graph)
        self._graph_signature = graph_signature
        self._state_dict = state_dict
        self._range_constraints = range_constraints if range_constraints is not None else {}
        self._constants = constants if constants is not None else {}
        self._example_inputs = example_inputs
        self._out_spec = out_spec
        self._forward_arg_names = forward_arg_names
        self._module_call_graph = module_call_graph if module_call_graph is not None else []

    # ------------------------------------------------------------------ the parts
    @property
    def graph_module(self):
        """The ``GraphModule`` whose ``forward`` takes every lifted input, state first."""
        return self._graph_module

    @property
    def graph(self):
        """The exported ``Graph``."""
        return self._graph_module.graph

    @property
    def graph_signature(self):
        """What each input and output of the graph is (:class:`ExportGraphSignature`)."""
        return self._graph_signature

    @property
    def state_dict(self):
        """The parameters and persistent buffers, by their names in the module."""
        return self._state_dict

    @property
    def constants(self):
        """The lifted tensor constants and non-persistent buffers, by name."""
        return self._constants

    @property
    def tensor_constants(self):
        return self._constants

    @property
    def range_constraints(self):
        """The allowed range of each symbolic size (``{s0: VR[2, 64]}``); empty for static shapes."""
        return self._range_constraints

    @property
    def example_inputs(self):
        """The ``(args, kwargs)`` the program was exported with."""
        return self._example_inputs

    @property
    def module_call_graph(self):
        return self._module_call_graph

    @property
    def dialect(self):
        return 'TRAINING'

    @property
    def verifier(self):
        return None

    def parameters(self):
        """The parameters, in graph-input order."""
        for _, p in self.named_parameters():
            yield p

    def named_parameters(self):
        """``(name, parameter)`` pairs, in graph-input order."""
        for name in self._graph_signature.parameters:
            yield name, self._state_dict[name]

    def buffers(self):
        """The buffers, in graph-input order."""
        for _, b in self.named_buffers():
            yield b

    def named_buffers(self):
        """``(name, buffer)`` pairs, in graph-input order."""
        non_persistent = set(self._graph_signature.non_persistent_buffers)
        for name in self._graph_signature.buffers:
            yield name, (self._constants[name] if name in non_persistent else self._state_dict[name])

    def __call__(self, *args, **kwargs):
        raise RuntimeError('Unable to call ExportedProgram directly. You should use `exported_program.module()` '
                           'instead.')

    # ------------------------------------------------------------------ lifted values
    def _lifted_values(self):
        """The tensors behind the graph's state inputs, in input order."""
        values = []
        for spec in self._graph_signature.input_specs:
            if spec.kind == InputKind.PARAMETER:
                values.append(self._state_dict[spec.target])
            elif spec.kind == InputKind.BUFFER:
                values.append(self._state_dict[spec.target] if spec.persistent else self._constants[spec.target])
            elif spec.kind == InputKind.CONSTANT_TENSOR:
                values.append(self._constants[spec.target])
        return values

    def module(self, check_guards=True):
        """A ``GraphModule`` that runs the program as the original module was called: the state held
        as its parameters and buffers, the inputs checked against the exported shapes first.

        Example:
            >>> ep = ember.export.export(nn.Linear(2, 1), (ember.ones(1, 2),))
            >>> m = ep.module()
            >>> m(ember.ones(1, 2)).shape
            ember.Size([1, 1])
            >>> sorted(dict(m.named_parameters()))
            ['bias', 'weight']
        """
        from ember.export._unlift import unlift
        return unlift(self, check_guards)

    def run_decompositions(self, decomp_table=None, decompose_custom_triton_ops=False):
        """The program with its operators lowered to PyTorch's core ATen set (``aten.linear`` becomes
        ``aten.permute`` and ``aten.addmm``, ``aten.conv2d`` becomes ``aten.convolution``, ...).

        Args:
            decomp_table (dict, optional): overload -> function to use instead of the default table
                (``ember.export.default_decompositions()``).

        Example:
            >>> ep = ember.export.export(nn.Linear(2, 1), (ember.ones(1, 2),)).run_decompositions()
            >>> [n.name for n in ep.graph.nodes if n.op == 'call_function']
            ['permute', 'addmm']
        """
        from ember.export.decomp_utils import decompose
        return decompose(self, decomp_table)

    def validate(self):
        """Check the graph is well formed."""
        self.graph.lint()

    # ------------------------------------------------------------------ printing
    def __str__(self):
        readable = self._graph_module.print_readable(print_output=False).replace('\n', '\n    ')
        signature = str(self._graph_signature).replace('\n', '\n    ')
        return (f'ExportedProgram:\n    {readable}\nGraph signature: {signature}\n'
                f'Range constraints: {_format_constraints(self._range_constraints)}\n')

    def __repr__(self):
        return str(self)

    def __deepcopy__(self, memo):
        return ExportedProgram(copy.deepcopy(self._graph_module, memo), copy.deepcopy(self._graph_signature, memo),
                               copy.deepcopy(self._state_dict, memo), dict(self._range_constraints),
                               copy.deepcopy(self._module_call_graph, memo), example_inputs=self._example_inputs, constants=copy.deepcopy(self._constants, memo),
                               out_spec=self._out_spec, forward_arg_names=self._forward_arg_names)


def _format_constraints(constraints):
    return '{' + ', '.join(f'{k}: {v}' for k, v in constraints.items()) + '}'
