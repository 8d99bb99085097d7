"""``rearrange``: einops-style reordering of a tensor's axes by a pattern (PyTorch's ``torch.func.rearrange``).

The pattern is parsed into groups of elementary axes on each side; the tensor is reshaped to the left side's
elementary axes, permuted into the right side's order and reshaped to the right side's groups: one view or
copy, whatever the pattern.
"""
import keyword
import math
import warnings

__all__ = ['rearrange']

_ELLIPSIS = '\u2026'


class DimensionBindError(Exception):
    """An axis length that cannot be bound to the tensor's shape (PyTorch raises the same type's name)."""


def _check_name(name):
    if not name.isidentifier():
        return "not a valid python identifier"
    if name[0] == '_' or name[-1] == '_':
        return "axis name should should not start or end with underscore"
    if keyword.iskeyword(name):
        warnings.warn(f"It is discouraged to use axes names that are keywords: {name}", RuntimeWarning)
    if name == 'axis':
        warnings.warn("It is discouraged to use 'axis' as an axis name and will raise an error in future",
                      FutureWarning)
    return None


class _Side:
    """One side of a pattern: ``groups`` is a list whose items are lists of axis names (``[]`` for a unit
    axis ``1``) or the ellipsis marker."""

    def __init__(self, expression):
        self.has_ellipsis = False
        self.ellipsis_in_group = None
        self.names = set()
        self.has_numbers = False
        self.groups = []
        if '.' in expression:
            if '...' not in expression:
                raise ValueError("Expression may contain dots only inside ellipsis (...)")
            if expression.count('...') != 1 or expression.count('.') != 3:
                raise ValueError("Expression may contain dots only inside ellipsis (...); only one ellipsis for "
                                 "tensor ")
            expression = expression.replace('...', _ELLIPSIS)
            self.has_ellipsis = True
        group = None
        word = None
        for char in expression + ' ':
            if char in '() ':
                if word is not None:
                    self._add(word, group)
                word = None
                if char == '(':
                    if group is not None:
                        raise ValueError("Axis composition is one-level (brackets inside brackets not allowed)")
                    group = []
                elif char == ')':
                    if group is None:
                        raise ValueError("Brackets are not balanced")
                    self.groups.append(group)
                    group = None
            elif char.isalnum() or char in ('_', _ELLIPSIS):
                word = char if word is None else word + char
            else:
                raise ValueError(f"Unknown character '{char}'")
        if group is not None:
            raise ValueError(f"Imbalanced parentheses in expression: '{expression}'")

    def _add(self, name, group):
        if name in self.names:
            raise ValueError(f"Indexing expression contains duplicate dimension '{name}'")
        if name == _ELLIPSIS:
            self.names.add(name)
            self.ellipsis_in_group = group is not None
            (self.groups if group is None else group).append(name)
            return
        if name.isdecimal():
            if int(name) == 1:
                if group is None:
                    self.groups.append([])  # a unit axis
                return
            if int(name) < 1:
                raise ValueError(f"Anonymous axis should have positive length, not {int(name)}")
            self.has_numbers = True
            self.names.add(object())  # an unnamed axis matches nothing on the other side
            return
        reason = _check_name(name)
        if reason is not None:
            raise ValueError(f"Invalid axis identifier: {name}\n{reason}")
        self.names.add(name)
        (self.groups if group is None else group).append([name] if group is None else name)


def _parse(pattern, axes_lengths):
    try:
        left_str, right_str = pattern.split('->')
    except ValueError:
        raise ValueError("Pattern must contain a single '->' separator") from None
    if _ELLIPSIS in axes_lengths:
        raise ValueError(f"'{_ELLIPSIS}' is not an allowed axis identifier")
    left, right = _Side(left_str), _Side(right_str)
    if not left.has_ellipsis and right.has_ellipsis:
        raise ValueError(f"Ellipsis found in right side, but not left side of a pattern {pattern}")
    if left.has_ellipsis and left.ellipsis_in_group:
        raise ValueError(f"Ellipsis is parenthesis in the left side is not allowed: {pattern}")
    for length in axes_lengths.values():
        if type(length) is not int:
            raise TypeError(f"rearrange axis lengths must be integers, got: {type(length)}")
    if left.has_numbers or right.has_numbers:
        raise ValueError("rearrange only supports unnamed axes of size 1")
    difference = left.names ^ right.names
    if difference:
        raise ValueError(f"Identifiers only on one side of rearrange expression (should be on both): {difference}")
    unmatched = axes_lengths.keys() - left.names
    if unmatched:
        raise ValueError(f"Identifiers not found in rearrange expression: {set(unmatched)}")
    return left, right


def _expand_ellipsis(groups, ellipsis_axes):
    out = []
    for g in groups:
        if g == _ELLIPSIS:
            out.extend([[a] for a in ellipsis_axes])
        else:
            out.append([a for n in g for a in (ellipsis_axes if n == _ELLIPSIS else [n])])
    return out


def _axis_lengths(groups, shape, axes_lengths):
    """The length of every elementary axis of the left side, from the tensor's shape and the given lengths."""
    lengths = dict(axes_lengths)
    # errors name axes as PyTorch's do: d0, d1, ... in the left side's order (unit axes count too)
    label, n = {}, 0
    for group in groups:
        n += not group
        for a in group:
            label[a] = f'd{n}'
            n += 1
    for group, size in zip(groups, shape):
        if not group:
            continue
        unknown = [a for a in group if a not in lengths]
        known = math.prod(lengths[a] for a in group if a in lengths)
        if len(unknown) > 1:
            raise DimensionBindError(f"cannot infer the sizes of two dimensions at once {label[unknown[0]]} and "
                                     f"{label[unknown[1]]}")
        if unknown:
            if known == 0 or size % known:
                sizes = tuple('?' if a in unknown else lengths[a] for a in group)
                raise DimensionBindError(f"inferred dimension does not evenly fit into larger dimension: {size} vs "
                                         f"{sizes}")
            lengths[unknown[0]] = size // known
        elif known != size:
            pack = ', '.join(label[a] for a in group) + (',' if len(group) == 1 else '')
            raise DimensionBindError(f"Dimension sizes to do not match ({size} != {known}) when matching dimension "
                                     f"pack ({pack})")
    return lengths


def rearrange(tensor, pattern, **axes_lengths):
    """Reorder, merge and split a tensor's axes as an einops pattern says (PyTorch's ``torch.func.rearrange``).

    Covers transpose, reshape, squeeze/unsqueeze (``1`` on either side), stack and concatenation (pass a
    list of tensors: they are stacked along a new first axis). ``...`` stands for the axes the pattern does not
    name; lengths of split axes are given as keywords.

    Args:
        tensor (Tensor or sequence of Tensor): the tensor(s) to rearrange.
        pattern (str): ``"left -> right"``, e.g. ``"b h w c -> b c h w"`` or ``"b (h h1) w -> b h (w h1)"``.
        axes_lengths (int): lengths of axes the left side splits.

    Returns:
        Tensor: the rearranged tensor.

    Example::

        >>> from ember.func import rearrange
        >>> images = ember.zeros(32, 30, 40, 3)
        >>> rearrange(images, "b h w c -> b c h w").shape
        ember.Size([32, 3, 30, 40])
        >>> rearrange(images, "b h w c -> (b h) w c").shape
        ember.Size([960, 40, 3])
        >>> rearrange(images, "b (h h1) (w w1) c -> b h w (c h1 w1)", h1=2, w1=2).shape
        ember.Size([32, 15, 20, 12])
        >>> rearrange(ember.arange(6).reshape(2, 3), "a b -> b a")
        tensor([[0, 3],
                [1, 4],
                [2, 5]])
    """
    import ember
    if not isinstance(tensor, ember.Tensor):
        tensor = ember.stack(tensor)
    left, right = _parse(pattern, axes_lengths)
    ndim = tensor.ndim
    if left.has_ellipsis:
        named = len(left.names) - 1 + sum(1 for g in left.groups if not g)
        if named > ndim:
            raise ValueError(f"Number of dimensions in pattern ({named}) must be less than or equal to the number "
                             f"of dimensions in the tensor ({ndim})")
        ellipsis_axes = [f'{_ELLIPSIS}{i}' for i in range(ndim - (len(left.groups) - 1))]
    else:
        if len(left.groups) != ndim:
            raise ValueError(f"Number of dimensions in pattern ({len(left.groups)}) must be equal to the number of "
                             f"dimensions in the tensor ({ndim})")
        ellipsis_axes = []
    lgroups = _expand_ellipsis(left.groups, ellipsis_axes)
    rgroups = _expand_ellipsis(right.groups, ellipsis_axes)
    lengths = _axis_lengths(lgroups, tensor.shape, axes_lengths)
    # NOTE: like PyTorch's, a unit axis ``1`` on the left is summed away rather than checked to be 1
    units = [i for i, g in enumerate(lgroups) if not g]
    if units:
        tensor = tensor.sum(units)
        lgroups = [g for g in lgroups if g]
    order = [a for g in lgroups for a in g]
    tensor = tensor.reshape([lengths[a] for a in order])
    target = [a for g in rgroups for a in g]
    if target != order:
        tensor = tensor.permute([order.index(a) for a in target])
    return tensor.reshape([math.prod(lengths[a] for a in g) for g in rgroups])
