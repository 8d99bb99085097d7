"""What each input and output of an exported graph is: a parameter, a buffer, a lifted constant or
the user's own (``ExportGraphSignature``), as PyTorch's ``torch.export.graph_signature``."""
import dataclasses
import types
from enum import Enum, auto

__all__ = ['ConstantArgument', 'CustomObjArgument', 'ExportBackwardSignature', 'ExportGraphSignature',
           'InputKind', 'InputSpec', 'OutputKind', 'OutputSpec', 'SymIntArgument', 'SymFloatArgument',
           'SymBoolArgument', 'TensorArgument']


@dataclasses.dataclass
class TensorArgument:
    """A tensor input or output, by its node's name."""
    name: str


@dataclasses.dataclass
class TokenArgument:
    """An effect token (ember's graphs have none; kept for the signature's shape)."""
    name: str


@dataclasses.dataclass
class SymIntArgument:
    """A symbolic integer input or output, by its node's name."""
    name: str


@dataclasses.dataclass
class SymFloatArgument:
    """A symbolic float input or output, by its node's name."""
    name: str


@dataclasses.dataclass
class SymBoolArgument:
    """A symbolic bool input or output, by its node's name."""
    name: str


@dataclasses.dataclass
class CustomObjArgument:
    """A script object input (ember has none to export)."""
    name: str
    class_fqn: str
    fake_val: object = None


@dataclasses.dataclass
class ConstantArgument:
    """A Python constant (``None``, a number, a string) among the inputs or outputs."""
    name: str
    value: object


_ARGS = (TensorArgument, SymIntArgument, SymFloatArgument, SymBoolArgument, ConstantArgument,
         CustomObjArgument, TokenArgument)


class InputKind(Enum):
    """What a graph input is."""
    USER_INPUT = auto()
    PARAMETER = auto()
    BUFFER = auto()
    CONSTANT_TENSOR = auto()
    CUSTOM_OBJ = auto()
    TOKEN = auto()


class OutputKind(Enum):
    """What a graph output is."""
    USER_OUTPUT = auto()
    LOSS_OUTPUT = auto()
    BUFFER_MUTATION = auto()
    PARAMETER_MUTATION = auto()
    GRADIENT_TO_PARAMETER = auto()
    GRADIENT_TO_USER_INPUT = auto()
    USER_INPUT_MUTATION = auto()
    TOKEN = auto()


@dataclasses.dataclass
class InputSpec:
    """One graph input: its kind, argument, the state it stands for (``target``) and, for a buffer,
    whether it is persistent."""
    kind: InputKind
    arg: object
    target: object
    persistent: object = None

    def __post_init__(self):
        if self.kind == InputKind.BUFFER and self.persistent is None:
            raise AssertionError('Failed to specify persistent flag on BUFFER.')
        if not isinstance(self.arg, _ARGS):
            raise AssertionError(f'expected valid arg type, got {type(self.arg)}')

    def __str__(self):
        target = '' if self.target is None else f" target='{self.target}'"
        persistent = '' if self.persistent is None else f' persistent={self.persistent}'
        return f'{self.arg.name}: {self.kind.name}{target}{persistent}'


@dataclasses.dataclass
class OutputSpec:
    """One graph output: its kind, argument and, for a mutation, the state it updates."""
    kind: OutputKind
    arg: object
    target: object

    def __post_init__(self):
        if not isinstance(self.arg, _ARGS):
            raise AssertionError(f'expected valid arg type, got {self.arg}')

    def __str__(self):
        target = '' if self.target is None else f" target='{self.target}'"
        return f'{self.arg.name}: {self.kind.name}{target}'


@dataclasses.dataclass
class ExportBackwardSignature:
    """Which outputs are gradients of which parameters or inputs, and which is the loss."""
    gradients_to_parameters: dict
    gradients_to_user_inputs: dict
    loss_output: str


def _frozen(pairs):
    return types.MappingProxyType(dict(pairs))


@dataclasses.dataclass
class ExportGraphSignature:
    """The inputs and outputs of an exported graph, in order: parameters, buffers and lifted constants
    first, then the user's inputs; mutated state first among the outputs, then the user's.

    Example:
        >>> ep = ember.export.export(nn.Linear(2, 1), (ember.ones(1, 2),))
        >>> ep.graph_signature.parameters, ep.graph_signature.user_inputs
        (('weight', 'bias'), ('input',))
    """
    input_specs: list
    output_specs: list

    def _targets(self, kind, persistent=None):
        return tuple(s.target for s in self.input_specs if s.kind == kind and isinstance(s.target, str)
                     and (persistent is None or s.persistent is persistent))

    @property
    def parameters(self):
        """The parameters' names (``fc1.weight``), in input order."""
        return self._targets(InputKind.PARAMETER)

    @property
    def buffers(self):
        """The buffers' names, in input order."""
        return self._targets(InputKind.BUFFER)

    @property
    def non_persistent_buffers(self):
        """The names of the buffers left out of ``state_dict``."""
        return self._targets(InputKind.BUFFER, persistent=False)

    @property
    def lifted_tensor_constants(self):
        """The names of the tensor constants lifted to inputs."""
        return self._targets(InputKind.CONSTANT_TENSOR)

    @property
    def lifted_custom_objs(self):
        """The names of the script objects lifted to inputs (none in ember)."""
        return self._targets(InputKind.CUSTOM_OBJ)

    @property
    def user_inputs(self):
        """The user's inputs: node names, or the values of constant inputs."""
        return tuple(s.arg.value if isinstance(s.arg, ConstantArgument) else s.arg.name
                     for s in self.input_specs if s.kind == InputKind.USER_INPUT)

    @property
    def user_outputs(self):
        """The user's outputs: node names, or the values of constant outputs."""
        return tuple(s.arg.value if isinstance(s.arg, ConstantArgument) else s.arg.name
                     for s in self.output_specs if s.kind in (OutputKind.USER_OUTPUT, OutputKind.LOSS_OUTPUT))

    def _inputs_to(self, kind):
        return _frozen((s.arg.name, s.target) for s in self.input_specs if s.kind == kind
                       and isinstance(s.arg, TensorArgument) and isinstance(s.target, str))

    def _outputs_to(self, kind):
        return _frozen((s.arg.name, s.target) for s in self.output_specs if s.kind == kind
                       and isinstance(s.arg, TensorArgument) and isinstance(s.target, str))

    @property
    def inputs_to_parameters(self):
        """Input node name -> parameter name."""
        return self._inputs_to(InputKind.PARAMETER)

    @property
    def inputs_to_buffers(self):
        """Input node name -> buffer name."""
        return self._inputs_to(InputKind.BUFFER)

    @property
    def inputs_to_lifted_tensor_constants(self):
        """Input node name -> constant name."""
        return self._inputs_to(InputKind.CONSTANT_TENSOR)

    @property
    def inputs_to_lifted_custom_objs(self):
        """Input node name -> script object name (none in ember)."""
        return _frozen(())

    @property
    def buffers_to_mutate(self):
        """Output node name -> the buffer it updates."""
        return self._outputs_to(OutputKind.BUFFER_MUTATION)

    @property
    def parameters_to_mutate(self):
        """Output node name -> the parameter it updates."""
        return self._outputs_to(OutputKind.PARAMETER_MUTATION)

    @property
    def user_inputs_to_mutate(self):
        """Output node name -> the user input it updates."""
        return self._outputs_to(OutputKind.USER_INPUT_MUTATION)

    @property
    def backward_signature(self):
        """None: the graphs ember exports hold no backward."""
        return None

    @property
    def assertion_dep_token(self):
        return None

    @property
    def input_tokens(self):
        return tuple(s.arg.name for s in self.input_specs if s.kind == InputKind.TOKEN)

    @property
    def output_tokens(self):
        return tuple(s.arg.name for s in self.output_specs if s.kind == OutputKind.TOKEN)

    def replace_all_uses(self, old, new):
        """Rename the node ``old`` to ``new`` wherever the signature mentions it."""
        for spec in [*self.input_specs, *self.output_specs]:
            if isinstance(spec.arg, (TensorArgument, SymIntArgument, SymFloatArgument, SymBoolArgument)) \
                    and spec.arg.name == old:
                spec.arg.name = new

    def __str__(self):
        inputs = '\n'.join(str(s) for s in self.input_specs)
        outputs = '\n'.join(str(s) for s in self.output_specs)
        return f'\n# inputs\n{inputs}\n\n# outputs\n{outputs}\n'
