"""Tools to find out what a package needs: which modules code uses and where broken ones came from."""
from .find_first_use_of_broken_modules import find_first_use_of_broken_modules
from .trace_dependencies import trace_dependencies
