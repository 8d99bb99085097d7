"""Comparisons shared by the detection tests: seeded weights loaded into an ember model, and one image's
detections against torchvision's."""
import numpy as np

import ember
from tests.vision.models.detection._cases import seeded_state_dict


def load_seeded(model):
    """``model`` with the seeded weights of its state_dict's layout (as the recording scripts load them)."""
    shapes = {k: [list(v.shape), str(v.dtype).replace("ember.", "")] for k, v in model.state_dict().items()}
    model.load_state_dict({k: ember.tensor(v) for k, v in seeded_state_dict(shapes).items()}, strict=True)
    return model


def _row_order(boxes, labels, scores):
    # NOTE: detections of (nearly) equal score may come out in either order; compare them as a set
    return np.lexsort((np.round(boxes[:, 0], 1), labels, np.round(scores, 4)))


def assert_detections_match(det, expected):
    """``det`` (ember tensors) equals ``expected`` (arrays) up to the order of equal-score detections."""
    assert sorted(det) == sorted(expected)
    assert det["labels"].dtype == ember.int64
    got = {k: v.numpy() for k, v in det.items()}
    got_order = _row_order(got["boxes"], got["labels"], got["scores"])
    exp_order = _row_order(expected["boxes"], expected["labels"], expected["scores"])
    got = {k: v[got_order] for k, v in got.items()}
    expected = {k: v[exp_order] for k, v in expected.items()}
    np.testing.assert_array_equal(got["labels"], expected["labels"])
    np.testing.assert_allclose(got["scores"], expected["scores"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got["boxes"], expected["boxes"], rtol=1e-3, atol=1e-2)
    if "masks" in expected:  # probabilities pasted into the original image size
        assert got["masks"].shape == expected["masks"].shape
        for box, want_box, mask, want in zip(got["boxes"], expected["boxes"], got["masks"], expected["masks"]):
            _assert_pasted_mask_matches(box, want_box, mask, want)
    if "keypoints" in expected:  # heatmap maxima mapped back into the image
        np.testing.assert_allclose(got["keypoints"], expected["keypoints"], rtol=1e-4, atol=1e-3)
        np.testing.assert_allclose(got["keypoints_scores"], expected["keypoints_scores"], rtol=1e-4, atol=1e-4)


def _paste_bounds(box, resolution=28):
    """The integer box a ``resolution``-square mask is pasted into (torchvision's expand_boxes with one
    pixel of padding, then truncation)."""
    scale = (resolution + 2) / resolution
    cx, cy = (box[0] + box[2]) * 0.5, (box[1] + box[3]) * 0.5
    hw, hh = (box[2] - box[0]) * 0.5 * scale, (box[3] - box[1]) * 0.5 * scale
    return tuple(int(v) for v in (cx - hw, cy - hh, cx + hw, cy + hh))


def _assert_pasted_mask_matches(box, want_box, mask, want):
    if _paste_bounds(box) == _paste_bounds(want_box):
        np.testing.assert_allclose(mask, want, rtol=1e-3, atol=1e-4)
        return
    # NOTE: the boxes agree to 1e-2, but an expanded box edge that lands within rounding of an integer
    # (32.99998 against 33.00003) pastes the mask one pixel wider, resampled to that width: a discontinuity
    # of the paste, not of the mask. Then the pasted region may differ by that pixel and its mass a little.
    got_rows, got_cols = np.nonzero(mask[0] > 0)
    want_rows, want_cols = np.nonzero(want[0] > 0)
    for a, b in ((got_rows, want_rows), (got_cols, want_cols)):
        assert abs(int(a.min()) - int(b.min())) <= 1 and abs(int(a.max()) - int(b.max())) <= 1
    np.testing.assert_allclose(mask.sum(), want.sum(), rtol=0.1)
