"""SummaryWriter: PyTorch's TensorBoard logging API over tensorboard's event file writer."""
import os
import socket
import time
from datetime import datetime

from tensorboard.compat.proto.event_pb2 import Event, SessionLog
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from . import _summary


class _FileWriter:
    """One event file in one directory; stamps each summary with its step and wall time."""

    def __init__(self, log_dir, max_queue, flush_secs, filename_suffix):
        self.writer = EventFileWriter(str(log_dir), max_queue, flush_secs, filename_suffix)

    def add_event(self, event, step=None, walltime=None):
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self.writer.add_event(event)

    def add_summary(self, summary, step=None, walltime=None):
        self.add_event(Event(summary=summary), step, walltime)


class SummaryWriter:
    r"""Write entries to TensorBoard event files in ``log_dir``.

    Needs the ``tensorboard`` package. Files are written asynchronously and flushed every
    ``flush_secs`` seconds, after ``max_queue`` pending entries, and on :meth:`flush`/:meth:`close`.

    Args:
        log_dir (str, optional): directory for the event files. Default:
            ``runs/<month><day>_<hour>-<minute>-<second>_<hostname><comment>``.
        comment (str): suffix of the default ``log_dir``; ignored when ``log_dir`` is given.
        purge_step (int, optional): on resuming a crashed run, TensorBoard discards events
            of this file's directory whose step is at least ``purge_step``.
        max_queue (int): pending entries before a write is forced. Default: 10.
        flush_secs (int): seconds between flushes to disk. Default: 120.
        filename_suffix (str): suffix of the event file names.

    Example::

        >>> with SummaryWriter('runs/demo') as writer:       # doctest: +SKIP
        ...     writer.add_scalar('loss', 0.5, global_step=1)
    """

    def __init__(self, log_dir=None, comment='', purge_step=None, max_queue=10,
                 flush_secs=120, filename_suffix=''):
        if not log_dir:
            stamp = datetime.now().strftime('%b%d_%H-%M-%S')
            log_dir = os.path.join('runs', stamp + '_' + socket.gethostname() + comment)
        self.log_dir = log_dir
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.default_bins = _summary.tensorflow_bins()
        self.file_writer = self.all_writers = None
        self._get_file_writer()

    def _get_file_writer(self):
        # reopened lazily after close(), as PyTorch's writer does
        if self.file_writer is None:
            self.file_writer = _FileWriter(self.log_dir, self.max_queue, self.flush_secs,
                                           self.filename_suffix)
            self.all_writers = {self.file_writer.writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                self.file_writer.add_event(Event(step=self.purge_step, file_version='brain.Event:2'))
                self.file_writer.add_event(Event(step=self.purge_step,
                                                 session_log=SessionLog(status=SessionLog.START)))
                self.purge_step = None
        return self.file_writer

    def get_logdir(self):
        """The directory the event files are written to."""
        return self.log_dir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        """Log one scalar (a number or one-element tensor) under ``tag`` at ``global_step``.

        ``new_style`` stores it as a tensor (faster to load); ``double_precision`` then keeps float64.
        """
        summary = _summary.scalar(tag, scalar_value, new_style, double_precision)
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Log several scalars into one chart: each key gets its own run directory under ``log_dir``."""
        walltime = time.time() if walltime is None else walltime
        logdir = self._get_file_writer().writer.get_logdir()
        for tag, value in tag_scalar_dict.items():
            path = logdir + '/' + main_tag.replace('/', '_') + '_' + tag
            if path not in self.all_writers:
                self.all_writers[path] = _FileWriter(path, self.max_queue, self.flush_secs,
                                                     self.filename_suffix)
            self.all_writers[path].add_summary(_summary.scalar(main_tag, value), global_step,
                                               walltime)

    def add_histogram(self, tag, values, global_step=None, bins='tensorflow', walltime=None,
                      max_bins=None):
        """Log a histogram of ``values``; ``bins`` is ``'tensorflow'`` or anything ``numpy.histogram`` takes."""
        if isinstance(bins, str) and bins == 'tensorflow':
            bins = self.default_bins
        self._get_file_writer().add_summary(_summary.histogram(tag, values, bins, max_bins),
                                            global_step, walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """Log a (markdown) text under ``tag``."""
        self._get_file_writer().add_summary(_summary.text(tag, text_string), global_step, walltime)

    def flush(self):
        """Write every pending entry to disk."""
        for writer in (self.all_writers or {}).values():
            writer.writer.flush()

    def close(self):
        """Flush and close every event file; a later add_* call opens a new one."""
        for writer in (self.all_writers or {}).values():
            writer.writer.flush()
            writer.writer.close()
        self.file_writer = self.all_writers = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()
