"""Pillow, imported on first use: ember and ember.vision import without it (extra ``pillow``)."""
import sys


def pil_image():
    """The ``PIL.Image`` module, or an ImportError saying how to install it."""
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("ember.vision needs Pillow for images: pip install pillow "
                          "(or pip install 'ember[vision]')") from e
    return Image


def is_pil_image(obj):
    # NOTE: if PIL was never imported, obj cannot be a PIL image: no import needed to answer.
    image_module = sys.modules.get("PIL.Image")
    return image_module is not None and isinstance(obj, image_module.Image)
