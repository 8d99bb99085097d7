"""Control-flow merging for ``ember.jit.script``: returns inside branches rewritten so the function has one
exit, as PyTorch's exit transform rewrites them (the code after an ``if`` whose one branch returns moves
into the other branch; returns at branch ends set one variable returned at the end)."""
import ast


def always_returns(statements):
    """Whether ``statements`` end in a return on every path."""
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, ast.Return):        # (a raise is not: PyTorch keeps the code after it where it is)
        return True
    return isinstance(last, ast.If) and always_returns(last.body) and always_returns(last.orelse)


def single_exit(statements):
    """``statements`` with the code after an ``if`` one of whose branches returns moved into its other
    branch (``if c: return a`` / ``return b`` is ``if c: return a else: return b``), as PyTorch compiles it."""
    out = []
    for i, stmt in enumerate(statements):
        if isinstance(stmt, ast.If):
            rest = statements[i + 1:]
            body, orelse = stmt.body, stmt.orelse
            if rest and always_returns(body) != always_returns(orelse):
                if always_returns(body):
                    orelse = orelse + rest
                else:
                    body = body + rest
                rest = None
            stmt = ast.copy_location(ast.If(test=stmt.test, body=single_exit(body), orelse=single_exit(orelse)),
                                     stmt)
            out.append(stmt)
            if rest is None:
                return out
        else:
            out.append(stmt)
    return out


def returns_at_tail(statements):
    """Whether every return of ``statements`` ends a branch that ends the function (none inside a loop)."""
    if not statements or not always_returns(statements):
        return False
    for stmt in statements[:-1]:
        if any(isinstance(n, ast.Return) for n in ast.walk(stmt)):
            return False
    last = statements[-1]
    if isinstance(last, ast.If):
        return returns_at_tail(last.body) and returns_at_tail(last.orelse)
    return True
