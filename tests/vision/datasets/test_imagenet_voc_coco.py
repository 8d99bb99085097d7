"""ImageNet (archives + devkit -> folders + meta.bin), VOC (XML, PNG masks) and COCO (JSON) in their real layouts."""
import importlib.util
import io
import json
import os
import tarfile

import numpy as np
import pytest

from ember.vision import datasets
from ember.vision.datasets import imagenet
from tests.vision._helpers import md5, needs_pil

pytestmark = needs_pil
needs_scipy = pytest.mark.skipif(importlib.util.find_spec("scipy") is None, reason="needs SciPy")


def _jpeg_bytes(seed, size=(4, 3)):
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)).save(
        buf, format="JPEG")
    return buf.getvalue()


def _tar(path, members, mode="w"):
    with tarfile.open(path, mode) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _write_imagenet_archives(root):
    from scipy.io import savemat
    fields = ["ILSVRC2012_ID", "WNID", "words", "gloss", "num_children", "children", "wordnet_height", "num_train_images"]
    synsets = np.zeros((3,), dtype=[(f, "O") for f in fields])
    rows = [(1, "n01440764", "tench, Tinca tinca", 0), (2, "n01443537", "goldfish, Carassius auratus", 0),
            (3, "n00000001", "fish", 2)]  # an inner node of the tree: not a class
    for i, (idx, wnid, words, children) in enumerate(rows):
        synsets[i] = (idx, wnid, words, "", children, np.zeros(0), 0, 0)
    mat = io.BytesIO()
    savemat(mat, {"synsets": synsets})
    _tar(os.path.join(root, "ILSVRC2012_devkit_t12.tar.gz"), {
        "ILSVRC2012_devkit_t12/data/meta.mat": mat.getvalue(),
        "ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt": b"2\n1\n2\n"}, mode="w:gz")
    _tar(os.path.join(root, "ILSVRC2012_img_val.tar"),
         {f"ILSVRC2012_val_0000000{i}.JPEG": _jpeg_bytes(i) for i in (1, 2, 3)})
    inner = {}
    for wnid, n in (("n01440764", 2), ("n01443537", 1)):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            for j in range(n):
                data = _jpeg_bytes(10 + j)
                info = tarfile.TarInfo(f"{wnid}_{j}.JPEG")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        inner[f"{wnid}.tar"] = buf.getvalue()
    _tar(os.path.join(root, "ILSVRC2012_img_train.tar"), inner)


@needs_scipy
def test_imagenet_unpacks_archives_and_reads_folders(tmp_path, monkeypatch):
    root = str(tmp_path)
    _write_imagenet_archives(root)
    for key, (name, _) in list(imagenet.ARCHIVE_META.items()):
        monkeypatch.setitem(imagenet.ARCHIVE_META, key, (name, md5(os.path.join(root, name))))
    val = datasets.ImageNet(root, split="val")
    assert val.wnids == ["n01440764", "n01443537"] and val.classes == [("tench", "Tinca tinca"),
                                                                       ("goldfish", "Carassius auratus")]
    assert val.class_to_idx["Carassius auratus"] == 1 and val.root == root
    assert [os.path.basename(p) for p, _ in val.samples] == ["ILSVRC2012_val_00000002.JPEG",
                                                             "ILSVRC2012_val_00000001.JPEG",
                                                             "ILSVRC2012_val_00000003.JPEG"]
    assert val.targets == [0, 1, 1]
    assert imagenet.load_meta_file(root) == ({"n01440764": ("tench", "Tinca tinca"),
                                              "n01443537": ("goldfish", "Carassius auratus")},
                                             ["n01443537", "n01440764", "n01443537"])
    train = datasets.ImageNet(root)
    assert len(train) == 3 and train.targets == [0, 0, 1] and train[2][0].size == (4, 3)
    assert repr(train).splitlines()[-1] == "    Split: train"
    assert not any(name.endswith(".tar") for name in os.listdir(os.path.join(root, "train")))


def test_imagenet_missing_archive_message(tmp_path):
    with pytest.raises(RuntimeError, match="^The archive ILSVRC2012_devkit_t12.tar.gz is not present in the root "
                                           "directory or is corrupted. You need to download it externally"):
        datasets.ImageNet(str(tmp_path))


_XML = """<annotation>
  <folder>VOC2012</folder><filename>{name}.jpg</filename>
  <size><width>4</width><height>3</height><depth>3</depth></size>
  {objects}
</annotation>"""
_OBJECT = "<object><name>{cls}</name><difficult>0</difficult><bndbox><xmin>1</xmin><ymin>0</ymin>" \
          "<xmax>3</xmax><ymax>2</ymax></bndbox></object>"


def _write_voc(root):
    from PIL import Image
    base = os.path.join(root, "VOCdevkit", "VOC2012")
    for sub in ("JPEGImages", "Annotations", "SegmentationClass", "ImageSets/Main", "ImageSets/Segmentation"):
        os.makedirs(os.path.join(base, sub))
    names = ["2008_000001", "2008_000002"]
    for i, name in enumerate(names):
        with open(os.path.join(base, "JPEGImages", name + ".jpg"), "wb") as f:
            f.write(_jpeg_bytes(i))
        objects = "".join(_OBJECT.format(cls=c) for c in (["dog"] if i == 0 else ["cat", "person"]))
        with open(os.path.join(base, "Annotations", name + ".xml"), "w") as f:
            f.write(_XML.format(name=name, objects=objects))
        mask = Image.fromarray(np.full((3, 4), i + 1, dtype=np.uint8), "P")
        mask.putpalette([0, 0, 0, 128, 0, 0, 0, 128, 0] + [0] * 759)
        mask.save(os.path.join(base, "SegmentationClass", name + ".png"))
    for sub in ("Main", "Segmentation"):
        with open(os.path.join(base, "ImageSets", sub, "train.txt"), "w") as f:
            f.write("\n".join(names) + "\n")


def test_voc_detection_and_segmentation(tmp_path):
    _write_voc(str(tmp_path))
    det = datasets.VOCDetection(str(tmp_path), year="2012", image_set="train")
    assert len(det) == 2
    img, target = det[0]
    ann = target["annotation"]
    assert img.mode == "RGB" and img.size == (4, 3)
    assert ann["filename"] == "2008_000001.jpg" and ann["size"] == {"width": "4", "height": "3", "depth": "3"}
    assert ann["object"] == [{"name": "dog", "difficult": "0",
                              "bndbox": {"xmin": "1", "ymin": "0", "xmax": "3", "ymax": "2"}}]
    assert [o["name"] for o in det[1][1]["annotation"]["object"]] == ["cat", "person"]
    seg = datasets.VOCSegmentation(str(tmp_path), image_set="train")
    _, mask = seg[1]
    assert mask.mode == "P" and np.asarray(mask).tolist()[0] == [2, 2, 2, 2] and seg.masks == seg.targets
    with pytest.raises(ValueError, match="Unknown value 'test' for argument image_set"):
        datasets.VOCDetection(str(tmp_path), image_set="test")
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.VOCDetection(str(tmp_path), year="2011")


def test_coco_detection_and_captions(tmp_path):
    for name, seed in (("a.jpg", 0), ("b.jpg", 1)):
        (tmp_path / name).write_bytes(_jpeg_bytes(seed))
    annotations = {
        "images": [{"id": 42, "file_name": "b.jpg", "width": 4, "height": 3},
                   {"id": 7, "file_name": "a.jpg", "width": 4, "height": 3}],
        "annotations": [{"id": 1, "image_id": 42, "category_id": 3, "bbox": [0, 0, 2, 2], "area": 4, "iscrowd": 0,
                         "caption": "a cat"},
                        {"id": 2, "image_id": 7, "category_id": 1, "bbox": [1, 1, 1, 1], "area": 1, "iscrowd": 0,
                         "caption": "a dog"},
                        {"id": 5, "image_id": 42, "category_id": 1, "bbox": [1, 0, 3, 3], "area": 9, "iscrowd": 1,
                         "caption": "two animals"}],
        "categories": [{"id": 1, "name": "dog", "supercategory": "animal"},
                       {"id": 3, "name": "cat", "supercategory": "animal"}],
    }
    ann_file = tmp_path / "instances.json"
    ann_file.write_text(json.dumps(annotations))
    det = datasets.CocoDetection(str(tmp_path), str(ann_file))
    assert det.ids == [7, 42] and len(det) == 2
    img, target = det[1]
    assert img.size == (4, 3) and [a["id"] for a in target] == [1, 5] and target[1]["bbox"] == [1, 0, 3, 3]
    coco = det.coco
    assert coco.getAnnIds(imgIds=[42], catIds=[1]) == [5] and coco.getAnnIds(iscrowd=0) == [1, 2]
    assert coco.getCatIds(catNms=["cat"]) == [3] and coco.loadCats(3)[0]["name"] == "cat"
    assert sorted(coco.getImgIds(catIds=[1])) == [7, 42]
    caps = datasets.CocoCaptions(str(tmp_path), str(ann_file))
    assert caps[0][1] == ["a dog"] and caps[1][1] == ["a cat", "two animals"]
    with pytest.raises(ValueError, match="^Index must be of type integer, got <class 'str'> instead.$"):
        det["0"]


def test_coco_index_prints_pycocotools_progress(tmp_path, capsys):
    # torchvision's COCO datasets index their annotations with pycocotools, which tells what it does on stdout
    ann_file = tmp_path / "instances.json"
    ann_file.write_text(json.dumps({"images": [], "annotations": [], "categories": []}))
    datasets.CocoDetection(str(tmp_path), str(ann_file))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "loading annotations into memory..." and lines[2:] == ["creating index...", "index created!"]
    assert lines[1].startswith("Done (t=") and lines[1].endswith("s)") and float(lines[1][8:-2]) >= 0
