"""Sphinx configuration for ember's documentation (build: sphinx-build -W -b html docs docs/_build)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))        # the ember beside these docs, not another installed one
sys.path.insert(0, HERE)

import ember                                    # noqa: E402
from _api_pages import write_pages              # noqa: E402

project = 'ember'
author = 'the ember developers'
release = str(ember.__version__)
version = ember.version.ember_version

# the examples (docstrings and the guide's >>> blocks) run as tests: tests/test_doctests.py
extensions = ['sphinx.ext.autodoc', 'sphinx.ext.napoleon', 'sphinx.ext.viewcode']
exclude_patterns = ['_build', 'DESIGN.md']
autodoc_default_options = {'undoc-members': False}
autodoc_typehints = 'none'              # signatures show PyTorch's parameter names; types are in the prose
napoleon_google_docstring = True        # PyTorch's docstrings use "Args:" / "Returns:" sections
napoleon_numpy_docstring = False
html_theme = 'alabaster'
html_title = f'ember {version}'
nitpicky = False

write_pages(os.path.join(HERE, 'api'))
