"""The video models' weights enums (from weights.json) and checkpoint loading."""
import os

from ember.vision.models._utils import _ovewrite_named_param
from ember.vision.models.segmentation._meta import task_weights_enums
from ember.vision.models.video._presets import VideoClassification

weights_enum = task_weights_enums(os.path.dirname(__file__), {"VideoClassification": VideoClassification})


def _build(cls, weights, progress, *args, **kwargs):
    """``cls(*args, **kwargs)``, with ``num_classes`` fixed by ``weights`` (loaded when given)."""
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = cls(*args, **kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model
