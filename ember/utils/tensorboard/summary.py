"""``torch.utils.tensorboard.summary``'s functions: each builds one TensorBoard ``Summary`` protocol
buffer (what ``SummaryWriter.add_*`` writes), for code that writes summaries itself, e.g.
``writer.file_writer.add_summary(hparams(...)[0])``.

Example::

    >>> from ember.utils.tensorboard.summary import scalar
    >>> scalar('loss', ember.tensor(0.5)).value[0].simple_value
    0.5
"""
from . import _hparams, _plugins, _summary
from ._convert import make_np

__all__ = ['hparams', 'scalar', 'histogram_raw', 'histogram', 'text', 'custom_scalars', 'pr_curve', 'pr_curve_raw',
           'audio', 'video']


def hparams(hparam_dict=None, metric_dict=None, hparam_domain_discrete=None):
    """The hparams plugin's three summaries (experiment, session start, session end) for one run.

    Args:
        hparam_dict (dict): hyperparameter names and values (bool, str, int, float or a 0-d tensor).
        metric_dict (dict): metric names and values.
        hparam_domain_discrete (dict, optional): the possible values of some hyperparameters.

    Returns:
        tuple: three ``Summary`` protocol buffers.

    Example::

        >>> exp, start, end = hparams({'lr': 0.1}, {'hparam/loss': 1.0})
        >>> exp.value[0].tag, start.value[0].tag, end.value[0].tag
        ('_hparams_/experiment', '_hparams_/session_start_info', '_hparams_/session_end_info')
    """
    return _hparams.hparams(hparam_dict, metric_dict, hparam_domain_discrete)


def scalar(name, tensor, collections=None, new_style=False, double_precision=False):
    """A summary of one number ``tensor`` (a Python number, array or one-element tensor) under ``name``.

    Args:
        name (str): the tag.
        tensor: the value.
        collections: unused by PyTorch too (a TensorFlow leftover); must be None.
        new_style (bool): store it as a tensor for the scalars plugin.
        double_precision (bool): with ``new_style``, keep it as a double.

    Example::

        >>> scalar('lr', 0.25, new_style=True).value[0].tensor.float_val
        [0.25]
    """
    if collections is not None:
        raise ValueError("scalar(): collections is not supported (it is a TensorFlow argument); pass None")
    return _summary.scalar(name, tensor, new_style, double_precision)


def histogram(name, values, bins, max_bins=None):
    """A histogram of ``values`` with ``bins`` as NumPy takes them (a count, the edges or a method
    name such as ``'auto'``; ``SummaryWriter.add_histogram`` is the one that reads ``'tensorflow'``).

    Example::

        >>> list(histogram('w', ember.arange(4.), bins=2).value[0].histo.bucket)
        [0.0, 2.0, 2.0]
    """
    return _summary.histogram(name, values, bins, max_bins)


def histogram_raw(name, min, max, num, sum, sum_squares, bucket_limits, bucket_counts):
    """A histogram from its statistics and buckets, computed elsewhere.

    Example::

        >>> histogram_raw('h', 0., 2., 3, 3., 5., [1., 2.], [1, 2]).value[0].histo.num
        3.0
    """
    return _plugins.histogram_raw(name, min, max, num, sum, sum_squares, bucket_limits, bucket_counts)


def text(tag, text):
    """A text summary (markdown) for TensorBoard's text plugin.

    Example::

        >>> text('note', 'hello').value[0].tensor.string_val
        [b'hello']
    """
    return _summary.text(tag, text)


def custom_scalars(layout):
    """The custom scalars dashboard's layout: ``{category: {chart: ['Multiline' or 'Margin', tags]}}``.

    Example::

        >>> s = custom_scalars({'train': {'loss': ['Multiline', ['loss/a', 'loss/b']]}})
        >>> s.value[0].tag
        'custom_scalars__config__'
    """
    return _plugins.custom_scalars(layout)


def pr_curve(tag, labels, predictions, num_thresholds=127, weights=None):
    """The precision-recall curve of ``predictions`` (in [0, 1]) against 0/1 ``labels``.

    Example::

        >>> import numpy as np
        >>> from ember.utils.tensorboard.summary import pr_curve
        >>> pr_curve('pr', np.array([0, 1]), np.array([0.2, 0.9]), num_thresholds=3).value[0].tag
        'pr'
    """
    weights = None if weights is None else make_np(weights)
    return _plugins.pr_curve(tag, make_np(labels), make_np(predictions), num_thresholds, weights)


def pr_curve_raw(tag, tp, fp, tn, fn, precision, recall, num_thresholds=127, weights=None):
    """A precision-recall curve from counts computed elsewhere (``weights`` is unused, as in PyTorch).

    Example::

        >>> pr_curve_raw('pr', [2, 1], [1, 0], [0, 1], [0, 1], [0.67, 1.], [1., 0.5], 2).value[0].tag
        'pr'
    """
    return _plugins.pr_curve_raw(tag, tp, fp, tn, fn, precision, recall, num_thresholds)


def audio(tag, tensor, sample_rate=44100):
    """A mono clip (samples in [-1, 1]) encoded as WAV."""
    return _plugins.audio(tag, make_np(tensor), sample_rate)


def video(tag, tensor, fps=4):
    """A (N, T, C, H, W) video batch (floats in [0, 1] or uint8) as one animated GIF (needs Pillow)."""
    return _summary.video(tag, tensor, fps)
