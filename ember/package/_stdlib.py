"""Whether a top-level module belongs to Python's standard library."""
import sys


def is_stdlib_module(module):
    return module.partition(".")[0] in sys.stdlib_module_names
