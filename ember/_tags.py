"""``ember.Tag``: the labels an operator carries (``pointwise``, ``inplace_view``, ...), as PyTorch's
``torch.Tag`` enumerates them, with the same numbers."""
import enum

__all__ = ['Tag']


class Tag(enum.Enum):
    """An operator tag, as ``torch.Tag``: read from ``op.tags``, given to ``library.custom_op(tags=)`` and
    ``Library.define(tags=)``.

    Example::

        >>> ember.Tag.pointwise
        <Tag.pointwise: 16>
        >>> ember.Tag(16).name
        'pointwise'
    """
    core = 0
    cudagraph_unsafe = 1
    data_dependent_output = 2
    dynamic_output_shape = 3
    flexible_layout = 4
    generated = 5
    inplace = 6
    inplace_view = 7
    maybe_aliasing_or_mutating = 8
    needs_contiguous_strides = 9
    needs_exact_strides = 10
    needs_fixed_stride_order = 11
    nondeterministic_bitwise = 12
    nondeterministic_seeded = 13
    out = 14
    out_variant = 15
    pointwise = 16
    pt2_compliant_tag = 17
    reduction = 18
    view_copy = 19

    def __int__(self):
        return self.value

    __index__ = __int__

    def __hash__(self):
        return hash(self.value)


Tag.__module__ = 'ember'


def tag_list(tags, where):
    """``tags`` (a Tag, a sequence of Tags or None) as a list, refusing anything else."""
    if tags is None:
        return []
    if isinstance(tags, Tag):
        return [tags]
    tags = list(tags)
    for t in tags:
        if not isinstance(t, Tag):
            raise TypeError(f"{where}: tags must be ember.Tag values, got {type(t).__name__} {t!r}")
    return tags
