"""ember.vision.utils against torchvision.utils outputs recorded in tests/fixtures/vision_utils/utils.npz."""
import ast
import io
import os
import warnings

import numpy as np
import pytest

import ember
from ember.vision import utils
from tests.vision._helpers import needs_pil

_DATA = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "vision_utils", "utils.npz"))
_GRID_CASES = {k.split("/")[1]: ast.literal_eval(str(_DATA[k])) for k in _DATA.files
               if k.startswith("grid/") and k.endswith("/case")}


def _t(key):
    return ember.tensor(_DATA[key])


def _same_pillow():
    import PIL
    return PIL.__version__ == str(_DATA["pillow_version"])


@pytest.mark.parametrize("name", sorted(_GRID_CASES))
def test_make_grid(name):
    src, kwargs = _GRID_CASES[name]
    tensor = _t("grid/batch")[:1] if src == "single" else _t(f"grid/{src}")
    before = tensor.clone()
    grid = utils.make_grid(tensor, **kwargs)
    np.testing.assert_allclose(grid.numpy(), _DATA[f"grid/{name}"], rtol=1e-6, atol=1e-7)
    assert ember.equal(tensor, before)  # normalize works on a copy
    as_list = utils.make_grid(list(tensor), **kwargs)
    np.testing.assert_allclose(as_list.numpy(), _DATA[f"grid/{name}"], rtol=1e-6, atol=1e-7)


def test_make_grid_errors():
    with pytest.raises(TypeError, match="^tensor or list of tensors expected, got <class 'int'>$"):
        utils.make_grid(3)
    with pytest.raises(TypeError, match="got a list containing <class 'int'>"):
        utils.make_grid([ember.zeros(3, 2, 2), 1])
    with pytest.raises(TypeError, match="^value_range has to be a tuple"):
        utils.make_grid(ember.zeros(2, 3, 2, 2), normalize=True, value_range=[0, 1])


@needs_pil
def test_save_image_writes_torchvisions_png(tmp_path):
    from PIL import Image
    buf = io.BytesIO()
    utils.save_image(_t("grid/batch"), buf, format="png", nrow=3)
    expected = np.asarray(Image.open(io.BytesIO(_DATA["save_image/png"].tobytes())))
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(buf.getvalue()))), expected)
    path = tmp_path / "grid.jpg"
    utils.save_image(_t("grid/batch"), path, nrow=3)
    assert Image.open(path).format == "JPEG" and Image.open(path).size == expected.shape[1::-1]


_BOX_CASES = {k.split("/")[1]: ast.literal_eval(str(_DATA[k])) for k in _DATA.files
              if k.startswith("boxes/") and k.endswith("/kwargs")}


@needs_pil
@pytest.mark.parametrize("name", sorted(_BOX_CASES))
def test_draw_bounding_boxes(name):
    if "labels" in _BOX_CASES[name] and not _same_pillow():
        pytest.skip("text rendering differs between Pillow versions")
    out = utils.draw_bounding_boxes(_t("image"), _t("boxes"), **_BOX_CASES[name])
    assert out.dtype == ember.uint8
    np.testing.assert_array_equal(out.numpy(), _DATA[f"boxes/{name}"])


@needs_pil
def test_draw_bounding_boxes_with_a_truetype_font():
    import hashlib
    matplotlib = pytest.importorskip("matplotlib")
    font = os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf", "DejaVuSans.ttf")
    with open(font, "rb") as f:
        same_font = hashlib.md5(f.read()).hexdigest() == str(_DATA["font_md5"])
    if not (same_font and _same_pillow()):
        pytest.skip("needs the recorded Pillow version and font file")
    out = utils.draw_bounding_boxes(_t("image"), _t("boxes"), labels=["Ag", "Qy", "7"], font=font, font_size=14,
                                    colors="white")
    np.testing.assert_array_equal(out.numpy(), _DATA["boxes/font"])
    small = utils.draw_bounding_boxes(_t("image"), _t("boxes"), labels=["Ag", "Qy", "7"], font=font, font_size=6,
                                      colors="white")
    assert not np.array_equal(small.numpy(), _DATA["boxes/font"])


@needs_pil
def test_draw_bounding_boxes_float_gray_rotated_and_errors():
    image = _t("image")
    out = utils.draw_bounding_boxes(image.float() / 255, _t("boxes"), width=2)
    assert out.dtype == ember.float32
    np.testing.assert_allclose(out.numpy(), _DATA["boxes/float"], atol=1e-7)
    np.testing.assert_array_equal(utils.draw_bounding_boxes(image[:1], _t("boxes")).numpy(), _DATA["boxes/gray"])
    rotated = utils.draw_bounding_boxes(image, _t("rotated"), colors="cyan", width=2, fill=True)
    np.testing.assert_array_equal(rotated.numpy(), _DATA["boxes/rotated"])
    with pytest.raises(ValueError, match=r"^Boxes need to be in \(xmin, ymin, xmax, ymax\) format"):
        utils.draw_bounding_boxes(image, ember.tensor([[5.0, 5.0, 1.0, 9.0]]))
    with pytest.raises(ValueError, match=r"^Number of boxes \(3\) and labels \(1\) mismatch"):
        utils.draw_bounding_boxes(image, _t("boxes"), labels=["a"])
    with pytest.raises(ValueError, match="^Number of colors must be equal or larger than the number of objects, "
                                         "but got 1 < 3.$"):
        utils.draw_bounding_boxes(image, _t("boxes"), colors=["red"])
    with pytest.raises(ValueError, match="^Only grayscale and RGB images are supported$"):
        utils.draw_bounding_boxes(image[:2], _t("boxes"))
    with pytest.raises(ValueError, match="^The image dtype must be uint8 or float, got ember.int32$"):
        utils.draw_bounding_boxes(image.int(), _t("boxes"))
    with pytest.warns(UserWarning, match="No box was drawn"):
        assert utils.draw_bounding_boxes(image, ember.zeros(0, 4)) is image
    with pytest.warns(UserWarning, match="'font_size' will be ignored"):
        utils.draw_bounding_boxes(image, _t("boxes"), font_size=20)


def test_draw_segmentation_masks():
    image, masks = _t("image"), _t("masks")
    np.testing.assert_array_equal(utils.draw_segmentation_masks(image, masks).numpy(), _DATA["masks/default"])
    if importlib_pil():
        out = utils.draw_segmentation_masks(image, masks, alpha=0.4, colors=["red", (1, 2, 3), "green"])
        np.testing.assert_array_equal(out.numpy(), _DATA["masks/colors"])
        out = utils.draw_segmentation_masks(image.float() / 255, masks[0], alpha=0.5, colors="blue")
        np.testing.assert_allclose(out.numpy(), _DATA["masks/float"], atol=1e-6)
    with pytest.raises(ValueError, match="^The masks must be of dtype bool. Got ember.uint8$"):
        utils.draw_segmentation_masks(image, masks.to(ember.uint8))
    with pytest.raises(ValueError, match="^The image and the masks must have the same height and width$"):
        utils.draw_segmentation_masks(image, masks[:, :5])
    with pytest.raises(ValueError, match="^Pass an RGB image. Other Image formats are not supported$"):
        utils.draw_segmentation_masks(image[:1], masks)


def importlib_pil():
    import importlib.util
    return importlib.util.find_spec("PIL") is not None


@needs_pil
def test_draw_keypoints():
    image, keypoints = _t("image"), _t("keypoints")
    np.testing.assert_array_equal(utils.draw_keypoints(image, keypoints).numpy(), _DATA["keypoints/plain"])
    out = utils.draw_keypoints(image, keypoints, connectivity=[(0, 1), (1, 2)], colors="red", radius=3, width=2,
                               visibility=_t("visibility"))
    np.testing.assert_array_equal(out.numpy(), _DATA["keypoints/connected"])
    out = utils.draw_keypoints(image.float() / 255, keypoints, colors=(0, 255, 0))
    np.testing.assert_allclose(out.numpy(), _DATA["keypoints/float"], atol=1e-7)
    with pytest.raises(ValueError, match=r"^keypoints must be of shape \(num_instances, K, 2\)$"):
        utils.draw_keypoints(image, keypoints[0])
    with pytest.raises(ValueError, match="^keypoints and visibility must have the same dimensionality"):
        utils.draw_keypoints(image, keypoints, visibility=ember.ones(2, 2, dtype=ember.bool))


def test_flow_to_image():
    flow = _t("flow")
    out = utils.flow_to_image(flow)
    assert out.dtype == ember.uint8
    np.testing.assert_array_equal(out.numpy(), _DATA["flow/batch"])
    np.testing.assert_array_equal(utils.flow_to_image(flow[1]).numpy(), _DATA["flow/single"])
    with pytest.raises(ValueError, match="^Flow should be of dtype ember.float, got ember.float64.$"):
        utils.flow_to_image(flow.double())
    with pytest.raises(ValueError, match=r"^Input flow should have shape \(2, H, W\) or \(N, 2, H, W\)"):
        utils.flow_to_image(flow[:, :1])


def test_no_warning_for_plain_use():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        utils.make_grid(ember.zeros(2, 3, 2, 2))
