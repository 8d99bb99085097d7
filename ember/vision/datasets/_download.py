"""Downloading, verifying and unpacking dataset files (torchvision.datasets.utils' helpers).

Every download goes to ``<file>.part`` first and is renamed into place only after its MD5
checksum matched, so an interrupted or corrupted download never leaves a file that a later run
would mistake for good data.  A list of mirrors is tried in order; when all fail the error names
every URL and why it failed (offline, HTTP 404, checksum mismatch, ...).
"""
import bz2
import gzip
import hashlib
import http.client
import lzma
import os
import shutil
import socket
import tarfile
import urllib.error
import urllib.request
import zipfile

USER_AGENT = "ember/vision"
# NOTE: a finite timeout so that a silent network (firewall dropping packets) fails with a clear
# error instead of hanging forever; large files still download, the timeout is per socket read.
TIMEOUT = 60.0
_CHUNK = 1024 * 1024


class ChecksumError(RuntimeError):
    """A downloaded file whose MD5 differs from the published one."""


def calculate_md5(fpath, chunk_size=_CHUNK):
    try:  # usedforsecurity=False keeps MD5 usable on FIPS-restricted Pythons
        md5 = hashlib.md5(usedforsecurity=False)
    except TypeError:
        md5 = hashlib.md5()
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """True when ``fpath`` is a file and, if ``md5`` is given, its checksum matches."""
    if not os.path.isfile(fpath):
        return False
    if md5 is None:
        return True
    return check_md5(fpath, md5)


def _progress_bar(total):
    """A tqdm bar when tqdm is installed; otherwise an object that ignores updates."""
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024)


class _NoBar:
    def update(self, n):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _urlretrieve(url, fpath):
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        with open(fpath, "wb") as fh, _progress_bar(response.length) as bar:
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                fh.write(chunk)
                bar.update(len(chunk))


def _fetch(url, fpath, md5=None):
    """Download ``url`` to ``fpath`` through a ``.part`` file; verify ``md5`` before keeping it."""
    part = fpath + ".part"
    try:
        _urlretrieve(url, part)
        if md5 is not None:
            actual = calculate_md5(part)
            if actual != md5:
                raise ChecksumError(f"File {os.path.basename(fpath)} downloaded from {url} is corrupted: "
                                    f"MD5 {actual} does not match the expected {md5}")
        os.replace(part, fpath)
    finally:
        if os.path.exists(part):
            os.remove(part)


def _reason(error):
    """A one-line why for a failed download attempt."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP Error {error.code}: {error.reason}"
    if isinstance(error, urllib.error.URLError):
        reason = error.reason
        if isinstance(reason, socket.gaierror):
            return f"cannot resolve the host name (offline?): {reason}"
        return f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else str(reason)
    return f"{type(error).__name__}: {error}"


def download_from_mirrors(urls, root, filename, md5=None):
    """Download ``filename`` into ``root`` from the first of ``urls`` that works.

    A file already there with the right checksum is reused. Returns the file's path; raises
    ``RuntimeError`` naming every URL tried and why it failed when none worked.
    """
    root = os.path.expanduser(os.fspath(root))
    fpath = os.path.join(root, filename)
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        print("Using downloaded and verified file: " + fpath)
        return fpath
    failures = []
    for i, url in enumerate(urls):
        print(f"Downloading {url} to {fpath}")
        try:
            _fetch(url, fpath, md5)
            return fpath
        except (urllib.error.URLError, http.client.HTTPException, socket.timeout, ConnectionError,
                ChecksumError) as error:
            failures.append((url, _reason(error)))
            if i + 1 < len(urls):
                print(f"Failed to download (trying next):\n{error}")
    lines = "\n".join(f"  {url}: {why}" for url, why in failures)
    raise RuntimeError(f"Error downloading {filename}; tried {len(failures)} URL(s):\n{lines}\n"
                       f"Check the network connection, or place the file at {fpath} by hand.")


def download_url(url, root, filename=None, md5=None, max_redirect_hops=3):
    """Download one URL into ``root`` (torchvision's ``download_url``). Redirects are followed."""
    # NOTE: urllib follows HTTP redirects itself (up to 10); max_redirect_hops is accepted for
    # torchvision's signature.
    return download_from_mirrors([url], root, filename or os.path.basename(url), md5)


# -------------------------------------------------------------------------------- extraction
def _detect(path):
    """(archive kind, compression) from the file name, e.g. ('.tar', '.gz') for x.tgz."""
    name = os.fspath(path).lower()
    for suffix, kind in ((".tar.gz", (".tar", ".gz")), (".tgz", (".tar", ".gz")), (".tar.bz2", (".tar", ".bz2")),
                         (".tbz", (".tar", ".bz2")), (".tar.xz", (".tar", ".xz")), (".tar", (".tar", None)),
                         (".zip", (".zip", None)), (".gz", (None, ".gz")), (".bz2", (None, ".bz2")),
                         (".xz", (None, ".xz"))):
        if name.endswith(suffix):
            return kind
    raise RuntimeError(f"File '{path}' is neither an archive nor a compressed file "
                       "(known suffixes: .tar, .tar.gz, .tgz, .tar.bz2, .tar.xz, .zip, .gz, .bz2, .xz)")


_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Unpack an archive (.tar[.gz|.bz2|.xz], .zip) or decompress a file (.gz, .bz2, .xz).

    A compressed single file ``x.gz`` becomes ``to_path/x``. Returns ``to_path``.
    """
    from_path = os.fspath(from_path)
    to_path = os.path.dirname(from_path) if to_path is None else os.fspath(to_path)
    archive, compression = _detect(from_path)
    print(f"Extracting {from_path} to {to_path}")
    os.makedirs(to_path, exist_ok=True)
    if archive == ".tar":
        mode = "r:" + (compression or "").lstrip(".")
        with tarfile.open(from_path, mode) as tar:
            # NOTE: the 'data' filter refuses members that escape to_path (absolute paths, '..',
            # device files); older Pythons lack it and extract as before.
            if hasattr(tarfile, "data_filter"):
                tar.extractall(to_path, filter="data")
            else:
                tar.extractall(to_path)
    elif archive == ".zip":
        with zipfile.ZipFile(from_path) as zf:  # zipfile already strips '..' and absolute paths
            zf.extractall(to_path)
    else:
        base = os.path.basename(from_path)[: -len(compression)]
        with _OPENERS[compression](from_path, "rb") as src, open(os.path.join(to_path, base), "wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
    if remove_finished:
        os.remove(from_path)
    return to_path


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False, _mirrors=None):
    """Download (from ``url``, then each of the datasets' own ``_mirrors``) and unpack into ``extract_root``."""
    download_root = os.path.expanduser(os.fspath(download_root))
    extract_root = download_root if extract_root is None else extract_root
    filename = filename or os.path.basename(url)
    fpath = download_from_mirrors([url] + list(_mirrors or []), download_root, filename, md5)
    return extract_archive(fpath, extract_root, remove_finished)


def iterable_to_str(iterable):
    return "'" + "', '".join(str(item) for item in iterable) + "'"


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """Check that ``value`` is a str among ``valid_values`` (torchvision's messages)."""
    if not isinstance(value, str):
        where = "" if arg is None else f" for argument {arg}"
        raise ValueError(f"Expected type str{where}, but got type {type(value)}.")
    if valid_values is None or value in valid_values:
        return value
    msg = custom_msg or (f"Unknown value '{value}' for argument {arg}. "
                         f"Valid values are {{{iterable_to_str(valid_values)}}}.")
    raise ValueError(msg)


def list_dir(root, prefix=False):
    """The folders directly inside ``root`` (in the order the file system lists them), as names or, with
    ``prefix``, as paths."""
    root = os.path.expanduser(os.fspath(root))
    names = [p for p in os.listdir(root) if os.path.isdir(os.path.join(root, p))]
    return [os.path.join(root, d) for d in names] if prefix else names


def list_files(root, suffix, prefix=False):
    """The files directly inside ``root`` whose names end with ``suffix`` (a str or a tuple of them), as
    names or, with ``prefix``, as paths."""
    root = os.path.expanduser(os.fspath(root))
    names = [p for p in os.listdir(root) if os.path.isfile(os.path.join(root, p)) and p.endswith(suffix)]
    return [os.path.join(root, f) for f in names] if prefix else names


def download_file_from_google_drive(file_id, root, filename=None, md5=None):
    """Download a Google Drive file (by its id) into ``root`` through the optional ``gdown`` package, which
    handles Drive's confirmation pages; a file already there with the right checksum is kept."""
    try:
        import gdown
    except ModuleNotFoundError as e:
        raise RuntimeError("To download files from GDrive, 'gdown' is required. You can install it with "
                           "'pip install gdown'.") from e
    root = os.path.expanduser(os.fspath(root))
    fpath = os.path.join(root, os.fspath(filename or file_id))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    gdown.download(id=file_id, output=fpath, quiet=False, user_agent=USER_AGENT)
    if not check_integrity(fpath, md5):
        raise RuntimeError("File not found or corrupted.")
