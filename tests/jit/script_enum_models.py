"""Programs using Python Enum classes for tests/jit/test_script_enums.py, written once for both frameworks:
``make(T)`` (T being ``torch`` or ``ember``) binds this file's ``Tensor`` to T's and returns the functions and
module classes, so tests/fixtures/jit/record_script_enums.py records with PyTorch what scripting them prints and
computes. Enum-typed arguments and defaults, Enum attributes of modules, ``.name``/``.value``, comparisons
(``==``, ``!=``, ``is``), ``isinstance``, Enum results and Enum classes walked by ``for``, as torchvision's ``InterpolationMode`` and timm's
Enum-typed settings use them."""
from __future__ import annotations

import enum
from typing import List, Tuple

Tensor = None       # the framework's Tensor, bound by make(T)
nn = None           # the framework's nn, bound by make(T)


class Color(enum.Enum):
    RED = 1
    GREEN = 2
    BLUE = 4


class Mode(enum.Enum):
    NEAREST = "nearest"
    BILINEAR = "bilinear"


class Level(enum.IntEnum):     # an Enum mixed with int: a module attribute of it is an int to TorchScript
    LOW = 1
    HIGH = 3


class Scale(enum.Enum):
    HALF = 0.5
    DOUBLE = 2.0


def weighted(x: Tensor, c: Color = Color.GREEN) -> Tensor:
    return x * c.value


def describe(c: Color) -> Tuple[str, int]:
    return c.name, c.value


def opposite(c: Color) -> Color:
    if c == Color.RED:
        return Color.GREEN
    return Color.RED


def resample(x: Tensor, mode: Mode = Mode.BILINEAR) -> Tensor:
    if mode == Mode.NEAREST:
        y = x.floor()
    else:
        y = x * 2
    return y


def checked(x: Tensor, mode: Mode) -> Tensor:
    if isinstance(mode, Mode):
        return x + len(mode.value)
    return x


def scaled(x: Tensor, s: Scale) -> Tensor:
    return x * s.value


def through_colors(x: Tensor) -> Tensor:
    for c in Color:         # an Enum class walked: its members in order
        x = x + c.value
    return x


def color_names(x: Tensor) -> List[str]:
    out: List[str] = []
    for c in Color:
        out.append(c.name)
    return out


FUNCTIONS = ('weighted', 'describe', 'opposite', 'resample', 'checked', 'scaled', 'through_colors', 'color_names')

# (program, args as names: 'x' the input tensor, 'Color.RED' a member) of each call recorded
CALLS = {
    'weighted': [('x',), ('x', 'Color.BLUE')],
    'describe': [('Color.BLUE',), ('Color.RED',)],
    'opposite': [('Color.RED',), ('Color.BLUE',)],
    'resample': [('x',), ('x', 'Mode.NEAREST')],
    'checked': [('x', 'Mode.NEAREST')],
    'scaled': [('x', 'Scale.HALF'), ('x', 'Scale.DOUBLE')],
    'through_colors': [('x',)],
    'color_names': [('x',)],
    'Resizer': [('x',), ('x', 'Mode.NEAREST')],
    'Painter': [('x',), ('x', 'Color.RED'), ('x', 'Color.BLUE')],
    'Leveled': [('x',)],
}

# values passed for an Enum-typed parameter that are none of its members
BAD_ARGUMENTS = ('"nearest"', 'Color.RED', 'None')


def make(T):
    global Tensor, nn
    Tensor, nn = T.Tensor, T.nn

    class Resizer(nn.Module):       # an Enum attribute passed on to a function, as torchvision's Resize does
        def __init__(self):
            super().__init__()
            self.mode = Mode.BILINEAR

        def forward(self, x: Tensor, mode: Mode = Mode.BILINEAR) -> Tensor:
            if self.mode != mode:
                x = x + 1
            return resample(x, self.mode)

    class Painter(nn.Module):
        def __init__(self):
            super().__init__()
            self.color = Color.GREEN
            self.fallback = Color.BLUE

        def forward(self, x: Tensor, c: Color = Color.GREEN) -> Tensor:
            y = weighted(x, c)
            if self.color == c:
                y = y - len(self.color.name)
            if self.fallback == c:
                y = y * 2
            return y

    class Leveled(nn.Module):
        def __init__(self):
            super().__init__()
            self.level = Level.HIGH

        def forward(self, x: Tensor) -> Tensor:
            return x * self.level

    programs = {name: globals()[name] for name in FUNCTIONS}
    programs.update(Resizer=Resizer, Painter=Painter, Leveled=Leveled)
    return programs


def argument(text, x):
    """The value an argument name of CALLS stands for."""
    if text == 'x':
        return x
    if text == 'None':
        return None
    if text.startswith('"'):
        return text.strip('"')
    cls, member = text.split('.')
    return getattr(globals()[cls], member)
