"""Pretrained checkpoints and hub repositories (torch.hub).

Downloads land in the cache directory that PyTorch uses, so a checkpoint fetched by either library is
found by the other:

* ``set_dir(d)`` wins; otherwise
* ``$EMBER_HOME/hub``, else ``$TORCH_HOME/hub``, else ``$XDG_CACHE_HOME/torch/hub``, else
  ``~/.cache/torch/hub``.

Checkpoints go to ``<hub dir>/checkpoints``. A download is written to a temporary file next to its
destination and moved into place only when complete (and, with a hash prefix, only when its SHA-256
matches), so a broken download never leaves a file that looks like a good checkpoint.

Repositories: ``load``/``list``/``help`` read a directory's ``hubconf.py`` (``source='local'``). For
``source='github'`` the repository ``pytorch/vision`` is answered by ember's own vision models (its
hubconf's entry points are torchvision's model builders, which ember provides); other GitHub
repositories are not downloaded: clone them and pass the directory with ``source='local'``.

>>> import ember.hub
>>> ember.hub.get_dir().endswith('hub')
True
"""
import contextlib
import hashlib
import importlib.util
import os
import re
import shutil
import sys
import urllib.request
import uuid
import warnings
import zipfile
from urllib.parse import urlparse

import ember

__all__ = ['download_url_to_file', 'get_dir', 'help', 'list', 'load', 'load_state_dict_from_url', 'set_dir']

# a file named like 'resnet18-f37072fd.pth' carries the first hex digits of its SHA-256
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
ENV_EMBER_HOME = 'EMBER_HOME'
ENV_TORCH_HOME = 'TORCH_HOME'
ENV_XDG_CACHE_HOME = 'XDG_CACHE_HOME'
DEFAULT_CACHE_DIR = '~/.cache'
VAR_DEPENDENCY = 'dependencies'
MODULE_HUBCONF = 'hubconf.py'
READ_DATA_CHUNK = 128 * 1024
USER_AGENT = 'ember.hub'

_hub_dir = None


def _get_torch_home():
    home = os.getenv(ENV_EMBER_HOME) or os.getenv(ENV_TORCH_HOME)
    if not home:
        # NOTE: PyTorch's own default, so checkpoints already downloaded by PyTorch are reused
        home = os.path.join(os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), 'torch')
    return os.path.expanduser(home)


def get_dir():
    """The hub cache directory: ``set_dir``'s value, else ``<EMBER_HOME or TORCH_HOME>/hub``."""
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), 'hub')


def set_dir(d):
    """Use directory ``d`` for downloaded repositories and checkpoints from now on."""
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


class _TextBar:
    """A progress bar for when tqdm is not installed: the percentage done, rewritten in place on stderr.

    Takes tqdm's constructor arguments that downloads use, so code written against ``hub.tqdm`` runs
    either way.
    """

    def __init__(self, total=None, disable=False, unit=None, unit_scale=None, unit_divisor=None):
        self.total = total
        self.disable = disable
        self.n = 0

    def update(self, n):
        if self.disable:
            return
        self.n += n
        if self.total is None:
            sys.stderr.write(f'\r{self.n:0.1f} bytes')
        else:
            sys.stderr.write(f'\r{100 * self.n / float(self.total):0.1f}%')
        sys.stderr.flush()

    def close(self):
        self.disable = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self.disable:
            sys.stderr.write('\n')
        self.close()
        return False


def __getattr__(name):
    # ``from torch.hub import tqdm`` is how several libraries get a progress bar: tqdm's own when it
    # is installed, else the plain one above (imported on first use: tqdm costs import time)
    if name == 'tqdm':
        try:
            from tqdm import tqdm
        except ImportError:
            tqdm = _TextBar
        globals()['tqdm'] = tqdm
        return tqdm
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _progress(total, enabled):
    return __getattr__('tqdm')(total=total, disable=not enabled, unit='B', unit_scale=True, unit_divisor=1024)


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download ``url`` to the file ``dst``.

    With ``hash_prefix``, the SHA-256 of the downloaded bytes must start with it, otherwise a
    ``RuntimeError`` is raised and nothing is written at ``dst``. ``progress`` shows a tqdm bar on
    stderr when tqdm is installed.
    """
    dst = os.path.expanduser(os.fspath(dst))
    # NOTE: a temporary file in the destination's folder, moved into place only when complete, so an
    # interrupted download never replaces a working checkpoint
    tmp_dst = f"{dst}.{uuid.uuid4().hex}.partial"
    request = urllib.request.Request(url, headers={'User-Agent': USER_AGENT})
    try:
        with urllib.request.urlopen(request) as response, open(tmp_dst, 'wb') as f:
            length = response.headers.get('Content-Length')
            sha256 = hashlib.sha256() if hash_prefix is not None else None
            with _progress(int(length) if length else None, progress) as bar:
                for buffer in iter(lambda: response.read(READ_DATA_CHUNK), b''):
                    f.write(buffer)
                    if sha256 is not None:
                        sha256.update(buffer)
                    bar.update(len(buffer))
        if sha256 is not None:
            digest = sha256.hexdigest()
            if digest[:len(hash_prefix)] != hash_prefix:
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
        shutil.move(tmp_dst, dst)
    finally:
        if os.path.exists(tmp_dst):
            os.remove(tmp_dst)


def _is_legacy_zip_format(filename):
    # NOTE: before PyTorch 1.6 checkpoints were sometimes published zipped by hand: one file in a zip.
    # A checkpoint in today's format is itself a zip archive, but with many entries.
    if zipfile.is_zipfile(filename):
        with zipfile.ZipFile(filename) as zf:
            infos = zf.infolist()
        return len(infos) == 1 and not infos[0].is_dir()
    return False


def _legacy_zip_load(filename, model_dir, map_location, weights_only):
    warnings.warn("Falling back to the old format < 1.6. This support will be deprecated in favor of default "
                  "zipfile format introduced in 1.6. Please redo torch.save() to save it in the new zipfile "
                  "format.", FutureWarning, stacklevel=3)
    with zipfile.ZipFile(filename) as zf:
        member, = zf.infolist()
        target = os.path.realpath(os.path.join(model_dir, member.filename))
        if not target.startswith(os.path.realpath(model_dir) + os.sep):
            raise ValueError(f"Zip file {filename} contains a path outside the target directory: {member.filename}")
        zf.extract(member, model_dir)
    return ember.load(target, map_location=map_location, weights_only=weights_only)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    """Load the checkpoint at ``url``, downloading it into the cache first if it is not there yet.

    ``model_dir`` defaults to ``<get_dir()>/checkpoints``; ``file_name`` to the URL's last path part.
    With ``check_hash=True`` a file name following ``name-<sha256 prefix>.ext`` has its download
    verified against that prefix. A checkpoint zipped by hand (one file inside a zip) is unpacked.

    >>> sd = load_state_dict_from_url('https://download.pytorch.org/models/resnet18-f37072fd.pth',
    ...                               check_hash=True)  # doctest: +SKIP
    """
    if model_dir is None:
        model_dir = os.path.join(get_dir(), 'checkpoints')
    model_dir = os.path.expanduser(os.fspath(model_dir))
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        hash_prefix = None
        if check_hash:
            match = HASH_REGEX.search(filename)
            hash_prefix = match.group(1) if match else None
        download_url_to_file(url, cached_file, hash_prefix, progress=progress)
    if _is_legacy_zip_format(cached_file):
        return _legacy_zip_load(cached_file, model_dir, map_location, weights_only)
    return ember.load(cached_file, map_location=map_location, weights_only=weights_only)


# ----------------------------------------------------------------------------- hubconf repositories
@contextlib.contextmanager
def _add_to_sys_path(path):
    sys.path.insert(0, path)
    try:
        yield
    finally:
        sys.path.remove(path)


def _import_hubconf(repo_dir):
    path = os.path.join(repo_dir, MODULE_HUBCONF)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No {MODULE_HUBCONF} in {repo_dir}")
    with _add_to_sys_path(repo_dir):
        spec = importlib.util.spec_from_file_location(MODULE_HUBCONF, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def _builtin_repo(github):
    """ember's stand-in for a GitHub repository whose hubconf it provides itself (None if none)."""
    name = github.split(':', 1)[0]
    if name == 'pytorch/vision':
        import ember.vision.models as models
        return models
    return None


def _hub_module(repo_or_dir, source):
    source = source.lower()
    if source not in ('github', 'local'):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == 'local':
        return _import_hubconf(os.path.expanduser(os.fspath(repo_or_dir)))
    module = _builtin_repo(repo_or_dir)
    if module is None:
        raise RuntimeError(f"ember.hub does not download GitHub repositories ('{repo_or_dir}'); clone it and call "
                           f"with the directory and source='local'")
    return module


def _check_dependencies(module):
    missing = [pkg for pkg in getattr(module, VAR_DEPENDENCY, None) or []
               if importlib.util.find_spec(pkg) is None]
    if missing:
        raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")


def _entry(module, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    _check_dependencies(module)
    func = getattr(module, model, None)
    if func is None or not callable(func):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return func


def _entrypoints(module):
    if module.__name__ == 'ember.vision.models':
        return module.list_models()
    return [name for name in dir(module) if callable(getattr(module, name)) and not name.startswith('_')]


# NOTE: force_reload, skip_validation, trust_repo and verbose concern downloading GitHub repositories,
# which ember does not do; the one GitHub repository it answers (pytorch/vision) is part of ember.
def list(github, force_reload=False, skip_validation=False, trust_repo='check', verbose=True, *, source='github'):
    """The callable entry points of a hub repository's ``hubconf.py``.

    ``source='local'`` (an ember addition: PyTorch lists only GitHub repositories) reads ``github``
    as a directory.
    """
    return _entrypoints(_hub_module(github, source))


def help(github, model, force_reload=False, skip_validation=False, trust_repo='check', *, source='github'):
    """The docstring of entry point ``model`` (``source='local'`` as in :func:`list`)."""
    return _entry(_hub_module(github, source), model).__doc__


def load(repo_or_dir, model, *args, source='github', trust_repo='check', force_reload=False, verbose=True,
         skip_validation=False, **kwargs):
    """Call entry point ``model`` of a hub repository with ``*args``/``**kwargs`` and return its result.

    >>> import tempfile, pathlib
    >>> d = tempfile.mkdtemp()
    >>> _ = pathlib.Path(d, 'hubconf.py').write_text('def answer(x=1):\\n    return 41 + x\\n')
    >>> load(d, 'answer', source='local')
    42
    """
    module = _hub_module(repo_or_dir, source)
    if source.lower() == 'local':
        with _add_to_sys_path(os.path.expanduser(os.fspath(repo_or_dir))):
            return _entry(module, model)(*args, **kwargs)
    return _entry(module, model)(*args, **kwargs)


