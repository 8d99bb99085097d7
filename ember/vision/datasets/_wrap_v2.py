"""wrap_dataset_for_transforms_v2: a dataset whose items carry tv_tensors (BoundingBoxes, Mask) instead of the raw
targets, so that the v2 transforms transform images, boxes and masks of a sample together."""
import collections.abc
import contextlib
from collections import defaultdict
from copy import copy

import numpy as np

import ember
from ember.vision import datasets
from ember.vision.datasets.vision import VisionDataset

_ISSUES = "https://github.com/pytorch/vision/issues"


def wrap_dataset_for_transforms_v2(dataset, target_keys=None):
    """Wraps a built-in vision dataset so that its items are v2-transform ready.

    The wrapped dataset returns what the dataset returns, with targets turned into tv_tensors: detection boxes
    into ``tv_tensors.BoundingBoxes`` (XYXY), segmentation masks into ``tv_tensors.Mask``, the clips of the video
    datasets (UCF101, HMDB51, Kinetics, with ``output_format='TCHW'``) into ``tv_tensors.Video``. The dataset's
    ``transform``, ``target_transform`` and ``transforms`` move to the wrapper and run after the conversion.

    Args:
        dataset: an instance of one of ember.vision.datasets' classes (or a subclass of one).
        target_keys (optional): for CocoDetection, VOCDetection, Kitti and WIDERFace, which target keys to return:
            a collection of names or 'all'. Default: CocoDetection ``{'image_id', 'boxes', 'labels'}``,
            VOCDetection and Kitti ``{'boxes', 'labels'}``, WIDERFace all.

    Example:
        >>> from ember.vision import datasets
        >>> coco = datasets.CocoDetection("images", "instances.json")  # doctest: +SKIP
        >>> keys = {"boxes", "labels", "masks"}
        >>> coco = datasets.wrap_dataset_for_transforms_v2(coco, target_keys=keys)  # doctest: +SKIP
    """
    if not (target_keys is None or target_keys == "all" or (isinstance(target_keys, collections.abc.Collection)
                                                           and all(isinstance(key, str) for key in target_keys))):
        raise ValueError(f"`target_keys` can be None, 'all', or a collection of strings denoting the keys to be "
                         f"returned, but got {target_keys}")
    wrapped_cls = type(f"Wrapped{type(dataset).__name__}", (VisionDatasetTVTensorWrapper, type(dataset)), {})
    return wrapped_cls(dataset, target_keys)


_TARGET_KEY_DATASETS = ("CocoDetection", "VOCDetection", "Kitti", "WIDERFace")


class VisionDatasetTVTensorWrapper:
    """The wrapped dataset: items from the inner dataset, converted by its class's wrapper, then transformed."""

    def __init__(self, dataset, target_keys):
        dataset_cls = type(dataset)
        if not isinstance(dataset, VisionDataset):
            raise TypeError(f"This wrapper is meant for subclasses of `torchvision.datasets.VisionDataset`, but got a "
                            f"'{dataset_cls.__name__}' instead.\nFor an example of how to perform the wrapping for "
                            "custom datasets, see\n\nhttps://pytorch.org/vision/main/auto_examples/plot_tv_tensors.html"
                            "#do-i-have-to-wrap-the-output-of-the-datasets-myself")
        factories = _wrapper_factories()
        for cls in dataset_cls.mro():
            if cls in factories:
                factory = factories[cls]
                if target_keys is not None and cls.__name__ not in _TARGET_KEY_DATASETS:
                    raise ValueError("`target_keys` is currently only supported for `CocoDetection`, `VOCDetection`, "
                                     f"`Kitti`, and `WIDERFace`, but got {cls.__name__}.")
                break
            if cls is VisionDataset:
                msg = f"No wrapper exists for dataset class {dataset_cls.__name__}. Please wrap the output yourself."
                if dataset_cls in vars(datasets).values():
                    msg += (" If an automated wrapper for this dataset would be useful for you, please open an issue "
                            f"at {_ISSUES}.")
                raise TypeError(msg)
        self._dataset = dataset
        self._target_keys = target_keys
        self._wrapper = factory(dataset, target_keys)
        # NOTE: the transforms run on the converted sample, so they move from the dataset to the wrapper.
        self.transform, dataset.transform = dataset.transform, None
        self.target_transform, dataset.target_transform = dataset.target_transform, None
        self.transforms, dataset.transforms = dataset.transforms, None

    def __getattr__(self, item):
        with contextlib.suppress(AttributeError):
            return object.__getattribute__(self, item)
        return getattr(self._dataset, item)

    def __getitem__(self, idx):
        sample = self._wrapper(idx, self._dataset[idx])
        if self.transforms is not None:
            sample = self.transforms(*sample)
        return sample

    def __len__(self):
        return len(self._dataset)

    def __reduce__(self):
        # NOTE: pickles (for DataLoader workers) as "wrap this dataset", its transforms put back.
        dataset = copy(self._dataset)
        dataset.transform, dataset.transforms = self.transform, self.transforms
        dataset.target_transform = self.target_transform
        return wrap_dataset_for_transforms_v2, (dataset, self._target_keys)


def _raise_not_supported(description):
    raise RuntimeError(f"{description} is currently not supported by this wrapper. If this would be helpful for you, "
                       f"please open an issue at {_ISSUES}.")


def _identity_factory(dataset, target_keys):
    return lambda idx, sample: sample


def _to_mask(image):
    from ember.vision import tv_tensors
    from ember.vision.transforms.functional import pil_to_tensor
    return tv_tensors.Mask(pil_to_tensor(image))      # [1, H, W], as torchvision converts a PIL mask


def _parse_target_keys(target_keys, *, available, default):
    if target_keys is None:
        target_keys = default
    if target_keys == "all":
        return available
    target_keys = set(target_keys)
    extra = target_keys - available
    if extra:
        raise ValueError(f"Target keys {sorted(extra)} are not available")
    return target_keys


def _dict_of_lists(list_of_dicts):
    out = defaultdict(list)
    for dct in list_of_dicts:
        for key, value in dct.items():
            out[key].append(value)
    return dict(out)


def _wrap_by_type(target, *, target_types, type_wrappers):
    if not isinstance(target, (tuple, list)):
        target = [target]
    wrapped = tuple(type_wrappers.get(t, lambda item: item)(item) for t, item in zip(target_types, target))
    return wrapped[0] if len(wrapped) == 1 else wrapped


def _boxes(data, fmt, canvas_size, to_xyxy=False):
    from ember.vision import tv_tensors
    from ember.vision.transforms.v2 import functional as F
    boxes = tv_tensors.BoundingBoxes(data, format=fmt, canvas_size=canvas_size)
    return F.convert_bounding_box_format(boxes, new_format=tv_tensors.BoundingBoxFormat.XYXY) if to_xyxy else boxes


def _segmentation_factory(dataset, target_keys):
    return lambda idx, sample: (sample[0], _to_mask(sample[1]))


def _caltech101_factory(dataset, target_keys):
    if "annotation" in dataset.target_type:
        _raise_not_supported("Caltech101 dataset with `target_type=['annotation', ...]`")
    return _identity_factory(dataset, target_keys)


def _coco_detection_factory(dataset, target_keys):
    from ember.vision.datasets._coco_mask import segmentation_to_mask
    from ember.vision.transforms.v2 import functional as F
    from ember.vision import tv_tensors
    target_keys = _parse_target_keys(
        target_keys, available={"segmentation", "area", "iscrowd", "image_id", "bbox", "category_id", "boxes",
                                "masks", "labels"}, default={"image_id", "boxes", "labels"})

    def wrapper(idx, sample):
        image_id = dataset.ids[idx]
        image, target = sample
        if not target:
            return image, dict(image_id=image_id)
        canvas_size = tuple(F.get_size(image))
        batched = _dict_of_lists(target)
        target = {}
        if "image_id" in target_keys:
            target["image_id"] = image_id
        if "boxes" in target_keys:
            target["boxes"] = _boxes(batched["bbox"], tv_tensors.BoundingBoxFormat.XYWH, canvas_size, to_xyxy=True)
        if "masks" in target_keys:
            masks = np.stack([segmentation_to_mask(s, canvas_size) for s in batched["segmentation"]])
            target["masks"] = tv_tensors.Mask(ember.from_numpy(masks))
        if "labels" in target_keys:
            target["labels"] = ember.tensor(batched["category_id"])
        for key in target_keys - {"image_id", "boxes", "masks", "labels"}:
            target[key] = batched[key]
        return image, target
    return wrapper


VOC_DETECTION_CATEGORIES = ["__background__", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat",
                            "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant",
                            "sheep", "sofa", "train", "tvmonitor"]
VOC_DETECTION_CATEGORY_TO_IDX = {name: i for i, name in enumerate(VOC_DETECTION_CATEGORIES)}


def _voc_detection_factory(dataset, target_keys):
    from ember.vision import tv_tensors
    target_keys = _parse_target_keys(target_keys, available={"annotation", "boxes", "labels"},
                                     default={"boxes", "labels"})

    def wrapper(idx, sample):
        image, target = sample
        batched = _dict_of_lists(target["annotation"]["object"])
        if "annotation" not in target_keys:
            target = {}
        if "boxes" in target_keys:
            target["boxes"] = _boxes([[int(box[part]) for part in ("xmin", "ymin", "xmax", "ymax")]
                                      for box in batched["bndbox"]], tv_tensors.BoundingBoxFormat.XYXY,
                                     (image.height, image.width))
        if "labels" in target_keys:
            target["labels"] = ember.tensor([VOC_DETECTION_CATEGORY_TO_IDX[name] for name in batched["name"]])
        return image, target
    return wrapper


def _sbd_factory(dataset, target_keys):
    if dataset.mode == "boundaries":
        _raise_not_supported("SBDataset with mode='boundaries'")
    return _segmentation_factory(dataset, target_keys)


def _celeba_factory(dataset, target_keys):
    from ember.vision import tv_tensors
    if any(t in dataset.target_type for t in ["attr", "landmarks"]):
        _raise_not_supported("`CelebA` dataset with `target_type=['attr', 'landmarks', ...]`")

    def wrapper(idx, sample):
        image, target = sample
        box = lambda item: _boxes(item, tv_tensors.BoundingBoxFormat.XYWH, (image.height, image.width),  # noqa: E731
                                  to_xyxy=True)
        return image, _wrap_by_type(target, target_types=dataset.target_type, type_wrappers={"bbox": box})
    return wrapper


KITTI_CATEGORIES = ["Car", "Van", "Truck", "Pedestrian", "Person_sitting", "Cyclist", "Tram", "Misc", "DontCare"]
KITTI_CATEGORY_TO_IDX = {name: i for i, name in enumerate(KITTI_CATEGORIES)}


def _kitti_factory(dataset, target_keys):
    from ember.vision import tv_tensors
    target_keys = _parse_target_keys(
        target_keys, available={"type", "truncated", "occluded", "alpha", "bbox", "dimensions", "location",
                                "rotation_y", "boxes", "labels"}, default={"boxes", "labels"})

    def wrapper(idx, sample):
        image, target = sample
        if target is None:
            return image, target
        batched = _dict_of_lists(target)
        target = {}
        if "boxes" in target_keys:
            target["boxes"] = _boxes(batched["bbox"], tv_tensors.BoundingBoxFormat.XYXY, (image.height, image.width))
        if "labels" in target_keys:
            target["labels"] = ember.tensor([KITTI_CATEGORY_TO_IDX[name] for name in batched["type"]])
        for key in target_keys - {"boxes", "labels"}:
            target[key] = batched[key]
        return image, target
    return wrapper


def _oxford_pet_factory(dataset, target_keys):
    def wrapper(idx, sample):
        image, target = sample
        if target is not None:
            target = _wrap_by_type(target, target_types=dataset._target_types,
                                   type_wrappers={"segmentation": _to_mask})
        return image, target
    return wrapper


def _cityscapes_factory(dataset, target_keys):
    from ember.vision import tv_tensors
    if any(t in dataset.target_type for t in ["polygon", "color"]):
        _raise_not_supported("`Cityscapes` dataset with `target_type=['polygon', 'color', ...]`")

    def instances(image):
        # NOTE: instance ids of countable classes are class id * 1000 + instance number.
        data = _to_mask(image)
        if data.dtype == ember.uint16:
            # NOTE: recent Pillow opens Cityscapes' 16-bit PNGs as uint16, which has no comparisons (torchvision's
            # wrapper fails there); count in int32, what Pillow's 32-bit mode gives.
            data = tv_tensors.Mask(data.to(ember.int32))
        ids = data.unique()
        masks = ember.stack([data == i for i in ids])
        labels = ember.stack([i // 1000 if i >= 1000 else i for i in ids])
        return dict(masks=tv_tensors.Mask(masks), labels=labels)

    def wrapper(idx, sample):
        image, target = sample
        return image, _wrap_by_type(target, target_types=dataset.target_type,
                                    type_wrappers={"instance": instances, "semantic": _to_mask})
    return wrapper


def _widerface_factory(dataset, target_keys):
    from ember.vision import tv_tensors
    target_keys = _parse_target_keys(
        target_keys, available={"bbox", "blur", "expression", "illumination", "occlusion", "pose", "invalid"},
        default="all")

    def wrapper(idx, sample):
        image, target = sample
        if target is None:
            return image, target
        target = {key: target[key] for key in target_keys}
        if "bbox" in target_keys:
            target["bbox"] = _boxes(target["bbox"], tv_tensors.BoundingBoxFormat.XYWH, (image.height, image.width),
                                    to_xyxy=True)
        return image, target
    return wrapper


def _video_classification_factory(dataset, target_keys):
    if dataset.video_clips.output_format == "THWC":
        raise RuntimeError(f"{type(dataset).__name__} with `output_format='THWC'` is not supported by this wrapper, "
                           f"since it is not compatible with the transformations. Please use `output_format='TCHW'` "
                           f"instead.")

    from ember.vision import tv_tensors

    def wrapper(idx, sample):
        video, audio, label = sample
        return tv_tensors.Video(video), audio, label

    return wrapper


def _wrapper_factories():
    """{dataset class: factory(dataset, target_keys) -> wrapper(idx, sample)}, as torchvision registers them."""
    d = datasets
    factories = {cls: _identity_factory for cls in (d.Caltech256, d.CIFAR10, d.CIFAR100, d.ImageNet, d.MNIST,
                                                    d.FashionMNIST, d.GTSRB, d.DatasetFolder, d.ImageFolder,
                                                    d.Imagenette, d.CocoCaptions)}
    factories.update({d.VOCSegmentation: _segmentation_factory, d.Caltech101: _caltech101_factory,
                      d.CocoDetection: _coco_detection_factory, d.VOCDetection: _voc_detection_factory,
                      d.SBDataset: _sbd_factory, d.CelebA: _celeba_factory, d.Kitti: _kitti_factory,
                      d.OxfordIIITPet: _oxford_pet_factory, d.Cityscapes: _cityscapes_factory,
                      d.WIDERFace: _widerface_factory})
    factories.update(dict.fromkeys((d.HMDB51, d.Kinetics, d.UCF101), _video_classification_factory))
    return factories
