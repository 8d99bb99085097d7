"""Every op's table row, gathered from the family modules in ``tests/opinfo``."""
import importlib
import pkgutil

import tests.opinfo as _pkg

OPS = []
for _mod in sorted(m.name for m in pkgutil.iter_modules(_pkg.__path__)):
    OPS.extend(importlib.import_module(f'tests.opinfo.{_mod}').OPS)

OP_NAMES = [op.name for op in OPS]
