"""Transform: the base class of the v2 transforms. It flattens the sample (any nesting of tuples,
lists and dicts), draws the random parameters once per call, and transforms each leaf by its type:
tv_tensors, PIL images, and the first plain tensor when the sample has no image or video; other
leaves (labels, strings, ...) pass through."""
import enum

import ember
from ember.nn.modules.module import Module as _Module
from ember.vision._pil import is_pil_image
from ember.utils._pytree import tree_flatten, tree_unflatten
from ember.vision.transforms.v2._utils import check_type, has_any
from ember.vision.transforms.v2.functional import is_pure_tensor
from ember.vision.transforms.v2.functional._dispatch import passing_through
from ember.vision.tv_tensors import Image, Video


def _is_pil(x):
    return is_pil_image(x)


class Transform(_Module):
    """Base class: subclasses define ``make_params(flat_inputs)`` and ``transform(inpt, params)``."""

    _transformed_types = (ember.Tensor, _is_pil)

    def __call__(self, *args, **kwargs):
        with passing_through():
            return super().__call__(*args, **kwargs)

    def check_inputs(self, flat_inputs):
        pass

    def make_params(self, flat_inputs):
        return {}

    def transform(self, inpt, params):
        raise NotImplementedError

    def forward(self, *inputs):
        flat_inputs, spec = tree_flatten(inputs if len(inputs) > 1 else inputs[0])
        self.check_inputs(flat_inputs)
        needs = self._needs_transform_list(flat_inputs)
        params = self.make_params([x for x, n in zip(flat_inputs, needs) if n])
        return tree_unflatten([self.transform(x, params) if n else x for x, n in zip(flat_inputs, needs)], spec)

    def _needs_transform_list(self, flat_inputs):
        transform_pure_tensor = not has_any(flat_inputs, Image, Video, _is_pil)
        needs = []
        for x in flat_inputs:
            need = check_type(x, self._transformed_types)
            if need and is_pure_tensor(x):
                # only the first plain tensor of a sample without images is taken to be the image
                need, transform_pure_tensor = transform_pure_tensor, False
            needs.append(need)
        return needs

    def extra_repr(self):
        extra = []
        for name, value in self.__dict__.items():
            if name.startswith("_") or name == "training":
                continue
            if isinstance(value, (bool, int, float, str, tuple, list, enum.Enum)):
                extra.append(f"{name}={value}")
        return ", ".join(extra)


class _RandomApplyTransform(Transform):
    """A transform applied with probability ``p`` (one ``rand(1)`` draw per call)."""

    def __init__(self, p=0.5):
        if not 0.0 <= p <= 1.0:
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        super().__init__()
        self.p = p

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat_inputs, spec = tree_flatten(inputs)
        self.check_inputs(flat_inputs)
        if ember.rand(1).item() >= self.p:
            return inputs
        needs = self._needs_transform_list(flat_inputs)
        params = self.make_params([x for x, n in zip(flat_inputs, needs) if n])
        return tree_unflatten([self.transform(x, params) if n else x for x, n in zip(flat_inputs, needs)], spec)
