"""Calls of the v2 functionals and photometric transforms whose parameters follow torchvision's
signatures exactly, written once for either library: ``run(lib, v2, tv_tensors)`` with torch and
torchvision's modules, or ember and ember.vision's, gives each case's outcome as plain data
(arrays, numbers, the type and text of an error), so the two can be compared, or checked against
the outcomes recorded from torchvision (tests/fixtures/vision/record_v2_signature_cases.py)."""
import warnings

import numpy as np
from PIL import Image as PILImage

_RNG = np.random.default_rng(7)
FLOAT = _RNG.random((3, 6, 7)).astype(np.float32)
UINT8 = _RNG.integers(0, 256, (3, 6, 7)).astype(np.uint8)
VIDEO = _RNG.random((5, 3, 4, 6)).astype(np.float32)
MASK = _RNG.integers(0, 4, (6, 7)).astype(np.int64)
PIL_RGB = UINT8.transpose(1, 2, 0)


def _pil():
    return PILImage.fromarray(PIL_RGB)


def _inputs(lib, tvt):
    return {
        "float": lambda: lib.from_numpy(FLOAT.copy()),
        "uint8": lambda: lib.from_numpy(UINT8.copy()),
        "image": lambda: tvt.Image(lib.from_numpy(FLOAT.copy())),
        "video": lambda: tvt.Video(lib.from_numpy(VIDEO.copy())),
        "mask": lambda: tvt.Mask(lib.from_numpy(MASK.copy())),
        "pil": _pil,
    }


def _cases(lib, v2, tvt):
    F = v2.functional
    IM = F.InterpolationMode
    x = _inputs(lib, tvt)
    cases = {
        "get_num_channels_image/3d": lambda: F.get_num_channels_image(x["float"]()),
        "get_num_channels_image/2d": lambda: F.get_num_channels_image(lib.zeros(4, 5)),
        "get_num_channels_image/1d": lambda: F.get_num_channels_image(lib.zeros(4)),
        "get_num_channels_video": lambda: F.get_num_channels_video(lib.from_numpy(VIDEO)),
        "get_num_frames_video": lambda: F.get_num_frames_video(lib.zeros(2, 5, 3, 4, 6)),
        "get_size_video": lambda: F.get_size_video(lib.from_numpy(VIDEO)),
        "get_size_mask/2d": lambda: F.get_size_mask(lib.from_numpy(MASK)),
        "get_size_mask/1d": lambda: F.get_size_mask(lib.zeros(4)),
        "resize_mask/default": lambda: F.resize_mask(lib.from_numpy(MASK), [9, 11]),
        "resize_mask/nearest_exact": lambda: F.resize_mask(lib.from_numpy(MASK)[None], [9, 11],
                                                           interpolation=IM.NEAREST_EXACT),
        "resize_mask/max_size": lambda: F.resize_mask(lib.from_numpy(MASK), [4], max_size=5),
        "uniform_temporal_subsample_video": lambda: F.uniform_temporal_subsample_video(lib.from_numpy(VIDEO), 3),
        "uniform_temporal_subsample/Video": lambda: F.uniform_temporal_subsample(x["video"](), 2),
        "to_tensor/pil": lambda: F.to_tensor(_pil()),
        "to_tensor/ndarray": lambda: F.to_tensor(PIL_RGB),
        "to_tensor/tensor": lambda: F.to_tensor(x["float"]()),
        "normalize/uint8": lambda: F.normalize(x["uint8"](), [0.5] * 3, [0.2] * 3),
        "normalize/pil": lambda: F.normalize(_pil(), [0.5] * 3, [0.2] * 3),
        "normalize/zero_std": lambda: F.normalize(x["float"](), [0.5] * 3, [0.2, 0.0, 0.1]),
        "normalize/mask": lambda: F.normalize(x["mask"](), [0.5], [0.2]),
    }

    def normalize_inplace(kind, inplace):
        img = x[kind]()
        out = F.normalize(img, [0.5, 0.4, 0.3], [0.2, 0.3, 0.4], inplace=inplace)
        return {"out": out, "input_after": img}
    for kind in ("float", "image", "video"):
        for inplace in (False, True):
            cases[f"normalize/{kind}/inplace={inplace}"] = lambda k=kind, i=inplace: normalize_inplace(k, i)

    for kind in ("float", "uint8", "pil", "mask", "image"):
        for mode in ("constant", "edge", "reflect", "symmetric"):
            cases[f"pad/{kind}/{mode}"] = lambda k=kind, m=mode: F.pad(x[k](), [2, 1, 3, 0], padding_mode=m)
        cases[f"pad/{kind}/fill"] = lambda k=kind: F.pad(x[k](), [1, 2], fill=3)
        cases[f"pad/{kind}/three_numbers"] = lambda k=kind: F.pad(x[k](), [2, 1, 3])
        cases[f"pad/{kind}/unknown_mode"] = lambda k=kind: F.pad(x[k](), 1, padding_mode="wrap")
    for kind in ("float", "uint8", "pil", "image"):
        cases[f"pad/{kind}/fill_list"] = lambda k=kind: F.pad(x[k](), [1, 0, 2, 1], fill=[1, 2, 3])

    for kind in ("float", "uint8", "pil", "mask", "image", "video"):
        cases[f"rotate/{kind}/default"] = lambda k=kind: F.rotate(x[k](), 30.0)
        cases[f"rotate/{kind}/center_fill"] = lambda k=kind: F.rotate(x[k](), -45.0, center=[1.0, 2.0], fill=2)
        cases[f"rotate/{kind}/expand"] = lambda k=kind: F.rotate(x[k](), 30.0, expand=True, fill=1)
        cases[f"affine/{kind}/default"] = lambda k=kind: F.affine(x[k](), 20.0, [1, -1], 1.1, [5.0, 3.0])
        cases[f"affine/{kind}/center_fill"] = lambda k=kind: F.affine(x[k](), -10.0, [2, 0], 0.9, 8.0,
                                                                      center=[2, 4], fill=1)
    for kind in ("float", "uint8", "image"):
        cases[f"rotate/{kind}/bilinear"] = lambda k=kind: F.rotate(x[k](), 25.0, IM.BILINEAR)
        cases[f"rotate/{kind}/bilinear_fill_list"] = lambda k=kind: F.rotate(x[k](), 25.0, IM.BILINEAR,
                                                                             fill=[1, 0, 1])
        cases[f"affine/{kind}/bilinear"] = lambda k=kind: F.affine(x[k](), 15.0, [0, 1], 1.2, 4.0,
                                                                   interpolation=IM.BILINEAR)
        cases[f"affine/{kind}/bilinear_fill"] = lambda k=kind: F.affine(x[k](), 15.0, [0, 1], 1.2, 4.0,
                                                                        interpolation=IM.BILINEAR, fill=1)
    cases["rotate/pil/bilinear_fill_list"] = lambda: F.rotate(_pil(), 25.0, IM.BILINEAR, fill=[200, 0, 100])

    for kind in ("float", "uint8", "pil", "video", "mask"):
        cases[f"gaussian_blur/{kind}/default_sigma"] = lambda k=kind: F.gaussian_blur(x[k](), [3, 5])
        cases[f"gaussian_blur/{kind}/sigma"] = lambda k=kind: F.gaussian_blur(x[k](), 3, sigma=0.7)
        cases[f"gaussian_blur/{kind}/sigma_list"] = lambda k=kind: F.gaussian_blur(x[k](), [5, 3], sigma=[1.5, 0.4])
        cases[f"invert/{kind}"] = lambda k=kind: F.invert(x[k]())
        cases[f"adjust_brightness/{kind}"] = lambda k=kind: F.adjust_brightness(x[k](), 1.3)
        cases[f"adjust_gamma/{kind}"] = lambda k=kind: F.adjust_gamma(x[k](), 0.8)
        cases[f"adjust_gamma/{kind}/gain"] = lambda k=kind: F.adjust_gamma(x[k](), 1.4, gain=0.7)
        cases[f"adjust_hue/{kind}"] = lambda k=kind: F.adjust_hue(x[k](), 0.2)
    cases["gaussian_blur/sigma_zero"] = lambda: F.gaussian_blur(x["float"](), 3, sigma=0.0)
    cases["adjust_brightness/negative"] = lambda: F.adjust_brightness(x["float"](), -0.5)
    cases["adjust_hue/out_of_range"] = lambda: F.adjust_hue(x["float"](), 0.7)

    random_classes = {
        "RandomInvert": lambda p: v2.RandomInvert(p=p),
        "RandomPosterize": lambda p: v2.RandomPosterize(3, p=p),
        "RandomSolarize": lambda p: v2.RandomSolarize(100, p=p),
        "RandomAutocontrast": lambda p: v2.RandomAutocontrast(p=p),
        "RandomEqualize": lambda p: v2.RandomEqualize(p=p),
        "RandomAdjustSharpness": lambda p: v2.RandomAdjustSharpness(1.8, p=p),
    }
    for name, make in random_classes.items():
        for p in (0.0, 1.0):
            for kind in ("uint8", "pil"):
                cases[f"{name}/p={p}/{kind}"] = lambda m=make, p=p, k=kind: m(p)(x[k]())
            cases[f"{name}/p={p}/sample"] = lambda m=make, p=p: m(p)(
                {"image": x["image"](), "mask": x["mask"](), "label": 3})
    return cases


def outcome(value):
    """A call's result as plain data: arrays with their kind, PIL images with their mode, errors."""
    if isinstance(value, dict):
        return {key: outcome(v) for key, v in value.items()}
    if isinstance(value, PILImage.Image):
        return {"kind": "PIL", "mode": value.mode, "array": np.asarray(value)}
    if hasattr(value, "numpy") and hasattr(value, "dtype"):
        return {"kind": type(value).__name__, "array": value.detach().numpy().copy()}
    if isinstance(value, (list, tuple)):
        return [outcome(v) for v in value]
    return value


def run(lib, v2, tvt, names=None):
    """``{case name: outcome}``; an error is ``{"error": type name, "message": text}``."""
    results = {}
    for name, call in _cases(lib, v2, tvt).items():
        if names is not None and name not in names:
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = outcome(call())
            except Exception as exc:  # the error itself is the outcome compared
                result = {"error": type(exc).__name__, "message": str(exc)}
        if name.startswith("to_tensor"):
            result = {"result": result, "warned": [str(w.message) for w in caught]}
        results[name] = result
    return results


def case_names():
    """The names of all cases (they do not depend on the library)."""
    import ember
    from ember.vision import tv_tensors
    from ember.vision.transforms import v2
    return list(_cases(ember, v2, tv_tensors))
