"""Dataclasses used by a scripted function (tests/jit/script_class_models.py lists it with the other programs).
Their ``__init__``, ``__eq__`` and orderings are written by ``dataclasses``, so TorchScript compiles source it
writes itself. Kept apart from script_class_models.py because PyTorch cannot script a dataclass whose annotations
are postponed (``from __future__ import annotations``); ``'Tensor'`` is a string annotation resolved when
scripting, once ``make(T)`` has bound ``Tensor`` to the framework's."""
import dataclasses
from typing import List, Optional

Tensor = None       # the framework's Tensor, bound by script_class_models.make(T)


@dataclasses.dataclass(order=True)
class Span:
    start: int
    stop: int
    weight: Optional[float] = None


@dataclasses.dataclass
class Boxes:
    data: 'Tensor'
    count: int = 1

    def area(self) -> 'Tensor':
        return self.data * self.count


@dataclasses.dataclass
class WithFactory:      # refused: TorchScript cannot compile the factory
    sizes: List[int] = dataclasses.field(default_factory=list)


def use_dataclasses(x):
    a = Span(1, 4)
    b = Span(1, 5, 2.0)
    c = Span(1, 4)
    boxes = Boxes(x, 3)
    return boxes.area() + float(a == c) + float(a < b) * 2 + float(b >= a) * 4 + float(b <= a) * 8 + \
        float(a == b) * 16
