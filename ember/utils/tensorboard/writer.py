"""SummaryWriter: PyTorch's TensorBoard logging API over tensorboard's event file writer."""
import os
import socket
import time
from datetime import datetime

from google.protobuf import text_format
from tensorboard.compat.proto.event_pb2 import Event, SessionLog, TaggedRunMetadata
from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from . import _embedding, _plugins, _summary
from ._convert import figure_to_image, make_np
from ._hparams import hparams


class FileWriter:
    """Writes events to one event file in ``log_dir``, stamping each with its step and wall time.

    :class:`SummaryWriter` keeps one per directory it writes to (``writer.file_writer`` is the main one).

    Args:
        log_dir (str): directory of the event file.
        max_queue (int): pending events before a write is forced. Default: 10.
        flush_secs (int): seconds between flushes to disk. Default: 120.
        filename_suffix (str): suffix of the event file's name.
    """

    def __init__(self, log_dir, max_queue=10, flush_secs=120, filename_suffix=''):
        self.event_writer = EventFileWriter(str(log_dir), max_queue, flush_secs, filename_suffix)

    def get_logdir(self):
        """The directory the event file is written to."""
        return self.event_writer.get_logdir()

    def add_event(self, event, step=None, walltime=None):
        """Write an ``Event`` protocol buffer, stamped with ``walltime`` (default: now) and ``step``."""
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self.event_writer.add_event(event)

    def add_summary(self, summary, global_step=None, walltime=None):
        """Write a ``Summary`` protocol buffer as one event."""
        self.add_event(Event(summary=summary), global_step, walltime)

    def add_graph(self, graph_profile, walltime=None):
        """Write a ``(GraphDef, RunMetadata)`` pair: the graph TensorBoard's graph tab draws and its
        device statistics."""
        graph_def, stats = graph_profile
        self.add_event(Event(graph_def=graph_def.SerializeToString()), None, walltime)
        self.add_event(Event(tagged_run_metadata=TaggedRunMetadata(tag='step1', run_metadata=stats.SerializeToString())),
                       None, walltime)

    def add_onnx_graph(self, graph, walltime=None):
        """Write a ``GraphDef`` protocol buffer (the graph of an ONNX model) as one event."""
        self.add_event(Event(graph_def=graph.SerializeToString()), None, walltime)

    def flush(self):
        """Write the pending events to disk."""
        self.event_writer.flush()

    def close(self):
        """Flush and close the event file."""
        self.event_writer.close()

    def reopen(self):
        """Open the (closed) writer again; events go to a new file in the same directory."""
        self.event_writer.reopen()


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
            self.file_writer = FileWriter(self.log_dir, self.max_queue, self.flush_secs,
                                          self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
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
        logdir = self._get_file_writer().get_logdir()
        for tag, value in tag_scalar_dict.items():
            path = logdir + '/' + main_tag.replace('/', '_') + '_' + tag
            if path not in self.all_writers:
                self.all_writers[path] = FileWriter(path, self.max_queue, self.flush_secs,
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

    def add_tensor(self, tag, tensor, global_step=None, walltime=None):
        """Log a whole tensor (any shape; floating, integer, complex or bool) for the tensor plugin."""
        self._get_file_writer().add_summary(_plugins.tensor(tag, tensor), global_step, walltime)

    def add_histogram_raw(self, tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts,
                          global_step=None, walltime=None):
        """Log a histogram from precomputed statistics: ``bucket_limits`` are the right edges of the
        buckets holding ``bucket_counts`` values (equal lengths)."""
        if len(bucket_limits) != len(bucket_counts):
            raise ValueError("len(bucket_limits) != len(bucket_counts), see the document.")
        self._get_file_writer().add_summary(
            _plugins.histogram_raw(tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts),
            global_step, walltime)

    def add_audio(self, tag, snd_tensor, global_step=None, sample_rate=44100, walltime=None):
        """Log a mono audio clip: a 1-D tensor of samples in [-1, 1] (louder values are clipped)."""
        self._get_file_writer().add_summary(_plugins.audio(tag, snd_tensor, sample_rate), global_step, walltime)

    def add_pr_curve(self, tag, labels, predictions, global_step=None, num_thresholds=127, weights=None,
                     walltime=None):
        """Log the precision-recall curve of ``predictions`` (probabilities in [0, 1]) against the 0/1
        ``labels``, at ``num_thresholds`` thresholds (at most 127)."""
        labels, predictions = make_np(labels), make_np(predictions)
        self._get_file_writer().add_summary(_plugins.pr_curve(tag, labels, predictions, num_thresholds, weights),
                                            global_step, walltime)

    def add_pr_curve_raw(self, tag, true_positive_counts, false_positive_counts, true_negative_counts,
                         false_negative_counts, precision, recall, global_step=None, num_thresholds=127,
                         weights=None, walltime=None):
        """Log a precision-recall curve from counts precomputed at each threshold. ``weights`` is
        accepted as in PyTorch's signature; the counts already include any weighting."""
        self._get_file_writer().add_summary(
            _plugins.pr_curve_raw(tag, true_positive_counts, false_positive_counts, true_negative_counts,
                                  false_negative_counts, precision, recall, num_thresholds),
            global_step, walltime)

    def add_custom_scalars(self, layout):
        """Lay out the custom scalars dashboard: ``{category: {chart title: ['Multiline', [tags]] or
        ['Margin', [value, lower, upper]]}}``."""
        self._get_file_writer().add_summary(_plugins.custom_scalars(layout))

    def add_custom_scalars_multilinechart(self, tags, category='default', title='untitled'):
        """One custom-scalars chart drawing the scalars ``tags`` together."""
        self.add_custom_scalars({category: {title: ['Multiline', tags]}})

    def add_custom_scalars_marginchart(self, tags, category='default', title='untitled'):
        """One custom-scalars chart of a value and its band: ``tags`` is ``[value, lower, upper]``."""
        if len(tags) != 3:
            raise AssertionError(f"Expected 3 tags, got {len(tags)}.")
        self.add_custom_scalars({category: {title: ['Margin', tags]}})

    def add_mesh(self, tag, vertices, colors=None, faces=None, config_dict=None, global_step=None, walltime=None):
        """Log a 3D mesh or point cloud: ``vertices`` (B, N, 3) floats, ``colors`` (B, N, 3) uint8,
        ``faces`` (B, F, 3) vertex indices; ``config_dict`` holds three.js display settings."""
        self._get_file_writer().add_summary(_plugins.mesh(tag, vertices, colors, faces, config_dict),
                                            global_step, walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats='CHW'):
        """Log one image (needs Pillow).

        Args:
            tag (str): the image's name.
            img_tensor (Tensor or numpy.ndarray): floats in [0, 1] or uint8 in [0, 255], laid out as
                ``dataformats`` says: ``'CHW'`` (default), ``'HWC'`` or ``'HW'``; 1, 3 or 4 channels.
            global_step (int, optional): the step to record.
            walltime (float, optional): seconds since the epoch. Default: now.
            dataformats (str): the layout of ``img_tensor``.
        """
        self._get_file_writer().add_summary(_summary.image(tag, img_tensor, dataformats), global_step,
                                            walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats='NCHW'):
        """Log a batch of images as one grid of 8 a row (needs Pillow); ``dataformats`` is ``'NCHW'``
        (default) or ``'NHWC'``, with 1 or 3 channels. The other arguments are :meth:`add_image`'s."""
        self._get_file_writer().add_summary(_summary.image(tag, img_tensor, dataformats), global_step,
                                            walltime)

    def add_image_with_boxes(self, tag, img_tensor, box_tensor, global_step=None, walltime=None, rescale=1,
                             dataformats='CHW', labels=None):
        """Log one image with bounding boxes drawn on it (needs Pillow).

        Args:
            tag (str): the image's name.
            img_tensor (Tensor or numpy.ndarray): the image, as for :meth:`add_image`.
            box_tensor (Tensor or numpy.ndarray): ``(N, 4)`` boxes, each ``(xmin, ymin, xmax, ymax)`` in pixels.
            global_step (int, optional): the step to record.
            walltime (float, optional): seconds since the epoch. Default: now.
            rescale (float): scale the drawn image by this factor. Default: 1.
            dataformats (str): the layout of ``img_tensor``. Default: ``'CHW'``.
            labels (str or list of str, optional): one label per box; a list of another length is dropped, as in
                PyTorch.
        """
        if labels is not None:
            labels = [labels] if isinstance(labels, str) else labels
            if len(labels) != box_tensor.shape[0]:
                labels = None
        self._get_file_writer().add_summary(
            _summary.image_boxes(tag, img_tensor, box_tensor, rescale=rescale, dataformats=dataformats,
                                 labels=labels), global_step, walltime)

    def add_video(self, tag, vid_tensor, global_step=None, fps=4, walltime=None):
        """Log videos as one animated GIF (needs Pillow): ``vid_tensor`` is ``(N, T, C, H, W)``, floats in
        [0, 1] or uint8, C being 1 or 3; the N videos play side by side in a grid, ``fps`` frames a second.

        Example::

            >>> writer = SummaryWriter()                      # doctest: +SKIP
            >>> writer.add_video('rollout', ember.rand(2, 16, 3, 32, 32), fps=8)   # doctest: +SKIP
        """
        self._get_file_writer().add_summary(_summary.video(tag, vid_tensor, fps), global_step, walltime)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        """Log a matplotlib figure (or a list of them, as a grid) as an image; ``close`` closes it after."""
        pixels = figure_to_image(figure, close)
        self.add_image(tag, pixels, global_step, walltime,
                       dataformats='NCHW' if isinstance(figure, list) else 'CHW')

    def add_onnx_graph(self, prototxt):
        """Draw the graph of the ONNX model saved at ``prototxt`` (a path) in TensorBoard's graph tab (needs the
        ``onnx`` package); each node's name is printed as it is read, as PyTorch's writer prints them."""
        from ember.utils.tensorboard._onnx_graph import load_onnx_graph
        self._get_file_writer().add_onnx_graph(load_onnx_graph(prototxt))

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """Log the graph of ``model`` run once on ``input_to_model``, for TensorBoard's graph tab.

        The model runs in eval mode (and is put back after); every ember op it calls becomes a node,
        grouped by the module that called it (``Sequential/Linear[0]``).

        Args:
            model (nn.Module): the model.
            input_to_model (Tensor or tuple of Tensors): example input.
            verbose (bool): print the captured graph.
            use_strict_trace (bool): accepted for compatibility: ember's capture records every
                op whatever containers the model returns.
        """
        from ._graph import graph
        self._get_file_writer().add_graph(graph(model, input_to_model, verbose))

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None,
                    global_step=None):
        """Log one training run's hyperparameters and final metrics for TensorBoard's HParams tab.

        They go to the sub-directory ``run_name`` of ``log_dir`` (default: the current time),
        with each metric also logged as a scalar there.

        Args:
            hparam_dict (dict): hyperparameter names and values (bool, str, int, float, a
                one-element tensor, or None to leave one out).
            metric_dict (dict): metric names and values.
            hparam_domain_discrete (dict, optional): for some hyperparameters, the list of
                every value they can take.
            run_name (str, optional): the sub-directory's name.
            global_step (int, optional): the step to record.
        """
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        experiment, start, end = hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        run_name = run_name or str(time.time())
        with SummaryWriter(log_dir=os.path.join(self._get_file_writer().get_logdir(), run_name)) as run:
            for summary in (experiment, start, end):
                run.file_writer.add_summary(summary, global_step)
            for k, v in metric_dict.items():
                run.add_scalar(k, v, global_step)

    def add_embedding(self, mat, metadata=None, label_img=None, global_step=None, tag='default',
                      metadata_header=None):
        """Save vectors for TensorBoard's projector (under ``<step>/<tag>/`` of ``log_dir``).

        Args:
            mat (Tensor or numpy.ndarray): one vector a row, shape ``(N, D)``.
            metadata (list, optional): N labels (or N rows of columns, with ``metadata_header``).
            label_img (Tensor, optional): N thumbnails, ``(N, C, H, W)`` floats in [0, 1] (needs Pillow).
            global_step (int, optional): the step to record. Default: 0.
            tag (str): the embedding's name. Default: ``'default'``.
            metadata_header (list, optional): column names of ``metadata``.
        """
        mat = make_np(mat)
        # checked before anything is written, in PyTorch's order
        if metadata is not None and mat.shape[0] != len(metadata):
            raise AssertionError("#labels should equal with #data points")
        if label_img is not None and mat.shape[0] != label_img.shape[0]:
            raise AssertionError("#images should equal with #data points")
        if mat.ndim != 2:
            raise AssertionError("mat should be 2D, where mat.size(0) is the number of data points")
        global_step = 0 if global_step is None else global_step
        subdir = f"{str(global_step).zfill(5)}/{_encode(tag)}"
        save_path = os.path.join(self._get_file_writer().get_logdir(), subdir)
        if os.path.exists(save_path):
            if not os.path.isdir(save_path):
                raise NotADirectoryError(f"Path: `{save_path}` exists, but is a file. Cannot proceed.")
            print("warning: Embedding dir exists, did you set global_step for add_embedding()?")
        else:
            os.makedirs(save_path)
        if metadata is not None:
            _embedding.write_tsv(metadata, save_path, metadata_header)
        if label_img is not None:
            _embedding.write_sprite(label_img, save_path)
        _embedding.write_matrix(mat, save_path)
        # the projector reads one config for the whole directory: rewrite it with every embedding so far
        if not hasattr(self, '_projector_config'):
            self._projector_config = ProjectorConfig()
        self._projector_config.embeddings.extend(
            [_embedding.embedding_info(metadata, label_img, subdir, global_step, tag)])
        with open(os.path.join(self._get_file_writer().get_logdir(), 'projector_config.pbtxt'), 'wb') as f:
            f.write(text_format.MessageToString(self._projector_config).encode('utf-8'))

    def flush(self):
        """Write every pending entry to disk."""
        for writer in (self.all_writers or {}).values():
            writer.flush()

    def close(self):
        """Flush and close every event file; a later add_* call opens a new one."""
        for writer in (self.all_writers or {}).values():
            writer.flush()
            writer.close()
        self.file_writer = self.all_writers = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()


def _encode(tag):
    """``tag`` made safe as one directory name (``%``, ``/`` and backslash percent-encoded)."""
    return tag.replace('%', '%25').replace('/', '%2f').replace('\\', '%5c')
