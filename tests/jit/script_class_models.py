"""TorchScript classes and interfaces for tests/jit/test_script_classes.py, written once for both frameworks:
``make(T)`` (T being ``torch`` or ``ember``) binds this file's ``Tensor`` to T's, scripts the classes and makes
the modules, so tests/fixtures/jit/record_script_classes.py records with PyTorch what scripting them prints,
computes and refuses. The classes and functions live at the top of the file, where both frameworks' script
compilers resolve the names their code uses (annotations are read as names, not evaluated at import)."""
from __future__ import annotations

from typing import List, Optional, Tuple

from tests.jit import script_dataclass_models
from tests.jit.script_dataclass_models import use_dataclasses

Tensor = None       # the framework's Tensor, bound by make(T)


class Pair:
    def __init__(self, a: Tensor, b: Tensor):
        self.a = a
        self.b = b
        self.calls = 0

    def total(self) -> Tensor:
        self.calls += 1
        return self.a + self.b

    def scaled(self, k: float):
        return Pair(self.a * k, self.b * k)


class Counter:          # not scripted itself: compiled when a scripted program first uses it, as PyTorch does
    def __init__(self, start: int):
        self.count = start
        self.seen: List[int] = []
        self.last = annotate(Optional[int], None)

    def add(self, k: int):
        self.count += k
        self.seen.append(k)
        self.last = k

    def __len__(self) -> int:
        return len(self.seen)


class Scorer:           # an interface (make(T) declares it)
    def score(self, x: Tensor, k: int) -> Tensor:
        pass

    def name(self) -> str:
        pass


class Doubler:
    def __init__(self, w: float):
        self.w = w

    def score(self, x: Tensor, k: int) -> Tensor:
        return x * self.w * k

    def name(self) -> str:
        return 'doubler'


def use_pair(x):
    p = Pair(x, x * 2)
    q = p.scaled(3.0)
    return q.total() + p.total() + p.calls


def count(n: int) -> Tuple[int, int, List[int], Optional[int]]:
    c = Counter(10)
    for i in range(n):
        c.add(i)
    return c.count, len(c), c.seen, c.last


def make_pair(x):
    p = Pair(x, x + 1)
    p.b = p.b * 2
    return p


def apply(s: Scorer, x):
    return s.score(x, 2)


def score_twice(x):
    s: Scorer = Doubler(3.0)
    return apply(s, x) + s.score(x, 1)


def annotate(tp, value):        # rebound to T.jit.annotate by make(T)
    return value


FUNCTIONS = ('use_pair', 'count', 'score_twice', 'use_dataclasses')
MODULES = ('PairModule', 'Holder')


def make(T):
    """{name: program}: the functions above, modules using the classes, and the classes."""
    global Tensor, annotate
    Tensor, annotate = T.Tensor, T.jit.annotate
    script_dataclass_models.Tensor = T.Tensor
    T.jit.script(script_dataclass_models.Span)      # PyTorch compiles a dataclass only when scripted first
    T.jit.script(script_dataclass_models.Boxes)
    T.jit.script(Pair)
    T.jit.interface(Scorer)
    nn = T.nn

    @T.jit.interface
    class OneArg(nn.Module):
        def forward(self, x: T.Tensor) -> T.Tensor:
            pass

    class PairModule(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 2)

        def forward(self, x):
            p = Pair(self.lin(x), x[:, :2])
            return p.scaled(0.5).total()

    class Impl(nn.Module):
        def forward(self, x):
            return x * 2 + 1

    class Holder(nn.Module):
        sub: OneArg

        def __init__(self):
            super().__init__()
            self.sub = Impl()

        def forward(self, x):
            return self.sub.forward(x) + score_twice(x)

    Holder.__annotations__['sub'] = OneArg      # the class itself: this file's annotations are strings

    return {'use_pair': use_pair, 'count': count, 'make_pair': make_pair, 'score_twice': score_twice,
            'use_dataclasses': use_dataclasses,
            'PairModule': PairModule, 'Holder': Holder, 'OneArg': OneArg}


class SetsUnknown:
    def __init__(self):
        self.x = 1

    def set(self):
        self.y = 2


class ReadsUnknown:
    def __init__(self):
        self.x = 1

    def get(self) -> int:
        return self.z


class Base:
    pass


class Inherits(Base):
    def __init__(self):
        self.x = 1


class NoArgs:
    def __init__(self):
        self.x = 1


def too_many(a: int):
    return NoArgs(a)


class Retyped:
    def __init__(self):
        self.x = 1

    def set(self):
        self.x = 2.5


class AnnotatedNone:        # PyTorch types the attribute by the value: NoneType, whatever the annotation says
    def __init__(self):
        self.last: Optional[int] = None

    def set(self, k: int):
        self.last = k


class Named:
    def name(self) -> str:
        pass


class Nameless:
    def __init__(self):
        pass


def not_implemented(x):
    s: Named = Nameless()
    return s.name()


class Untyped:
    def f(self, x):
        pass


class ChildInterface(Base):
    def f(self) -> int:
        pass


def refused(T):
    """{name: thunk}: what PyTorch refuses (each thunk scripts or declares one thing)."""
    def not_implemented_call():
        T.jit.interface(Named)
        T.jit.script(not_implemented)

    return {'set_unknown': lambda: T.jit.script(SetsUnknown), 'read_unknown': lambda: T.jit.script(ReadsUnknown),
            'inherits': lambda: T.jit.script(Inherits), 'too_many': lambda: T.jit.script(too_many),
            'retyped': lambda: T.jit.script(Retyped), 'annotated_none': lambda: T.jit.script(AnnotatedNone),
            'not_implemented': not_implemented_call, 'untyped_interface': lambda: T.jit.interface(Untyped),
            'inherited_interface': lambda: T.jit.interface(ChildInterface),
            'interface_of_instance': lambda: T.jit.interface(Nameless()),
            'dataclass_default_factory': lambda: T.jit.script(script_dataclass_models.WithFactory)}


def args(T, name):
    x = T.arange(6.).reshape(2, 3) / 4
    return (4,) if name == 'count' else (x,)
