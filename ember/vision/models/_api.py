"""The ``weights=`` API and the model registry (torchvision.models' get_model, list_models, ...).

A weights enum member carries the URL of a checkpoint (its file name ends in the first hex digits of
the file's SHA-256, which the download checks), a constructor of the evaluation preprocessing and a
``meta`` dict (categories, recipe, accuracy, ...). Builders take ``weights=`` as a member, its name
as a string, or None.
"""
import fnmatch
import sys
import typing
from dataclasses import dataclass
from enum import Enum
from functools import partial
from inspect import signature

from ember.hub import load_state_dict_from_url

__all__ = ["WeightsEnum", "Weights", "get_model", "get_model_builder", "get_model_weights", "get_weight",
           "list_models"]


@dataclass
class Weights:
    """What a set of pretrained weights needs: ``url``, ``transforms`` (a constructor) and ``meta``."""
    url: str
    transforms: typing.Callable
    meta: dict

    def __eq__(self, other):
        # NOTE: transforms are usually functools.partial objects, which compare by identity; copies
        # (deepcopy, pickling of an enum member) must still equal the original, so compare their parts
        if not isinstance(other, Weights):
            return NotImplemented
        if self.url != other.url or self.meta != other.meta:
            return False
        mine, theirs = self.transforms, other.transforms
        if isinstance(mine, partial) and isinstance(theirs, partial):
            return mine.func == theirs.func and mine.args == theirs.args and mine.keywords == theirs.keywords
        return mine == theirs


class WeightsEnum(Enum):
    """Base class of every model's weights enum (``ResNet18_Weights`` and so on); values are ``Weights``."""

    @classmethod
    def verify(cls, obj):
        """``obj`` as a member of this enum: members pass, names (``'IMAGENET1K_V1'`` or
        ``'ResNet18_Weights.IMAGENET1K_V1'``) are looked up, None stays None."""
        if obj is not None:
            if type(obj) is str:
                obj = cls[obj.replace(cls.__name__ + ".", "")]
            elif not isinstance(obj, cls):
                raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} but received "
                                f"{obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args, **kwargs):
        """Download (or read from the cache) and load this checkpoint; see ``ember.hub.load_state_dict_from_url``."""
        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        return self.value.url

    @property
    def transforms(self):
        return self.value.transforms

    @property
    def meta(self):
        return self.value.meta


def _models_package():
    return sys.modules[__name__.rsplit(".", 1)[0]]


def get_weight(name):
    """The weights enum member named like ``"ResNet50_Weights.IMAGENET1K_V1"``."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    # like torchvision: the models package first, then its task subpackages (segmentation, video, ...)
    base = _models_package()
    packages = [base] + [m for m in vars(base).values() if isinstance(m, type(base))
                         and (getattr(m, "__file__", None) or "").endswith("__init__.py")]
    for package in packages:
        weights_enum = vars(package).get(enum_name)
        if isinstance(weights_enum, type) and issubclass(weights_enum, WeightsEnum):
            return weights_enum[value_name]
    raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")


def get_model_weights(name):
    """The weights enum of a model builder, given the builder or the name it is registered under."""
    fn = get_model_builder(name) if isinstance(name, str) else name
    return _get_enum_from_fn(fn)


def _get_enum_from_fn(fn):
    # the builder's `weights` annotation names its enum, e.g. Optional[ResNet18_Weights]
    params = signature(fn).parameters
    if "weights" not in params:
        raise ValueError("The method is missing the 'weights' argument.")
    ann = params["weights"].annotation
    for candidate in (ann,) + typing.get_args(ann):
        if isinstance(candidate, type) and issubclass(candidate, WeightsEnum):
            return candidate
    raise ValueError("The WeightsEnum class for the specific method couldn't be retrieved. Make sure the typing "
                     "info is correct.")


BUILTIN_MODELS = {}


def register_model(name=None):
    """Decorator adding a model builder to the registry under ``name`` (default: the function's name)."""
    def wrapper(fn):
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        return fn
    return wrapper


def _as_list(filters):
    return [filters] if isinstance(filters, str) else list(filters)


def list_models(module=None, include=None, exclude=None):
    """Sorted names of the registered models, optionally only those of ``module`` and filtered by
    fnmatch patterns (``include`` keeps the union of its matches, then ``exclude`` removes).

    >>> list_models(include="resnet1*")
    ['resnet101', 'resnet152', 'resnet18']
    """
    all_models = {k for k, fn in BUILTIN_MODELS.items()
                  if module is None or fn.__module__.rsplit(".", 1)[0] == module.__name__}
    if include:
        models = set()
        for pattern in _as_list(include):
            models |= set(fnmatch.filter(all_models, pattern))
    else:
        models = all_models
    for pattern in _as_list(exclude or []):
        models -= set(fnmatch.filter(all_models, pattern))
    return sorted(models)


def get_model_builder(name):
    """The builder function registered under ``name`` (case-insensitive)."""
    name = name.lower()
    try:
        return BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name, **config):
    """Build the model registered under ``name``, passing ``config`` to its builder.

    >>> get_model("resnet18", num_classes=10).fc
    Linear(in_features=512, out_features=10, bias=True)
    """
    return get_model_builder(name)(**config)
