"""The Python syntax ``ember.jit.script`` maps: operators to their TorchScript names, the nodes TorchScript
refuses (with the words its message uses and the token the error's excerpt underlines)."""
import ast

BINARY = {ast.Add: 'add', ast.Sub: 'sub', ast.Mult: 'mul', ast.Div: 'div', ast.FloorDiv: 'floordiv',
          ast.Mod: 'remainder', ast.Pow: 'pow', ast.MatMult: 'matmul', ast.BitAnd: '__and__', ast.BitOr: '__or__',
          ast.BitXor: '__xor__', ast.LShift: '__lshift__', ast.RShift: '__rshift__'}
COMPARE = {ast.Eq: 'eq', ast.NotEq: 'ne', ast.Lt: 'lt', ast.LtE: 'le', ast.Gt: 'gt', ast.GtE: 'ge',
           ast.Is: '__is__', ast.IsNot: '__isnot__', ast.In: '__contains__', ast.NotIn: '__contains__'}
STATIC = {ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Is: lambda a, b: a is b,
          ast.IsNot: lambda a, b: a is not b}
# nodes PyTorch refuses by kind, with the name its message gives them
REFUSED = {ast.Lambda: 'Lambda', ast.Try: 'try blocks', ast.Global: 'global variables',
           ast.Nonlocal: 'nonlocal variables', ast.AsyncFunctionDef: 'async function definitions',
           ast.AsyncFor: 'async for loops', ast.AsyncWith: 'async with statements', ast.ClassDef: 'class definitions',
           ast.Import: 'import statements', ast.ImportFrom: 'import statements', ast.Delete: 'del statements',
           ast.FunctionDef: 'function definitions', ast.Yield: 'Yield', ast.YieldFrom: 'YieldFrom',
           ast.Await: 'Await', ast.GeneratorExp: 'GeneratorExp', ast.SetComp: 'SetComp', ast.Set: 'Set'}
START_TOKENS = {ast.Try: 'try', ast.With: 'with', ast.Global: 'global', ast.Nonlocal: 'nonlocal',
                ast.ClassDef: 'class', ast.Import: 'import', ast.ImportFrom: 'from', ast.Delete: 'del',
                ast.FunctionDef: 'def', ast.AsyncFunctionDef: 'async def', ast.AsyncFor: 'async for',
                ast.AsyncWith: 'async with'}
