"""Versions: the PyTorch API ember follows, and ember's own release.

``ember.__version__`` (and so ``torch.__version__`` under ``ember run``) is the version of the
PyTorch API ember follows, with ember's own release as the local label: ``'2.13.0+ember.0.1.0'``.
Existing scripts gate features on ``torch.__version__`` (``>= "1.9"``, ``>= (2, 0)``); they must
see the API they are running against, not ember's young release number. ember's own release is
``ember.version.ember_version`` (what ``pip`` and ``ember --version`` report).

>>> ember.__version__ >= '1.9' and ember.__version__ >= (2, 0)
True
>>> ember.version.ember_version
'0.1.0'
"""
import re

api_version = '2.13.0'      # the PyTorch release whose names, signatures and behaviour ember follows
ember_version = '0.1.0'     # ember's own release (pyproject.toml's version)
hip = None                  # no ROCm build
debug = False


class TorchVersion(str):
    """A version string that compares as a version with strings, tuples and other versions
    (``'2.13.0' > '2.9'``, which plain string comparison gets wrong), as PyTorch's does."""

    def _key(self):
        return _key(self)

    def _cmp(self, other, op):
        try:
            other_key = _key(other)
        except (TypeError, ValueError):
            return NotImplemented
        return op(_key(self), other_key)

    def __lt__(self, other):
        return self._cmp(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._cmp(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._cmp(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._cmp(other, lambda a, b: a >= b)

    def __eq__(self, other):
        result = self._cmp(other, lambda a, b: a == b)
        return str.__eq__(self, other) if result is NotImplemented else result

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


_PRE = {'dev': 0, 'a': 1, 'alpha': 1, 'b': 2, 'beta': 2, 'rc': 3, 'c': 3}
# (compiled by re on the first comparison, and kept in re's cache: not at ``import ember``)
_VERSION = (r'v?(\d+(?:\.\d+)*)(?:[-_.]?(dev|alpha|a|beta|b|rc|c)[-_.]?(\d*))?(?:\.post\d+)?(?:\+.*)?$')


def _key(version):
    """A sortable key: the release numbers (padded), then final releases after pre-releases."""
    if isinstance(version, tuple):
        version = '.'.join(str(int(part)) for part in version)
    if not isinstance(version, str):
        raise TypeError(f"cannot compare a version with {type(version).__name__}")
    match = re.match(_VERSION, version.strip())
    if match is None:
        raise ValueError(f"invalid version: {version!r}")
    release = tuple(int(part) for part in match.group(1).split('.'))
    release += (0,) * (4 - len(release))
    tag = match.group(2)
    pre = (4, 0) if tag is None else (_PRE[tag], int(match.group(3) or 0))
    return release + pre


__version__ = TorchVersion(f'{api_version}+ember.{ember_version}')


def __getattr__(name):
    # ``cuda`` asks CuPy for its CUDA runtime, which is slow to import: only when someone reads it
    if name == 'cuda':
        from ember import backend
        return backend.cuda_runtime_version()
    raise AttributeError(f"module 'ember.version' has no attribute '{name}'")
