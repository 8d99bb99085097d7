"""ember.utils.benchmark: time statements and compare the results, as ``torch.utils.benchmark``.

``Timer(stmt, setup, globals=...)`` measures with ``timeit``, ``blocked_autorange`` or
``adaptive_autorange``; the :class:`Measurement` prints its median and spread; :class:`Compare`
lays many measurements out as tables; :class:`Fuzzer` draws reproducible random inputs. Only Python statements are timed (no C++ or Callgrind).
"""
from ember.utils.benchmark.utils.common import (Measurement, TaskSpec, ordered_unique, select_unit,  # noqa: F401
                                                set_torch_threads, trim_sigfig, unit_to_english)
from ember.utils.benchmark.utils.compare import Colorize, Compare  # noqa: F401
from ember.utils.benchmark.utils.fuzzer import Fuzzer, FuzzedParameter, FuzzedTensor, ParameterAlias  # noqa: F401
from ember.utils.benchmark.utils.timer import Language, Timer, timer  # noqa: F401
