"""Every ``>>>`` example in ember's docstrings runs and prints what its docstring shows.

Each docstring runs in its module's namespace plus ``ember``, ``nn``, ``F`` and ``math`` (the names
PyTorch's own examples take for granted), after ``ember.manual_seed(0)``, so examples that draw
random numbers show the numbers a user gets after seeding 0 (which are PyTorch's numbers too).
Examples that need the network, a file or several processes carry ``# doctest: +SKIP``.
"""
import doctest
import importlib
import inspect
import math
import os
import pkgutil
import warnings

import pytest

import ember

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _module_names():
    names = ['ember']           # the top-level package: Tensor, Size and the classes that say they live in ember
    for info in pkgutil.walk_packages(ember.__path__, 'ember.'):
        if info.name.endswith('__main__'):      # running it would start the command line
            continue
        names.append(info.name)
    return sorted(names)


def _docstring_tests(module):
    if module is ember:
        return _top_level_class_tests()
    globs = dict(vars(module))
    globs.update(ember=ember, nn=ember.nn, F=ember.nn.functional, math=math)
    # the finder keeps to objects defined in this module: re-exports are tested where they live
    finder = doctest.DocTestFinder(exclude_empty=True)
    tests = [t for t in finder.find(module, module.__name__, globs=globs) if t.examples]
    # ops wrapped at import (autocast) sit in their module's namespace as the wrapper, which the
    # finder takes for a foreign function: their docstrings are collected from the original
    parser = doctest.DocTestParser()
    collected = set()
    for name, value in sorted(vars(module).items()):
        original = getattr(value, '__wrapped__', None)
        if (inspect.isfunction(original) and original.__globals__ is vars(module) and id(original) not in collected
                and original.__name__ == name and '>>>' in (original.__doc__ or '')):
            collected.add(id(original))
            tests.append(parser.get_doctest(original.__doc__, dict(globs), f'{module.__name__}.{name}',
                                            module.__file__, None))
    # Tensor methods made in another module than Tensor's and reachable only through the class (new_zeros)
    for name, value in sorted(vars(ember.Tensor).items() if module.__name__ != ember.Tensor.__module__ else ()):
        # unwrapped: once a Tensor subclass switches __torch_function__ dispatch on, methods are wrappers
        fn = inspect.unwrap(value.fget if isinstance(value, property) else value)
        if (inspect.isfunction(fn) and fn.__globals__ is vars(module) and vars(module).get(fn.__name__) is not fn
                and id(fn) not in collected and '>>>' in (fn.__doc__ or '')):
            collected.add(id(fn))
            tests.append(parser.get_doctest(fn.__doc__, dict(globs), f'{module.__name__}.Tensor.{name}',
                                            module.__file__, None))
    return tests


def _defining_namespace(cls):
    """The globals of the module that defines ``cls`` (read from one of its functions: its __module__ says ember)."""
    for value in vars(cls).values():
        fn = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
        fn = inspect.unwrap(fn.fget if isinstance(fn, property) else fn)
        if inspect.isfunction(fn):
            return fn.__globals__
    return {}


def _top_level_class_tests():
    """The docstrings of the classes that name ``ember`` as their module (Tensor, Size, the legacy types), which
    no submodule's walk finds. Their methods are tested in the modules that define them; the package's own
    namespace is not used as globals, as it would shadow builtins (``ember.float`` is a dtype)."""
    finder = doctest.DocTestFinder(recurse=False, exclude_empty=True)
    tests, seen = [], set()
    for name, value in sorted(vars(ember).items()):
        if inspect.isclass(value) and value.__module__ == 'ember' and id(value) not in seen:
            seen.add(id(value))
            globs = dict(_defining_namespace(value), ember=ember, nn=ember.nn, F=ember.nn.functional, math=math)
            tests += [t for t in finder.find(value, f'ember.{name}', module=ember, globs=globs) if t.examples]
    return tests


@pytest.mark.parametrize('name', _module_names())
def test_docstring_examples(name):
    try:
        module = importlib.import_module(name)
    except ImportError as exc:                   # an optional extra (CuPy, mpi4py...) is absent
        pytest.skip(f'{name} needs {exc.name}')
    tests = _docstring_tests(module)
    if not tests:
        return
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = []
    default_dtype = ember.get_default_dtype()
    for test in tests:
        ember.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            runner.run(test, out=report.append)
        ember.set_default_dtype(default_dtype)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, ''.join(report)


def test_every_module_is_visited():
    """The walk reaches the nested packages (a broken __path__ would silently skip them)."""
    names = _module_names()
    for expected in ('ember', 'ember.ops.norm', 'ember.distributions.normal', 'ember.optim.nadam',
                     'ember.vision.models.resnet', 'ember.nn.modules.transformer'):
        assert expected in names


GUIDE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'docs', 'guide')


@pytest.mark.parametrize('page', sorted(p for p in os.listdir(GUIDE) if p.endswith('.rst')))
def test_user_guide_examples(page):
    """The user guide's ``>>>`` examples (docs/guide/*.rst) print what the guide shows."""
    ember.manual_seed(0)
    result = doctest.testfile(os.path.join(GUIDE, page), module_relative=False, optionflags=FLAGS,
                              globs={'ember': ember}, verbose=False)
    assert result.failed == 0
