"""A lock held by creating a file (``torch.utils.file_baton``): one process creates the file and works,
the others wait until it is gone. Works across processes on one file system, with no lock daemon.

>>> import os, tempfile
>>> from ember.utils.file_baton import FileBaton
>>> path = os.path.join(tempfile.mkdtemp(), 'lock')
>>> baton = FileBaton(path)
>>> baton.try_acquire(), FileBaton(path).try_acquire()
(True, False)
>>> baton.release(); os.path.exists(path)
False
"""
import os
import time
import warnings

__all__ = ['FileBaton']


class FileBaton:
    """A lock that is a file: ``try_acquire`` creates it atomically (only one process succeeds),
    ``wait`` sleeps ``wait_seconds`` at a time until it disappears (warning once after
    ``warn_after_seconds`` when given), ``release`` removes it.

    Example::

        >>> import os, tempfile
        >>> baton = FileBaton(os.path.join(tempfile.mkdtemp(), 'build.lock'))
        >>> if baton.try_acquire():
        ...     try:
        ...         pass  # the work only one process may do
        ...     finally:
        ...         baton.release()
        ... else:
        ...     baton.wait()
    """

    def __init__(self, lock_file_path, wait_seconds=0.1, warn_after_seconds=None):
        self.lock_file_path = lock_file_path
        self.wait_seconds = wait_seconds
        self.warn_after_seconds = warn_after_seconds
        self.fd = None

    def try_acquire(self):
        """Create the lock file; ``True`` if this call created it, ``False`` if it already existed."""
        try:
            # O_EXCL makes creation atomic: of several processes racing, exactly one gets the file
            self.fd = os.open(self.lock_file_path, os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            return False
        return True

    def wait(self):
        """Sleep until the lock file is removed by whoever holds it."""
        started = time.time()
        warned = False
        while os.path.exists(self.lock_file_path):
            time.sleep(self.wait_seconds)
            if (self.warn_after_seconds is not None and not warned
                    and time.time() - started > self.warn_after_seconds):
                warnings.warn(f'Waited on lock file "{self.lock_file_path}" for {self.warn_after_seconds} seconds.',
                              stacklevel=2)
                warned = True

    def release(self):
        """Close and remove the lock file, letting waiting processes go on."""
        if self.fd is not None:
            os.close(self.fd)
        os.remove(self.lock_file_path)
