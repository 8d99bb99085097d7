"""The documentation site (docs/: the user guide and the API reference from every public docstring)
builds with Sphinx, every warning an error: a docstring that is not valid reStructuredText, a broken
cross-reference or a page missing from the table of contents fails here."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_the_documentation_builds_without_warnings(tmp_path):
    pytest.importorskip('sphinx', reason='Sphinx is not installed (pip install ember[docs])')
    proc = subprocess.run([sys.executable, '-m', 'sphinx', '-W', '--keep-going', '-q', '-b', 'html',
                           os.path.join(ROOT, 'docs'), str(tmp_path / 'html')],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-6000:]
    index = (tmp_path / 'html' / 'index.html').read_text()
    assert 'User guide' in index and 'api/torch.html' in index
    reference = (tmp_path / 'html' / 'api' / 'torch.html').read_text()
    assert 'ember.zeros' in reference            # autodoc reached the functions
