"""Turn what users log (tensors, arrays, numbers, matplotlib figures) into NumPy arrays and images."""
import numpy as np


def make_np(value):
    """A NumPy array holding ``value``: a Tensor, an array, or a Python/NumPy scalar (as one element)."""
    import ember
    if isinstance(value, np.ndarray):
        return value
    if np.isscalar(value):
        return np.array([value])
    if isinstance(value, ember.Tensor):
        if value.dtype == ember.bfloat16:
            value = value.to(ember.float16)  # as PyTorch's writer: bfloat16 is logged through float16
        return value.detach().cpu().numpy()
    raise NotImplementedError(f"Got {type(value)}, but numpy array or ember tensor are expected.")


def make_grid(images, ncols=8):
    """Tile an N1HW or N3HW array into one 3HW image, ``ncols`` images a row."""
    if not isinstance(images, np.ndarray):
        raise AssertionError("plugin error, should pass numpy array here")
    if images.shape[1] == 1:
        images = np.concatenate([images] * 3, 1)
    if images.ndim != 4 or images.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    n, _, h, w = images.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = np.zeros((3, h * nrows, w * ncols), dtype=images.dtype)
    for i in range(n):  # one slice copy per image
        y, x = divmod(i, ncols)
        canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = images[i]
    return canvas


def convert_to_hwc(array, dataformats):
    """``array`` laid out as ``dataformats`` (e.g. 'CHW', 'NCHW', 'HW') as one HWC image with 3+ channels."""
    if len(set(dataformats)) != len(dataformats):
        raise AssertionError(f"You can not use the same dimension shorthand twice. input_format: {dataformats}")
    if array.ndim != len(dataformats):
        raise AssertionError(f"size of input tensor and input format are different. tensor shape: "
                             f"{array.shape}, input_format: {dataformats}")
    fmt = dataformats.upper()
    if len(fmt) == 4:
        return make_grid(array.transpose([fmt.find(c) for c in 'NCHW'])).transpose(1, 2, 0)
    if len(fmt) == 3:
        hwc = array.transpose([fmt.find(c) for c in 'HWC'])
        return np.concatenate([hwc] * 3, 2) if hwc.shape[2] == 1 else hwc
    hw = array.transpose([fmt.find(c) for c in 'HW'])
    return np.stack([hw] * 3, 2)


def figure_to_image(figures, close=True):
    """Render a matplotlib figure (CHW uint8) or a list of figures (NCHW) to RGB pixels."""
    try:
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_agg import FigureCanvasAgg
    except ImportError as exc:
        raise ImportError("add_figure needs the 'matplotlib' package: pip install matplotlib") from exc

    def render(figure):
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        w, h = figure.canvas.get_width_height()
        rgba = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8).reshape(h, w, 4)
        if close:
            plt.close(figure)
        return np.moveaxis(rgba[:, :, :3], 2, 0)

    if isinstance(figures, list):
        return np.stack([render(f) for f in figures])
    return render(figures)
