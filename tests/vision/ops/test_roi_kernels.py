"""RoI operators and NMS against loop-by-loop transcriptions of torchvision's CPU kernels, plus gradchecks.

The transcriptions are deliberately naive (one Python loop per box, bin, sample and pixel), so that
what they compute is plain to read; ember's operators are vectorised.
"""
import math

import numpy as np
import pytest

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.vision import ops


def _bilinear(plane, y, x):
    h, w = plane.shape
    if y < -1.0 or y > h or x < -1.0 or x > w:
        return 0.0
    y, x = max(y, 0.0), max(x, 0.0)
    y_low, x_low = int(y), int(x)
    if y_low >= h - 1:
        y_high = y_low = h - 1
        y = float(y_low)
    else:
        y_high = y_low + 1
    if x_low >= w - 1:
        x_high = x_low = w - 1
        x = float(x_low)
    else:
        x_high = x_low + 1
    ly, lx = y - y_low, x - x_low
    hy, hx = 1 - ly, 1 - lx
    return (hy * hx * plane[y_low, x_low] + hy * lx * plane[y_low, x_high] + ly * hx * plane[y_high, x_low]
            + ly * lx * plane[y_high, x_high])


def _align_bin(plane, start_h, start_w, bin_h, bin_w, ph, pw, grid_h, grid_w):
    total = 0.0
    for iy in range(grid_h):
        y = start_h + ph * bin_h + (iy + 0.5) * bin_h / grid_h
        for ix in range(grid_w):
            total += _bilinear(plane, y, start_w + pw * bin_w + (ix + 0.5) * bin_w / grid_w)
    return total / max(grid_h * grid_w, 1)


def reference_roi_align(x, rois, pooled, scale, ratio, aligned, position_sensitive=False):
    n_out = x.shape[1] // (pooled[0] * pooled[1]) if position_sensitive else x.shape[1]
    out = np.zeros((len(rois), n_out) + pooled)
    for k, (b, x1, y1, x2, y2) in enumerate(rois):
        offset = 0.5 if aligned else 0.0
        sw, sh = x1 * scale - offset, y1 * scale - offset
        rw, rh = x2 * scale - offset - sw, y2 * scale - offset - sh
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / pooled[0], rw / pooled[1]
        gh = ratio if ratio > 0 else math.ceil(rh / pooled[0])
        gw = ratio if ratio > 0 else math.ceil(rw / pooled[1])
        for c in range(n_out):
            for ph in range(pooled[0]):
                for pw in range(pooled[1]):
                    channel = (c * pooled[0] + ph) * pooled[1] + pw if position_sensitive else c
                    out[k, c, ph, pw] = _align_bin(x[int(b), channel], sh, sw, bh, bw, ph, pw, gh, gw)
    return out


def _c_round(v):
    return int(math.floor(abs(v) + 0.5)) * (1 if v >= 0 else -1)


def reference_roi_pool(x, rois, pooled, scale, position_sensitive=False):
    _, channels, h, w = x.shape
    n_out = channels // (pooled[0] * pooled[1]) if position_sensitive else channels
    out = np.zeros((len(rois), n_out) + pooled)
    for k, (b, x1, y1, x2, y2) in enumerate(rois):
        sw, sh, ew, eh = (_c_round(v * scale) for v in (x1, y1, x2, y2))
        extra = 0 if position_sensitive else 1
        bh, bw = max(eh - sh + extra, 1) / pooled[0], max(ew - sw + extra, 1) / pooled[1]
        limit_h, limit_w = (h - 1, w - 1) if position_sensitive else (h, w)
        for ph in range(pooled[0]):
            for pw in range(pooled[1]):
                hs = min(max(math.floor(ph * bh) + sh, 0), limit_h)
                he = min(max(math.ceil((ph + 1) * bh) + sh, 0), limit_h)
                ws = min(max(math.floor(pw * bw) + sw, 0), limit_w)
                we = min(max(math.ceil((pw + 1) * bw) + sw, 0), limit_w)
                if he <= hs or we <= ws:
                    continue
                for c in range(n_out):
                    if position_sensitive:
                        region = x[int(b), (c * pooled[0] + ph) * pooled[1] + pw, hs:he, ws:we]
                        out[k, c, ph, pw] = region.mean()
                    else:
                        out[k, c, ph, pw] = x[int(b), c, hs:he, ws:we].max()
    return out


def _rois(rng, n, size, batch):
    xy = rng.uniform(-3, size, (n, 2))
    boxes = np.concatenate([rng.integers(0, batch, (n, 1)), xy, xy + rng.uniform(0.1, size, (n, 2))], 1)
    boxes[0, 1:] = [-6, -5, size + 5, size + 7]  # samples fall outside the map on every side
    boxes[1, 1:] = [2.2, 2.1, 2.3, 2.15]  # far below one pixel
    return boxes


@pytest.mark.parametrize("pooled,scale,ratio,aligned", [((2, 3), 1.0, 2, False), ((3, 3), 0.5, -1, True),
                                                        ((2, 2), 1.0, 0, False), ((1, 2), 2.0, 1, True)])
def test_roi_align_matches_the_kernel_everywhere(pooled, scale, ratio, aligned):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 2, 6, 7))
    rois = _rois(rng, 6, 7 / scale, 2)
    got = ops.roi_align(ember.tensor(x), ember.tensor(rois), pooled, scale, ratio, aligned)
    np.testing.assert_allclose(got.numpy(), reference_roi_align(x, rois, pooled, scale, ratio, aligned), atol=1e-12)


@pytest.mark.parametrize("pooled,scale,ratio", [((2, 2), 1.0, 2), ((3, 2), 0.5, -1)])
def test_ps_roi_align_matches_the_kernel(pooled, scale, ratio):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 2 * pooled[0] * pooled[1], 6, 7))
    rois = _rois(rng, 5, 7 / scale, 2)
    rois[1, 1:] += [0, 0, 1.5, 1.5]  # a zero-sample box divides 0 by 0 in the kernel
    got = ops.ps_roi_align(ember.tensor(x), ember.tensor(rois), pooled, scale, ratio)
    expected = reference_roi_align(x, rois, pooled, scale, ratio, True, position_sensitive=True)
    np.testing.assert_allclose(got.numpy(), expected, atol=1e-12)
    assert got.shape == (5, 2) + pooled


@pytest.mark.parametrize("pooled,scale", [((2, 3), 1.0), ((3, 3), 0.5), ((1, 1), 2.0)])
def test_roi_pool_matches_the_kernel(pooled, scale):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 6, 7))
    rois = _rois(rng, 6, 7 / scale, 2)
    rois[2, 1:] = [20, 20, 30, 30]  # entirely outside: empty bins give 0
    got = ops.roi_pool(ember.tensor(x), ember.tensor(rois), pooled, scale)
    np.testing.assert_allclose(got.numpy(), reference_roi_pool(x, rois, pooled, scale), atol=1e-12)
    assert (got.numpy()[2] == 0).all()


@pytest.mark.parametrize("pooled,scale", [((2, 2), 1.0), ((3, 2), 0.5)])
def test_ps_roi_pool_matches_the_kernel(pooled, scale):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 2 * pooled[0] * pooled[1], 6, 7))
    rois = _rois(rng, 5, 7 / scale, 2)
    got = ops.ps_roi_pool(ember.tensor(x), ember.tensor(rois), pooled, scale)
    expected = reference_roi_pool(x, rois, pooled, scale, position_sensitive=True)
    np.testing.assert_allclose(got.numpy(), expected, atol=1e-12)


_ROIS = [[1, 0.5, 0.3, 3.2, 2.9], [0, 1.1, 0.2, 3.5, 2.4], [1, -1.0, 1.0, 2.0, 5.0]]


@pytest.mark.parametrize("fn", [lambda t, r: ops.roi_align(t, r, (2, 2), 1.0, 2, False),
                                lambda t, r: ops.roi_align(t, r, 2, 0.8, -1, True),
                                lambda t, r: ops.ps_roi_align(t, r, (2, 2), 1.0, 2),
                                lambda t, r: ops.ps_roi_pool(t, r, (2, 2), 1.0),
                                lambda t, r: ops.roi_pool(t, r, (2, 2), 1.0)],
                         ids=["roi_align", "roi_align_aligned", "ps_roi_align", "ps_roi_pool", "roi_pool"])
def test_roi_operators_gradcheck_and_gradgradcheck(fn):
    x = ember.tensor(np.random.default_rng(5).standard_normal((2, 4, 3, 4)), requires_grad=True)
    rois = ember.tensor(_ROIS, dtype=ember.float64)
    assert gradcheck(lambda t: fn(t, rois), (x,))
    assert gradgradcheck(lambda t: fn(t, rois), (x,))


def test_box_iou_family_gradcheck():
    b1 = ember.tensor([[0.0, 0.0, 4.0, 3.0], [1.0, 2.0, 5.0, 7.0]], dtype=ember.float64, requires_grad=True)
    b2 = ember.tensor([[0.5, 1.0, 3.0, 4.0], [2.0, 0.5, 6.0, 3.5], [7.0, 7.0, 9.0, 9.5]], dtype=ember.float64,
                      requires_grad=True)
    # NOTE: complete IoU treats its trade-off weight as a constant, so its gradient is not the numerical
    # derivative; the recorded torchvision gradients pin it instead
    for fn in (ops.box_iou, ops.generalized_box_iou, ops.distance_box_iou):
        assert gradcheck(fn, (b1, b2))
    for fn in (ops.generalized_box_iou_loss, ops.distance_box_iou_loss):
        assert gradcheck(lambda a, b: fn(a, b, reduction="sum"), (b1, b2[:2]))


def test_roi_box_errors():
    x = ember.zeros(1, 4, 5, 5)
    with pytest.raises(AssertionError, match=r"^The boxes tensor shape is not correct as Tensor\[K, 5\]$"):
        ops.roi_align(x, ember.zeros(2, 4), 2)
    with pytest.raises(AssertionError, match=r"List\[Tensor\[L, 4\]\]"):
        ops.roi_pool(x, [ember.zeros(2, 5)], 2)
    with pytest.raises(RuntimeError, match="^input channels must be a multiple of pooling height"):
        ops.ps_roi_align(x, ember.zeros(1, 5), 3)
    empty = ops.roi_align(x, ember.zeros(0, 5), (2, 3))
    assert empty.shape == (0, 4, 2, 3)


def reference_nms(boxes, scores, threshold):
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    keep, removed = [], set()
    for a, i in enumerate(order):
        if i in removed:
            continue
        keep.append(i)
        for j in order[a + 1:]:
            xx1, yy1 = max(boxes[i][0], boxes[j][0]), max(boxes[i][1], boxes[j][1])
            xx2, yy2 = min(boxes[i][2], boxes[j][2]), min(boxes[i][3], boxes[j][3])
            inter = max(0.0, xx2 - xx1) * max(0.0, yy2 - yy1)
            area_i = (boxes[i][2] - boxes[i][0]) * (boxes[i][3] - boxes[i][1])
            area_j = (boxes[j][2] - boxes[j][0]) * (boxes[j][3] - boxes[j][1])
            if inter / (area_i + area_j - inter) > threshold:
                removed.add(j)
    return keep


@pytest.mark.parametrize("n,threshold", [(1, 0.5), (40, 0.3), (150, 0.6)])
def test_nms_and_batched_nms_match_the_greedy_definition(n, threshold):
    rng = np.random.default_rng(n)
    xy = rng.uniform(0, 40, (n, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(1, 20, (n, 2))], 1)
    scores = rng.uniform(0, 1, n)
    scores[n // 2:n // 2 + 3] = 0.5  # equal scores keep their input order
    kept = ops.nms(ember.tensor(boxes), ember.tensor(scores), threshold)
    assert kept.dtype == ember.int64 and kept.tolist() == reference_nms(boxes, scores, threshold)
    classes = rng.integers(0, 3, n)
    expected = []
    for c in range(3):
        members = np.nonzero(classes == c)[0]
        expected += [int(members[i]) for i in reference_nms(boxes[members], scores[members], threshold)]
    expected.sort(key=lambda i: -scores[i])
    got = ops.batched_nms(ember.tensor(boxes), ember.tensor(scores), ember.tensor(classes), threshold)
    assert sorted(got.tolist()) == sorted(expected) and np.all(np.diff(scores[got.numpy()]) <= 0)


def test_nms_errors_and_empty_input():
    with pytest.raises(RuntimeError, match="^boxes should be a 2d tensor, got 1D$"):
        ops.nms(ember.zeros(4), ember.zeros(1), 0.5)
    with pytest.raises(RuntimeError, match="^boxes should have 4 elements in dimension 1, got 5$"):
        ops.nms(ember.zeros(2, 5), ember.zeros(2), 0.5)
    with pytest.raises(RuntimeError, match="^boxes and scores should have same number of elements in dimension 0, "
                                           "got 2 and 3$"):
        ops.nms(ember.zeros(2, 4), ember.zeros(3), 0.5)
    assert ops.nms(ember.zeros(0, 4), ember.zeros(0), 0.5).tolist() == []
    assert ops.batched_nms(ember.zeros(0, 4), ember.zeros(0), ember.zeros(0, dtype=ember.int64), 0.5).shape == (0,)


def test_drop_block():
    x = ember.ones(2, 3, 12, 12)
    ember.manual_seed(0)
    y = ops.drop_block2d(x, 0.3, 3).numpy()
    dropped = y == 0
    assert 0.1 < dropped.mean() < 0.5
    kept_value = np.unique(y[~dropped])
    assert len(kept_value) == 1 and np.isclose(kept_value[0] * (~dropped).mean(), 1.0, atol=1e-5)
    assert ops.drop_block2d(x, 0.3, 3, training=False) is x
    assert ops.drop_block3d(ember.ones(1, 1, 5, 5, 5), 0.2, 3).shape == (1, 1, 5, 5, 5)
    with pytest.raises(ValueError, match="^block size should be odd. Got 4 which is even.$"):
        ops.drop_block2d(x, 0.3, 4)
    with pytest.raises(ValueError, match="^input should be 4 dimensional. Got 3 dimensions.$"):
        ops.drop_block2d(x[0], 0.3, 3)
    with pytest.raises(ValueError, match="^drop probability has to be between 0 and 1, but got 1.5.$"):
        ops.drop_block2d(x, 1.5, 3)
    layer = ops.DropBlock2d(0.2, 3)
    assert repr(layer) == "DropBlock2d(p=0.2, block_size=3, inplace=False)"
    assert layer.eval()(x) is x


def test_roi_modules_call_their_functions():
    x = ember.tensor(np.random.default_rng(6).standard_normal((1, 8, 5, 6)))
    rois = ember.tensor([[0, 0.5, 0.5, 4.5, 3.5]], dtype=ember.float64)
    for module, fn, text in (
            (ops.RoIPool((2, 2), 0.5), lambda: ops.roi_pool(x, rois, (2, 2), 0.5),
             "RoIPool(output_size=(2, 2), spatial_scale=0.5)"),
            (ops.PSRoIPool(2, 1.0), lambda: ops.ps_roi_pool(x, rois, 2, 1.0),
             "PSRoIPool(output_size=2, spatial_scale=1.0)"),
            (ops.PSRoIAlign(2, 1.0, 2), lambda: ops.ps_roi_align(x, rois, 2, 1.0, 2),
             "PSRoIAlign(output_size=2, spatial_scale=1.0, sampling_ratio=2)")):
        assert repr(module) == text and ember.equal(module(x, rois), fn())
