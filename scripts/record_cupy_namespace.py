"""Record the public names of CuPy's array namespaces into tests/fixtures/cupy_namespace.json.

ember's CUDA tests check against this list (no CuPy needed in CI): the names ember's ops call on
``xp`` must exist in CuPy, and the strict stand-in device exposes only these names. CuPy imports
without a GPU, so this runs anywhere the package is installed:

    pip install --target /tmp/cupy_ns cupy-cuda12x cuda-pathfinder fastrlock
    PYTHONPATH=/tmp/cupy_ns python scripts/record_cupy_namespace.py
"""
import json
import pathlib

import cupy
import cupy.lib.stride_tricks
import cupyx
import cupyx.scipy.special


def public(obj):
    return sorted(n for n in dir(obj) if not n.startswith('_'))


def main():
    spaces = {
        'cupy': public(cupy),
        'cupy.ndarray': public(cupy.ndarray),
        'cupy.linalg': public(cupy.linalg),
        'cupy.fft': public(cupy.fft),
        'cupy.random': public(cupy.random),
        'cupy.lib.stride_tricks': public(cupy.lib.stride_tricks),
        'cupyx': public(cupyx),
        'cupyx.scipy.special': public(cupyx.scipy.special),
        'cupy.cuda': public(cupy.cuda),
    }
    data = {'cupy_version': cupy.__version__, 'namespaces': spaces}
    out = pathlib.Path(__file__).resolve().parent.parent / 'tests' / 'fixtures' / 'cupy_namespace.json'
    out.write_text(json.dumps(data, indent=1, sort_keys=True) + '\n')
    print(f'wrote {out} (CuPy {cupy.__version__})')


if __name__ == '__main__':
    main()
