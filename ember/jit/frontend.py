"""The errors ``ember.jit.script`` raises for Python it cannot compile as TorchScript (``torch.jit.frontend``).

The message names the construct, then shows where it is: the file and line, the lines around it and
the construct underlined, as PyTorch shows them.

>>> def uses_lambda(x):
...     f = lambda y: y + 1
...     return f(x)
>>> try:
...     ember.jit.script(uses_lambda)
... except ember.jit.frontend.UnsupportedNodeError as e:
...     print(str(e).splitlines()[0])
Lambda aren't supported:
"""

__all__ = ['FrontendError', 'NotSupportedError', 'UnsupportedNodeError']


class SourceSpot:
    """Where a construct is: the function's source lines, the file, the line of the first one, and the
    construct's line and columns (1-based line, 0-based columns, relative to the source lines)."""

    def __init__(self, lines, filename, first_line, line, start, end, end_line=None):
        self.lines, self.filename, self.first_line = lines, filename, first_line
        self.line, self.start, self.end = line, start, end
        self.end_line = end_line or line        # a construct over several lines: each underlined

    def report(self):
        # two lines before the construct's and two after, as far as the function reaches
        index, last = self.line - 1, self.end_line - 1
        text = [f'  File "{self.filename}", line {self.first_line + index}'] + self.lines[max(0, index - 2):index]
        for i in range(index, last + 1):
            line = self.lines[i]
            start = self.start if i == index else len(line) - len(line.lstrip())
            end = self.end if i == last else len(line)
            text += [line, ' ' * start + '~' * max(1, end - start) + (' <--- HERE' if i == last else '')]
        text += self.lines[last + 1:last + 3]
        return ':\n' + '\n'.join(text) + '\n'


class FrontendError(Exception):
    """A function or module ``ember.jit.script`` cannot compile; the message names the construct and
    shows its line.

    Example::

        >>> issubclass(ember.jit.frontend.NotSupportedError, ember.jit.frontend.FrontendError)
        True
    """

    def __init__(self, source_range, msg):
        super().__init__(msg)
        self.source_range, self.msg = source_range, msg

    def __str__(self):
        return self.msg + (self.source_range.report() if self.source_range is not None else '')


class NotSupportedError(FrontendError):
    """A Python feature TorchScript does not have (``*args``, ``**kwargs``, ...).

    Example::

        >>> def variadic(*xs):
        ...     return xs[0]
        >>> try:
        ...     ember.jit.script(variadic)
        ... except ember.jit.frontend.NotSupportedError as e:
        ...     print(e.msg)
        Compiled functions can't take variable number of arguments or use keyword-only arguments with defaults
    """


class UnsupportedNodeError(NotSupportedError):
    """A statement or expression kind TorchScript does not have (``lambda``, ``try``, ``with``, ...).

    Example::

        >>> def guarded(x):
        ...     try:
        ...         return x + 1
        ...     except Exception:
        ...         return x
        >>> try:
        ...     ember.jit.script(guarded)
        ... except ember.jit.frontend.UnsupportedNodeError as e:
        ...     print(e.msg)
        try blocks aren't supported
    """
