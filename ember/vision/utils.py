"""Image utilities (torchvision.utils): grids of images, saving, and drawing boxes, masks, keypoints, flow.

Drawing goes through Pillow (optional extra ``vision``), as in torchvision, so the pixels are the
same; images are ``[C, H, W]`` tensors, uint8 or floating point in [0, 1].
"""
import math
import warnings

import numpy as np

import ember
from ember.vision._pil import pil_image

__all__ = ["make_grid", "save_image", "draw_bounding_boxes", "draw_segmentation_masks", "draw_keypoints",
           "flow_to_image"]


def _pil_module(name):
    pil_image()  # the clear error when Pillow is missing
    import importlib
    return importlib.import_module(f"PIL.{name}")


@ember.no_grad()
def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """Tile a batch ``[B, C, H, W]`` (or a list of ``[C, H, W]``) into one ``[C, H', W']`` image.

    Args:
        nrow: images per row of the grid.
        padding: pixels between images and around the grid, filled with ``pad_value``.
        normalize: rescale to [0, 1] by ``value_range`` (min, max), or by the data's own min and max.
        scale_each: with ``normalize``, rescale every image by its own min and max.

    One-channel images are repeated to three channels; a single image is returned without padding.

    >>> make_grid(ember.zeros(5, 3, 4, 4), nrow=2).shape
    ember.Size([3, 20, 14])
    """
    if not isinstance(tensor, ember.Tensor):
        if isinstance(tensor, list):
            for t in tensor:
                if not isinstance(t, ember.Tensor):
                    raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        else:
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if isinstance(tensor, list):
        tensor = ember.stack(tensor, dim=0)
    if tensor.dim() == 2:
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 3:
        if tensor.size(0) == 1:
            tensor = ember.cat((tensor, tensor, tensor), 0)
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 4 and tensor.size(1) == 1:
        tensor = ember.cat((tensor, tensor, tensor), 1)
    if normalize is True:
        tensor = tensor.clone()
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")
        for t in (tensor if scale_each is True else [tensor]):
            low, high = value_range if value_range is not None else (float(t.min()), float(t.max()))
            t.clamp_(min=low, max=high)
            t.sub_(low).div_(max(high - low, 1e-5))
    if tensor.size(0) == 1:
        return tensor.squeeze(0)
    nmaps = tensor.size(0)
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(tensor.size(2) + padding), int(tensor.size(3) + padding)
    grid = tensor.new_full((tensor.size(1), height * ymaps + padding, width * xmaps + padding), pad_value)
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        grid[:, y * height + padding:(y + 1) * height, x * width + padding:(x + 1) * width] = tensor[k]
    return grid


@ember.no_grad()
def save_image(tensor, fp, format=None, **kwargs):
    """Save a tensor (or a batch, tiled by :func:`make_grid` with ``**kwargs``) as an image file via Pillow.

    Values in [0, 1] map to 0..255 (rounded); ``format`` overrides the one the file name implies.
    """
    grid = make_grid(tensor, **kwargs)
    ndarr = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to("cpu", ember.uint8).numpy()
    pil_image().fromarray(ndarr).save(fp, format=format)


def _generate_color_palette(num_objects):
    palette = np.array([2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1])
    return [tuple(int(v) for v in i * palette % 255) for i in range(num_objects)]


def _parse_colors(colors, *, num_objects, floating=False):
    """One RGB tuple per object from None (a fixed palette), one colour, or a list of colours."""
    if colors is None:
        colors = _generate_color_palette(num_objects)
    elif isinstance(colors, list):
        if len(colors) < num_objects:
            raise ValueError("Number of colors must be equal or larger than the number of objects, but got "
                             f"{len(colors)} < {num_objects}.")
    elif not isinstance(colors, (tuple, str)):
        raise ValueError(f"colors must be a tuple or a string, or a list thereof, but got {colors}.")
    elif isinstance(colors, tuple) and len(colors) != 3:
        raise ValueError(f"If passed as tuple, colors should be an RGB triplet, but got {colors}.")
    else:
        colors = [colors] * num_objects
    image_color = _pil_module("ImageColor")
    colors = [image_color.getrgb(c) if isinstance(c, str) else tuple(c) for c in colors]
    if floating:
        colors = [tuple(v / 255 for v in c) for c in colors]
    return colors


def _to_uint8(image):
    # NOTE: torchvision's float -> uint8 scaling: multiply by 256 - 1e-3 and truncate
    return image.mul(255 + 1.0 - 1e-3).to(ember.uint8)


def _from_uint8(image, dtype):
    return image.to(dtype).mul_(1.0 / 255)


def _check_image(image, rgb_only, name="The image"):
    if not isinstance(image, ember.Tensor):
        raise TypeError(f"{name} must be a tensor, got {type(image)}" if rgb_only else f"Tensor expected, got {type(image)}")
    if not (image.dtype == ember.uint8 or image.is_floating_point()):
        raise ValueError(f"The image dtype must be uint8 or float, got {image.dtype}")
    if image.dim() != 3:
        raise ValueError("Pass individual images, not batches")
    if rgb_only and image.size(0) != 3:
        raise ValueError("Pass an RGB image. Other Image formats are not supported")


def _dashed_line(draw, start, end, fill, width, dash=5, space=5):
    (x1, y1), (x2, y2) = start, end
    remaining = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    drawing = True
    while remaining > 0:
        step = min(remaining, dash if drawing else space)
        # the direction is taken afresh from each dash's start, as torchvision does: the rounding of the dashes'
        # ends then lands on the same pixels
        angle = math.atan2(y2 - y1, x2 - x1)
        nx, ny = x1 + math.cos(angle) * step, y1 + math.sin(angle) * step
        if drawing:
            draw.line([(x1, y1), (nx, ny)], fill, width)
        remaining -= step
        x1, y1 = nx, ny
        drawing = not drawing


def _oriented_rectangle(draw, xy, fill, outline, width):
    # NOTE: rotated boxes (8 corner coordinates): the first edge dashed, to show the box's orientation
    _dashed_line(draw, (xy[0], xy[1]), (xy[2], xy[3]), outline, width)
    for i in range(2, len(xy), 2):
        draw.line(((xy[i], xy[i + 1]), (xy[(i + 2) % len(xy)], xy[(i + 3) % len(xy)])), width=width, fill=outline)
    draw.polygon(xy, fill=fill, outline=None, width=0)


@ember.no_grad()
def draw_bounding_boxes(image, boxes, labels=None, colors=None, fill=False, width=1, font=None, font_size=None,
                        label_colors=None, label_background_colors=None, fill_labels=False):
    """Draw ``boxes`` (``[N, 4]`` xyxy, or ``[N, 8]`` corners of rotated boxes) on a ``[C, H, W]`` image.

    Args:
        labels: one string per box, written inside its top-left corner.
        colors / label_colors / label_background_colors: one colour (name or RGB tuple) or a list.
        fill: fill the boxes with their colour at alpha 100/255.
        width: line width; font / font_size: a TrueType font file and its size (default: Pillow's).
        fill_labels: put each label on a filled background.
    Returns the image with the drawing, same dtype (float images are drawn in uint8 and scaled back).
    """
    _check_image(image, rgb_only=False)
    if image.size(0) not in {1, 3}:
        raise ValueError("Only grayscale and RGB images are supported")
    if boxes.shape[-1] == 4 and ((boxes[:, 0] > boxes[:, 2]).any() or (boxes[:, 1] > boxes[:, 3]).any()):
        raise ValueError("Boxes need to be in (xmin, ymin, xmax, ymax) format. Use ember.vision.ops.box_convert to "
                         "convert them")
    num_boxes = boxes.shape[0]
    if num_boxes == 0:
        warnings.warn("boxes doesn't contain any box. No box was drawn")
        return image
    if labels is None:
        labels = [None] * num_boxes
    elif len(labels) != num_boxes:
        raise ValueError(f"Number of boxes ({num_boxes}) and labels ({len(labels)}) mismatch. Please specify labels "
                         "for each box.")
    colors = _parse_colors(colors, num_objects=num_boxes)
    if label_colors or fill_labels:
        label_colors = _parse_colors(label_colors if label_colors else "black", num_objects=num_boxes)
    else:
        label_colors = list(colors)
    if fill_labels and label_background_colors:
        label_background_colors = _parse_colors(label_background_colors, num_objects=num_boxes)
    else:
        label_background_colors = list(colors)
    image_font = _pil_module("ImageFont")
    if font is None:
        if font_size is not None:
            warnings.warn("Argument 'font_size' will be ignored since 'font' is not set.")
        txt_font = image_font.load_default()
    else:
        txt_font = image_font.truetype(font=font, size=font_size or 10)
    if image.size(0) == 1:
        image = ember.tile(image, (3, 1, 1))
    original_dtype = image.dtype
    if original_dtype.is_floating_point:
        image = _to_uint8(image)
    canvas = pil_image().fromarray(image.permute(1, 2, 0).cpu().numpy())
    draw = _pil_module("ImageDraw").Draw(canvas, "RGBA" if fill else None)
    for bbox, color, label, label_color, label_bg in zip(boxes.to(ember.int64).tolist(), colors, labels,
                                                         label_colors, label_background_colors):
        fill_color = color + (100,) if fill else None
        if len(bbox) > 4:
            _oriented_rectangle(draw, bbox, fill=fill_color, outline=color, width=width)
        else:
            draw.rectangle(bbox, width=width, outline=color, fill=fill_color)
        if label is not None:
            margin = width + 1
            if fill_labels:
                left, top, right, bottom = draw.textbbox((bbox[0] + margin, bbox[1] + margin), label, font=txt_font)
                draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=label_bg)
            draw.text((bbox[0] + margin, bbox[1] + margin), label, fill=label_color, font=txt_font)
    out = ember.from_numpy(np.array(canvas)).permute(2, 0, 1).contiguous()
    return _from_uint8(out, original_dtype) if original_dtype.is_floating_point else out


@ember.no_grad()
def draw_segmentation_masks(image, masks, alpha=0.8, colors=None):
    """Blend boolean ``masks`` (``[N, H, W]`` or ``[H, W]``) over an RGB image with opacity ``alpha``.

    Pixels covered by more than one mask are blended with black.
    """
    _check_image(image, rgb_only=True)
    if masks.ndim == 2:
        masks = masks[None, :, :]
    if masks.ndim != 3:
        raise ValueError("masks must be of shape (H, W) or (batch_size, H, W)")
    if masks.dtype != ember.bool:
        raise ValueError(f"The masks must be of dtype bool. Got {masks.dtype}")
    if masks.shape[-2:] != image.shape[-2:]:
        raise ValueError("The image and the masks must have the same height and width")
    num_masks = masks.size()[0]
    if num_masks == 0:
        warnings.warn("masks doesn't contain any mask. No mask was drawn")
        return image
    original_dtype = image.dtype
    colors = _parse_colors(colors, num_objects=num_masks, floating=original_dtype.is_floating_point)
    painted = image.detach().clone()
    for mask, color in zip(masks, colors):
        painted[:, mask] = ember.tensor(color, dtype=original_dtype, device=image.device)[:, None]
    painted[:, masks.sum(dim=0) > 1] = 0
    return (image * (1 - alpha) + painted * alpha).to(original_dtype)


@ember.no_grad()
def draw_keypoints(image, keypoints, connectivity=None, colors=None, radius=2, width=3, visibility=None):
    """Draw keypoints ``[num_instances, K, 2]`` as filled circles, and the ``connectivity`` pairs as lines.

    ``visibility`` (``[num_instances, K]`` bool) hides keypoints, and the lines that touch them.
    """
    _check_image(image, rgb_only=True)
    if keypoints.ndim != 3:
        raise ValueError("keypoints must be of shape (num_instances, K, 2)")
    if visibility is None:
        visibility = ember.ones(keypoints.shape[:-1], dtype=ember.bool)
    if visibility.ndim == 3:
        visibility = visibility.squeeze(-1)
    if visibility.ndim != 2:
        raise ValueError(f"visibility must be of shape (num_instances, K). Got ndim={visibility.ndim}")
    if visibility.shape != keypoints.shape[:-1]:
        raise ValueError("keypoints and visibility must have the same dimensionality for num_instances and K. "
                         f"Got visibility.shape={visibility.shape!r} and keypoints.shape={keypoints.shape!r}")
    original_dtype = image.dtype
    if original_dtype.is_floating_point:
        image = _to_uint8(image)
    canvas = pil_image().fromarray(image.permute(1, 2, 0).cpu().numpy())
    draw = _pil_module("ImageDraw").Draw(canvas)
    for points, visible in zip(keypoints.to(ember.int64).tolist(), visibility.cpu().bool().tolist()):
        for (x, y), shown in zip(points, visible):
            if shown:
                draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colors, outline=None, width=0)
        for a, b in connectivity or ():
            if visible[a] and visible[b]:
                draw.line(((points[a][0], points[a][1]), (points[b][0], points[b][1])), width=width)
    out = ember.from_numpy(np.array(canvas)).permute(2, 0, 1)
    return _from_uint8(out, original_dtype) if original_dtype.is_floating_point else out


def _make_colorwheel():
    """The optical-flow colour wheel of Baker et al. (Middlebury): 55 hues, red-yellow-green-cyan-blue-magenta."""
    segments = [(15, 0, 1), (6, 1, 0), (4, 1, 2), (11, 2, 1), (13, 2, 0), (6, 0, 2)]
    wheel = np.zeros((sum(s[0] for s in segments), 3), dtype=np.float32)
    row = 0
    for i, (n, full, moving) in enumerate(segments):
        ramp = np.floor(255 * np.arange(n, dtype=np.float32) / n)
        wheel[row:row + n, full] = 255
        # NOTE: even segments ramp the next channel up, odd ones ramp the previous one down
        wheel[row:row + n, moving] = ramp if i % 2 == 0 else 255 - ramp
        row += n
    return wheel


@ember.no_grad()
def flow_to_image(flow):
    """Colour-code optical flow ``[2, H, W]`` or ``[N, 2, H, W]`` (float32) as uint8 RGB: hue is the direction,
    saturation the magnitude relative to the largest in the input.
    """
    if flow.dtype != ember.float32:
        raise ValueError(f"Flow should be of dtype ember.float, got {flow.dtype}.")
    orig_shape = flow.shape
    if flow.ndim == 3:
        flow = flow[None]
    if flow.ndim != 4 or flow.shape[1] != 2:
        raise ValueError(f"Input flow should have shape (2, H, W) or (N, 2, H, W), got {orig_shape}.")
    f = flow.cpu().numpy()
    max_norm = np.sqrt(np.sum(f ** 2, axis=1, dtype=np.float32)).max()
    normalized = f / (max_norm + np.finfo(np.float32).eps)
    wheel = _make_colorwheel()
    num_cols = wheel.shape[0]
    norm = np.sqrt(np.sum(normalized ** 2, axis=1, dtype=np.float32))
    angle = np.arctan2(-normalized[:, 1], -normalized[:, 0]) / np.float32(math.pi)
    fk = (angle + 1) / 2 * (num_cols - 1)
    k0 = np.floor(fk).astype(np.int64)
    k1 = np.where(k0 + 1 == num_cols, 0, k0 + 1)
    frac = fk - k0
    channels = []
    for c in range(3):
        col = (1 - frac) * (wheel[k0, c] / 255.0) + frac * (wheel[k1, c] / 255.0)
        channels.append(np.floor(255 * (1 - norm * (1 - col))))
    image = np.stack(channels, axis=1).astype(np.uint8)
    out = ember.from_numpy(image[0] if len(orig_shape) == 3 else image)
    return out.to(flow.device)
