"""Helpers shared by the model builders."""
import functools
import warnings
from collections import OrderedDict

from ember import nn
from ember.vision.models._api import WeightsEnum


class IntermediateLayerGetter(nn.ModuleDict):
    """Wraps a model to return the outputs of some of its direct children.

    The wrapper keeps ``model``'s children in order up to the last one named in ``return_layers`` (later
    children are dropped) and runs them one after another, collecting the outputs of those named.
    Only direct children can be named, so the model must call them in registration order.

    Args:
        model (nn.Module): the network to take the children from.
        return_layers (Dict[str, str]): maps a child's name to the key its output gets in the result.

    Returns:
        OrderedDict[str, Tensor]: from ``forward``, the collected outputs in the model's order.

    Example:
        >>> body = nn.Sequential(OrderedDict(conv=nn.Conv2d(3, 4, 3, stride=2), relu=nn.ReLU(), pool=nn.MaxPool2d(2)))
        >>> getter = IntermediateLayerGetter(body, return_layers={"conv": "feat0", "pool": "feat1"})
        >>> [(k, tuple(v.shape)) for k, v in getter(ember.rand(1, 3, 16, 16)).items()]
        [('feat0', (1, 4, 7, 7)), ('feat1', (1, 4, 3, 3))]
    """

    def __init__(self, model, return_layers):
        if not set(return_layers).issubset([name for name, _ in model.named_children()]):
            raise ValueError("return_layers are not present in model")
        orig_return_layers = return_layers
        return_layers = {str(k): str(v) for k, v in return_layers.items()}
        layers = OrderedDict()
        for name, module in model.named_children():
            layers[name] = module
            if name in return_layers:
                del return_layers[name]
            if not return_layers:
                break
        super().__init__(layers)
        self.return_layers = orig_return_layers

    def forward(self, x):
        out = OrderedDict()
        for name, module in self.items():
            x = module(x)
            if name in self.return_layers:
                out[self.return_layers[name]] = x
        return out


def _make_divisible(v, divisor, min_value=None):
    """``v`` rounded to a multiple of ``divisor`` (at least ``min_value``), never more than 10 % below ``v``:
    the channel rule of the MobileNet family."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _ovewrite_named_param(kwargs, param, new_value):
    """Set ``kwargs[param]``, refusing a different value the caller gave (weights fix num_classes, ...)."""
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    else:
        kwargs[param] = new_value


def _ovewrite_value_param(param, actual, expected):
    if actual is not None and actual != expected:
        raise ValueError(f"The parameter '{param}' expected value {expected} but got {actual} instead.")
    return expected


def handle_legacy_interface(**weights):
    """Accept the pre-0.13 ``pretrained=True/False`` keyword (with torchvision's deprecation warnings).

    ``weights`` maps each weights parameter to ``(legacy name, default weights)``; the default may
    be a callable of the keyword arguments.
    """
    def outer(builder):
        @functools.wraps(builder)
        def inner(*args, **kwargs):
            for weights_param, (pretrained_param, default) in weights.items():
                if pretrained_param not in kwargs:
                    continue
                if weights_param in kwargs and kwargs[weights_param] != "legacy":
                    continue  # the new keyword wins
                pretrained = kwargs.pop(pretrained_param)
                warnings.warn(f"The parameter '{pretrained_param}' is deprecated since 0.13 and may be removed in "
                              f"the future, please use '{weights_param}' instead.")
                if pretrained:
                    # the default may depend on the legacy value itself (pretrained="legacy" picks older weights)
                    value = default({**kwargs, pretrained_param: pretrained}) if callable(default) else default
                    if not isinstance(value, WeightsEnum):
                        raise ValueError(f"No weights available for model {builder.__name__}")
                else:
                    value = None
                msg = (f"Arguments other than a weight enum or `None` for '{weights_param}' are deprecated since "
                       f"0.13 and may be removed in the future. The current behavior is equivalent to passing "
                       f"`{weights_param}={value}`.")
                if pretrained:
                    msg += (f" You can also use `{weights_param}={type(value).__name__}.DEFAULT` to get the most "
                            f"up-to-date weights.")
                warnings.warn(msg)
                kwargs[weights_param] = value
            return builder(*args, **kwargs)
        return inner
    return outer


def _load_weights(model, weights, progress):
    """Download (with the hash check) and load ``weights`` into ``model``."""
    model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model
