"""wrap_dataset_for_transforms_v2: detection and segmentation targets become tv_tensors (recorded values below);
with torchvision installed, torchvision's wrapper on the same files gives the same items."""
import json
import pickle

import numpy as np
import pytest

import ember
from ember.vision import datasets, tv_tensors
from ember.vision.transforms import v2
from tests.vision._helpers import needs_pil
from tests.vision.datasets._files import plain, write_image, write_text
from tests.vision.datasets.test_detection_sets import _cityscapes_tree, _wider_tree
from tests.vision.datasets.test_imagenet_voc_coco import _write_voc

pytestmark = needs_pil


def _same_as_torchvision(name, args, kwargs=None, target_keys=None, tv_kwargs=None):
    ours = datasets.wrap_dataset_for_transforms_v2(getattr(datasets, name)(*args, **(kwargs or {})), target_keys)
    tv_datasets = pytest.importorskip("torchvision.datasets")
    theirs = getattr(tv_datasets, name)(*args, **(tv_kwargs or kwargs or {}))
    theirs = tv_datasets.wrap_dataset_for_transforms_v2(theirs, target_keys)
    assert type(ours).__name__ == type(theirs).__name__ and len(ours) == len(theirs)
    for i in range(len(ours)):
        assert plain(ours[i]) == plain(theirs[i]), (name, i)


def test_voc_detection_boxes_and_labels(tmp_path):
    _write_voc(str(tmp_path))
    wrapped = datasets.wrap_dataset_for_transforms_v2(datasets.VOCDetection(str(tmp_path), image_set="train"))
    assert type(wrapped).__name__ == "WrappedVOCDetection" and isinstance(wrapped, datasets.VOCDetection)
    assert wrapped.year == "2012" and len(wrapped) == 2           # attributes come from the dataset
    img, target = wrapped[1]
    assert sorted(target) == ["boxes", "labels"] and isinstance(target["boxes"], tv_tensors.BoundingBoxes)
    assert target["boxes"].tolist() == [[1, 0, 3, 2], [1, 0, 3, 2]] and target["boxes"].canvas_size == (3, 4)
    assert target["boxes"].format == tv_tensors.BoundingBoxFormat.XYXY and target["labels"].tolist() == [8, 15]
    full = datasets.wrap_dataset_for_transforms_v2(datasets.VOCDetection(str(tmp_path), image_set="train"), "all")
    assert sorted(full[0][1]) == ["annotation", "boxes", "labels"]
    for keys in (None, "all", {"labels"}):
        _same_as_torchvision("VOCDetection", (str(tmp_path),), {"image_set": "train"}, target_keys=keys)


def test_transforms_run_on_the_wrapped_sample_and_pickle(tmp_path):
    _write_voc(str(tmp_path))
    ds = datasets.VOCDetection(str(tmp_path), image_set="train", transforms=v2.RandomHorizontalFlip(p=1.0))
    wrapped = datasets.wrap_dataset_for_transforms_v2(ds)
    assert ds.transforms is None and wrapped.transforms is not None
    img, target = wrapped[0]
    assert target["boxes"].tolist() == [[1, 0, 3, 2]] and np.asarray(img)[0, 0].tolist() != []   # 4 wide: 1..3 -> 1..3
    again = pickle.loads(pickle.dumps(wrapped))
    assert type(again).__name__ == "WrappedVOCDetection" and plain(again[1]) == plain(wrapped[1])


def test_segmentation_targets_become_masks(tmp_path):
    _write_voc(str(tmp_path))
    seg = datasets.wrap_dataset_for_transforms_v2(datasets.VOCSegmentation(str(tmp_path), image_set="train"))
    _, mask = seg[1]
    assert isinstance(mask, tv_tensors.Mask) and mask.dtype == ember.uint8 and mask.shape == (1, 3, 4)
    assert mask.tolist()[0][0] == [2, 2, 2, 2]
    _same_as_torchvision("VOCSegmentation", (str(tmp_path),), {"image_set": "train"})


def _coco_files(root):
    write_image(root / "a.jpg", 0, size=(7, 8))
    write_image(root / "b.jpg", 1, size=(7, 8))
    annotations = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 8, "height": 7},
                   {"id": 2, "file_name": "b.jpg", "width": 8, "height": 7}],
        "annotations": [
            {"id": 10, "image_id": 1, "category_id": 3, "bbox": [1.0, 2.0, 3.0, 4.0], "area": 6.5, "iscrowd": 0,
             "segmentation": [[1.0, 2.0, 4.2, 2.0, 4.0, 6.0], [5.5, 0.5, 7.0, 0.5, 7.0, 3.0, 5.5, 3.0]]},
            {"id": 11, "image_id": 1, "category_id": 1, "bbox": [0.0, 0.0, 2.0, 2.0], "area": 3.0, "iscrowd": 1,
             "segmentation": {"size": [7, 8], "counts": [3, 4, 10, 2, 37]}},
            {"id": 12, "image_id": 1, "category_id": 1, "bbox": [2.0, 2.0, 2.0, 2.0], "area": 4.0, "iscrowd": 1,
             "segmentation": {"size": [7, 8], "counts": "`0250a0OB"}}],
        "categories": [{"id": 1, "name": "dog"}, {"id": 3, "name": "cat"}]}
    write_text(root / "instances.json", json.dumps(annotations))


def test_coco_detection_boxes_labels_and_masks(tmp_path):
    _coco_files(tmp_path)
    args = (str(tmp_path), str(tmp_path / "instances.json"))
    wrapped = datasets.wrap_dataset_for_transforms_v2(datasets.CocoDetection(*args), {"boxes", "labels", "masks",
                                                                                      "image_id", "area"})
    img, target = wrapped[0]
    assert target["image_id"] == 1 and target["area"] == [6.5, 3.0, 4.0] and target["labels"].tolist() == [3, 1, 1]
    assert target["boxes"].tolist() == [[1.0, 2.0, 4.0, 6.0], [0.0, 0.0, 2.0, 2.0], [2.0, 2.0, 4.0, 4.0]]
    masks = target["masks"]
    assert isinstance(masks, tv_tensors.Mask) and masks.shape == (3, 7, 8) and masks.dtype == ember.uint8
    # the uncompressed RLE: 3 zeros, 4 ones, 10 zeros, 2 ones down the columns
    assert np.flatnonzero(masks[1].numpy().T.ravel()).tolist() == [3, 4, 5, 6, 17, 18]
    # the polygons, as pycocotools rasterises them
    assert masks[0].numpy().tolist() == [[0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 1, 0],
                                         [0, 1, 1, 1, 0, 0, 1, 0], [0, 0, 1, 1, 0, 0, 0, 0],
                                         [0, 0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
                                         [0, 0, 0, 0, 0, 0, 0, 0]]
    # the compressed RLE (pycocotools' string for a 2x2 square and one pixel)
    square = np.zeros((7, 8), dtype=np.uint8)
    square[2:4, 2:4] = square[5, 6] = 1
    assert np.array_equal(masks[2].numpy(), square)
    assert wrapped[1][1] == {"image_id": 2}                   # no annotations: only the id
    pytest.importorskip("pycocotools")
    _same_as_torchvision("CocoDetection", args, target_keys={"boxes", "labels", "masks", "image_id", "area"})
    _same_as_torchvision("CocoDetection", args)


def test_kitti_widerface_and_cityscapes(tmp_path):
    kitti = tmp_path / "kitti"
    write_image(kitti / "Kitti" / "raw" / "training" / "image_2" / "000000.png", 0, "PNG")
    write_text(kitti / "Kitti" / "raw" / "training" / "label_2" / "000000.txt",
               "Van 0.00 0 -0.20 1.5 1.0 4.0 3.0 1.89 0.48 1.20 1.84 1.47 8.41 0.01\n")
    k = datasets.wrap_dataset_for_transforms_v2(datasets.Kitti(kitti), {"boxes", "labels", "alpha"})
    target = k[0][1]
    assert target["boxes"].tolist() == [[1.5, 1.0, 4.0, 3.0]] and target["labels"].tolist() == [1]
    assert target["alpha"] == [-0.2]
    _same_as_torchvision("Kitti", (kitti,), target_keys={"boxes", "labels", "alpha"})
    wider = tmp_path / "wider"
    _wider_tree(wider)
    w = datasets.wrap_dataset_for_transforms_v2(datasets.WIDERFace(wider, split="val"))
    assert w[2][1]["bbox"].tolist() == [[1, 2, 4, 6], [5, 6, 12, 14]] and sorted(w[2][1])[0] == "bbox"
    _same_as_torchvision("WIDERFace", (wider,), {"split": "val"}, target_keys={"bbox", "pose"})
    city = tmp_path / "city"
    _cityscapes_tree(city)
    from PIL import Image
    ids = np.array([[7, 7, 26001, 26001, 26002, 24000]] * 5, dtype=np.uint16)
    instance_file = city / "gtFine" / "val" / "aachen" / "aachen_000000_000019_gtFine_instanceIds.png"
    Image.fromarray(ids).save(instance_file)                 # 16-bit, as Cityscapes ships them
    c = datasets.wrap_dataset_for_transforms_v2(datasets.Cityscapes(city, split="val",
                                                                    target_type=["instance", "semantic"]))
    instances, semantic = c[0][1]
    assert instances["labels"].tolist() == [7, 24, 26, 26] and instances["masks"].shape == (4, 1, 5, 6)
    assert instances["masks"][2].tolist()[0][0] == [False, False, True, True, False, False]
    assert isinstance(semantic, tv_tensors.Mask) and instances["labels"].dtype == ember.int32
    # a 32-bit image (Pillow's mode 'I') is what torchvision's wrapper can read: the same items
    Image.fromarray(ids.astype(np.int32)).save(instance_file, format="TIFF")
    _same_as_torchvision("Cityscapes", (city,), {"split": "val", "target_type": ["instance", "semantic"]})
    with pytest.raises(RuntimeError, match=r"^`Cityscapes` dataset with `target_type=\['polygon', 'color', \.\.\.\]` "
                                           "is currently not supported by this wrapper."):
        datasets.wrap_dataset_for_transforms_v2(datasets.Cityscapes(city, split="val", target_type="color"))


def test_wrapper_errors(tmp_path):
    _write_voc(str(tmp_path))
    seg = datasets.VOCSegmentation(str(tmp_path), image_set="train")
    with pytest.raises(ValueError, match="^`target_keys` is currently only supported for `CocoDetection`, "
                                         "`VOCDetection`, `Kitti`, and `WIDERFace`, but got VOCSegmentation.$"):
        datasets.wrap_dataset_for_transforms_v2(seg, target_keys={"masks"})
    with pytest.raises(ValueError, match=r"^Target keys \['masks'\] are not available$"):
        datasets.wrap_dataset_for_transforms_v2(datasets.VOCDetection(str(tmp_path), image_set="train"), {"masks"})
    with pytest.raises(ValueError, match="^`target_keys` can be None, 'all', or a collection of strings denoting "
                                         "the keys to be returned, but got 3$"):
        datasets.wrap_dataset_for_transforms_v2(seg, target_keys=3)
    with pytest.raises(TypeError, match="^This wrapper is meant for subclasses of `torchvision.datasets."
                                        "VisionDataset`, but got a 'list' instead."):
        datasets.wrap_dataset_for_transforms_v2([1, 2])
    fake = datasets.FakeData(size=2)
    with pytest.raises(TypeError, match="^No wrapper exists for dataset class FakeData. Please wrap the output "
                                        "yourself. If an automated wrapper"):
        datasets.wrap_dataset_for_transforms_v2(fake)

    class Mine(datasets.VOCSegmentation):
        pass
    mine = datasets.wrap_dataset_for_transforms_v2(Mine(str(tmp_path), image_set="train"))
    assert type(mine).__name__ == "WrappedMine" and isinstance(mine[0][1], tv_tensors.Mask)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")      # pycocotools' own, about NumPy 2's copy keyword
def test_coco_masks_as_pycocotools_computes_them():
    mask_api = pytest.importorskip("pycocotools.mask")
    from ember.vision.datasets._coco_mask import segmentation_to_mask
    rng = np.random.default_rng(0)
    for _ in range(200):
        h, w = (int(v) for v in rng.integers(1, 20, 2))
        polygons = [rng.uniform(-2, max(h, w) + 2, 2 * int(rng.integers(3, 7))).round(1).tolist() for _ in range(2)]
        expected = mask_api.decode(mask_api.merge(mask_api.frPyObjects(polygons, h, w)))
        assert np.array_equal(segmentation_to_mask(polygons, (h, w)), expected), polygons
        pixels = (rng.random((h, w)) < 0.4).astype(np.uint8)
        rle = mask_api.encode(np.asfortranarray(pixels))
        assert np.array_equal(segmentation_to_mask({"size": rle["size"], "counts": rle["counts"].decode()}, (h, w)),
                              pixels)
    with pytest.raises(ValueError, match="^Invalid RLE mask representation$"):
        segmentation_to_mask({"size": [2, 2], "counts": [1, 2]}, (2, 2))
