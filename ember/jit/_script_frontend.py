"""``ember.jit.script``'s compiler: the Python source (ast) of a function or method as TorchScript text.

The text is what PyTorch's ``.code`` shows and its archives hold: typed signatures, operators as
``torch.<op>`` calls (``x * 2`` is ``torch.mul(x, 2)``), tensor conditions through ``bool(...)``,
submodules called as ``(self.conv).forward(x)``, constants of the module inlined, branches on values
known when compiling (``self.downsample is None``, a ``Final`` flag) reduced to the branch taken, and
loops over a ``ModuleList``/``Sequential`` unrolled, one copy of the body per submodule. What
TorchScript has no form for raises ``ember.jit.frontend``'s errors naming the construct and its line.

A ``FunctionCompiler`` compiles one function; its ``owner`` (a ``_script.ClassCompiler``) answers
what ``self`` holds, and its ``unit`` compiles the functions it calls.

The compiler's parts: statements (``_script_statements``), expressions (``_script_expressions``), calls
(``_script_call_exprs``), control-flow merging (``_script_exits``), the syntax tables (``_script_syntax``).
"""
import ast
import inspect
import textwrap

from ember.jit import _script_syntax as syntax
from ember.jit._script_call_exprs import CallCompiler
from ember.jit._script_exits import returns_at_tail, single_exit
from ember.jit._script_layout import relayout
from ember.jit._script_expressions import ExpressionCompiler
from ember.jit._script_statements import StatementCompiler
from ember.jit._script_types import annotation_type, literal, unify
from ember.jit.frontend import NotSupportedError, SourceSpot, UnsupportedNodeError


class Signature:
    """A compiled function's parameters ([(name, type, default text or None)]) and return type."""

    def __init__(self, params, returns, inferred=()):
        self.params, self.returns = params, returns
        self.inferred = frozenset(inferred)     # parameters typed Tensor for want of an annotation

    def header(self, name, self_type=None):
        parts = [f'self: {self_type}'] if self_type else []
        parts += [f'{n}: {t}' + ('' if d is None else f'={d}') for n, t, d in self.params]
        return f'def {name}(' + ',\n    '.join(parts) + f') -> {self.returns}:'


def parse_function(fn):
    """(ast of ``fn``'s def, its source lines, file name, first line number)."""
    fn = inspect.unwrap(fn)
    try:
        lines, first = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        raise OSError(f"Can't get source for {fn!r}. TorchScript requires source access in order to carry out "
                      "compilation, make sure original .py files are available.") from None
    source = textwrap.dedent(''.join(lines))
    # errors show the lines as the file has them (indented), the construct's columns shifted alike
    shift = len(lines[0]) - len(lines[0].lstrip()) - (len(source) - len(source.lstrip()))
    shown = [line.rstrip('\n') for line in lines]
    filename = inspect.getsourcefile(fn) or '<unknown>'
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    if tree is None or len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        # a lambda (its source is the line holding it) or a definition inside an expression
        raise RuntimeError(f"Expected a single top-level function: {filename}:{first}")
    return tree.body[0], (shown, shift), filename, first


class FunctionCompiler(StatementCompiler, ExpressionCompiler, CallCompiler):
    """Compiles one function (``fn``, a Python function; ``owner`` for a module's method, else None)."""

    def __init__(self, fn, unit, owner=None, name=None):
        self.fn = inspect.unwrap(fn)
        self.unit, self.owner = unit, owner
        self.name = name or self.fn.__name__
        self.node, (self.lines, self.shift), self.filename, self.first_line = parse_function(fn)
        self.globals = getattr(self.fn, '__globals__', {})
        closure = inspect.getclosurevars(self.fn).nonlocals if self.fn.__closure__ else {}
        self.closure = closure
        self.temps = 0
        self.returns = []
        self.before = None              # (lines, where the statement compiled now begins, its indent)
        self.current_statement = None
        self.object_name = None         # (the call, the variable) of ``p = Pair(...)``: made under that name
        self.objects_made = 0           # objects of TorchScript classes made so far (lines before statements)

    # types ----------------------------------------------------------------------------------------------
    def annotation(self, node):
        """The TorchScript type of an annotation: TorchScript's own, or a class compiled into the program."""
        return annotation_type(node, self.resolve_class)

    def resolve_class(self, node):
        from ember.jit._script_classes import is_script_class
        from ember.jit._script_enums import enum_type, is_enum_class
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node = ast.parse(node.value, mode='eval').body
        found, target = self.static(node, {})
        if found and is_script_class(target):
            return self.unit.script_class(target).qualified
        if found and is_enum_class(target):
            return enum_type(target)
        return None

    # lines a statement needs before it (an object made and initialised) ----------------------------------
    def emit_before(self, line, node):
        if self.before is None:
            raise self.error(node, "ember.jit.script cannot create an object of a TorchScript class here")
        lines, at, pad = self.before
        lines.insert(at, pad + line)
        self.before = (lines, at + 1, pad)
        self.objects_made += 1

    # errors ---------------------------------------------------------------------------------------------
    def spot(self, node, length=None):
        start = getattr(node, 'col_offset', 0)
        if length is None:
            end = getattr(node, 'end_col_offset', start + 1) if getattr(node, 'end_lineno', None) == node.lineno \
                else start + 1
        else:
            end = start + length
        return SourceSpot(self.lines, self.filename, self.first_line, node.lineno, start + self.shift,
                          end + self.shift)

    def error(self, node, message, kind=RuntimeError):
        if kind is RuntimeError:
            return RuntimeError(message + self.spot(node).report())
        return kind(self.spot(node), message)

    def refuse(self, node):
        kind = type(node)
        token = syntax.START_TOKENS.get(kind, ' ')
        return UnsupportedNodeError(self.spot(node, len(token)), f"{syntax.REFUSED[kind]} aren't supported")

    # the signature --------------------------------------------------------------------------------------
    def signature(self):
        args = self.node.args
        if args.vararg or args.kwarg or args.kwonlyargs:
            bad = args.vararg or args.kwarg or args.kwonlyargs[0]
            start = bad.col_offset - 1 + self.shift
            spot = SourceSpot(self.lines, self.filename, self.first_line, bad.lineno, start, start + len(bad.arg) + 1)
            raise NotSupportedError(spot, "Compiled functions can't take variable number of arguments or use "
                                          "keyword-only arguments with defaults")
        positional = args.posonlyargs + args.args
        if self.owner is not None:
            positional = positional[1:]          # self
        defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        params = []
        for arg, default in zip(positional, defaults):
            try:
                tp = self.annotation(arg.annotation)
            except ValueError as e:
                raise self.error(arg, str(e)) from None
            text = None
            if default is not None:
                text = literal(self._static_value(default))
                if tp == 'Tensor' and arg.annotation is None and text == 'None':
                    tp = 'Optional[Tensor]'
            params.append((arg.arg, tp, text))
        self.inferred = {arg.arg for arg in positional if arg.annotation is None and dict(
            (n, tp) for n, tp, _ in params)[arg.arg] == 'Tensor'}
        return params

    def _static_value(self, node):
        try:
            return ast.literal_eval(node)
        except ValueError:
            expr = self.expr(node, {})
            if not expr.is_const:
                raise self.error(node, "default arguments must be constants") from None
            return expr.const

    # the body -------------------------------------------------------------------------------------------
    def compile_signature_only(self):
        """(Signature, None): a method left to Python or replaced by a stub needs its types only."""
        params = self.signature()
        returns = self.annotation(self.node.returns) if self.node.returns is not None else 'Tensor'
        return Signature(params, returns, self.inferred), None

    def compile(self):
        """(Signature, body lines indented by two spaces per level from 0)."""
        params = self.signature()
        env = {n: t for n, t, _ in params}
        body = []
        statements = single_exit(self.node.body)
        # returns only at the ends of branches: each sets one variable, returned at the end, as PyTorch writes it
        self.return_var = '' if returns_at_tail(statements) and not isinstance(statements[-1], ast.Return) \
            else None
        self.block(statements, env, body, 0)
        if self.return_var:
            body.append(f'return {self.return_var}')
        if self.node.returns is not None:
            returns = self.annotation(self.node.returns)
        elif self.returns:
            returns = self.returns[0]
            for r in self.returns[1:]:
                returns = unify(returns, r)
        else:
            returns = 'NoneType'
        if not body:
            body = ['pass']
        laid = relayout(body, [n for n, _, _ in params])      # as PyTorch's printer lays its graph out
        return Signature(params, returns, self.inferred), body if laid is None else laid
