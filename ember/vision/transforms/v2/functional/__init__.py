"""ember.vision.transforms.v2.functional: functional transforms that accept images, videos, masks,
bounding boxes and key points (torchvision.transforms.v2.functional)."""
from ember.vision.transforms.functional import pil_to_tensor, to_pil_image  # noqa: F401
from ember.vision.transforms.functional import InterpolationMode  # noqa: F401
from ember.vision.transforms.v2.functional._deprecated import to_tensor  # noqa: F401
from ember.vision.transforms.v2.functional._dispatch import is_pure_tensor  # noqa: F401
from ember.vision.transforms.v2.functional._geometry import (affine, center_crop, crop, hflip,  # noqa: F401
                                                             horizontal_flip, pad, resize, resized_crop, rotate,
                                                             vertical_flip, vflip)
from ember.vision.transforms.v2.functional._meta import (clamp_bounding_boxes,  # noqa: F401
                                                         convert_bounding_box_format, get_dimensions, get_size,
                                                         to_dtype, to_image, to_pure_tensor)
from ember.vision.transforms.v2.functional._misc import (adjust_brightness, adjust_gamma,  # noqa: F401
                                                         erase,
                                                         gaussian_blur, grayscale_to_rgb, invert, normalize,
                                                         permute_channels)
from ember.vision.transforms.v2.functional._augment import gaussian_noise, jpeg  # noqa: F401
from ember.vision.transforms.v2.functional._crops import five_crop, ten_crop  # noqa: F401
from ember.vision.transforms.v2.functional._sanitize import (clamp_keypoints, sanitize_bounding_boxes,  # noqa: F401
                                                             sanitize_keypoints)
from ember.vision.transforms.v2.functional._temporal import (uniform_temporal_subsample,  # noqa: F401
                                                             uniform_temporal_subsample_video)
from ember.vision.transforms.v2.functional._warps import elastic, elastic_transform, perspective  # noqa: F401
from ember.vision.transforms.v2.functional._color_v2 import (adjust_contrast, adjust_hue,  # noqa: F401
                                                             adjust_saturation,
                                                             adjust_sharpness, autocontrast, equalize, posterize,
                                                             rgb_to_grayscale, solarize, to_grayscale)
from ember.vision.transforms.v2.functional._registry import register_kernel, registrable  # noqa: E402

# the dispatching functionals first consult the kernels registered for custom tv_tensor classes
for _name in ("adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue", "adjust_saturation",
              "adjust_sharpness", "affine", "autocontrast", "center_crop", "crop", "elastic", "equalize", "erase",
              "five_crop", "gaussian_blur", "gaussian_noise", "get_dimensions", "get_size", "grayscale_to_rgb",
              "horizontal_flip", "invert", "jpeg", "normalize", "pad", "permute_channels", "perspective", "posterize",
              "resize", "resized_crop", "rgb_to_grayscale", "rotate", "solarize", "ten_crop", "to_dtype",
              "uniform_temporal_subsample", "vertical_flip"):
    globals()[_name] = registrable(globals()[_name])
hflip, vflip, elastic_transform, to_grayscale = horizontal_flip, vertical_flip, elastic, rgb_to_grayscale
del _name

from ember.vision.transforms.v2.functional import _kernels  # noqa: E402

# the per-kind kernels (resize_image, resize_mask, resize_bounding_boxes, ...) and metadata getters
globals().update({name: value for name, value in vars(_kernels).items()
                  if name.endswith(("_image", "_video", "_mask", "_bounding_boxes", "_keypoints"))
                  or name in ("get_num_channels", "get_num_frames", "get_image_size", "get_image_num_channels",
                              "convert_image_dtype")})
