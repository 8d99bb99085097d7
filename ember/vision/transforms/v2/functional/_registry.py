"""Kernels registered for custom tv_tensor classes (``register_kernel``): the dispatching functionals
look them up along the input's class hierarchy before their own rules."""
import functools

from ember.vision.tv_tensors import BoundingBoxes, Image, KeyPoints, Mask, TVTensor, Video

_KERNELS = {}  # functional name -> {tv_tensor class: kernel}
_BUILTIN = (TVTensor, Image, Video, Mask, BoundingBoxes, KeyPoints)


def registrable(functional):
    """``functional`` with a first look at the kernels registered for its input's class."""
    @functools.wraps(functional)
    def dispatching(inpt, *args, **kwargs):
        kernels = _KERNELS.get(functional.__name__)
        if kernels and isinstance(inpt, TVTensor):
            for cls in type(inpt).__mro__:
                if cls in kernels:
                    return kernels[cls](inpt, *args, **kwargs)
                if cls is TVTensor:  # custom classes never fall back to the plain-tensor rules
                    break
        return functional(inpt, *args, **kwargs)
    dispatching.__wrapped_functional__ = functional
    return dispatching


def register_kernel(functional, tv_tensor_cls):
    """Decorate a kernel to register it for a v2 functional (or its name) and a custom tv_tensor class.

    Example:
        >>> from ember.vision import tv_tensors
        >>> from ember.vision.transforms.v2 import functional as F
        >>> class Heatmap(tv_tensors.TVTensor):
        ...     pass
        >>> @F.register_kernel(F.horizontal_flip, Heatmap)
        ... def flip_heatmap(heatmap):
        ...     return heatmap.flip(-1)
        >>> F.horizontal_flip(ember.tensor([[1, 2]]).as_subclass(Heatmap)).tolist()
        [[2, 1]]
    """
    from ember.vision.transforms.v2 import functional as F
    if isinstance(functional, str):
        name = functional
        functional = getattr(F, name, None)
        if functional is None:
            raise ValueError(f"Could not find functional with name '{name}' in ember.vision.transforms.v2.functional.")
    if not (callable(functional) and hasattr(functional, "__wrapped_functional__")):
        raise ValueError("Kernels can only be registered on functionals from the ember.vision.transforms.v2.functional "
                         f"namespace, but got {functional}.")
    if not (isinstance(tv_tensor_cls, type) and issubclass(tv_tensor_cls, TVTensor)):
        raise ValueError(f"Kernels can only be registered for subclasses of ember.vision.tv_tensors.TVTensor, but got "
                         f"{tv_tensor_cls}.")
    if tv_tensor_cls in _BUILTIN:
        raise ValueError(f"Kernels cannot be registered for the builtin tv_tensor classes, but got {tv_tensor_cls}")
    registry = _KERNELS.setdefault(functional.__name__, {})
    if tv_tensor_cls in registry:
        raise ValueError(f"Functional {functional} already has a kernel registered for type {tv_tensor_cls}.")

    def decorator(kernel):
        registry[tv_tensor_cls] = kernel
        return kernel
    return decorator
