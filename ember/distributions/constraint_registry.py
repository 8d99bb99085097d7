"""``biject_to`` and ``transform_to``: from unconstrained space to a constraint's region.

``biject_to(c)`` returns a bijective transform (for HMC-style reparameterisation);
``transform_to(c)`` returns any transform onto ``c`` (for optimisation), e.g. the cheaper
SoftmaxTransform for the simplex. Both can be extended with ``register``::

    @transform_to.register(MyConstraintClass)
    def my_factory(constraint):
        return MyTransform(constraint.param)
"""
import numbers

from ember.distributions import constraints, transforms

__all__ = ['ConstraintRegistry', 'biject_to', 'transform_to']


class ConstraintRegistry:
    """A registry from constraint classes (or singletons) to transform factories."""

    def __init__(self):
        self._registry = {}
        super().__init__()

    def register(self, constraint, factory=None):
        if factory is None:
            return lambda factory: self.register(constraint, factory)
        if isinstance(constraint, constraints.Constraint):
            constraint = type(constraint)
        if not isinstance(constraint, type) or not issubclass(constraint, constraints.Constraint):
            raise TypeError('Expected constraint to be either a Constraint subclass or instance, '
                            f'but got {constraint}')
        self._registry[constraint] = factory
        return factory

    def __call__(self, constraint):
        try:
            factory = self._registry[type(constraint)]
        except KeyError:
            raise NotImplementedError(
                f'Cannot transform {type(constraint).__name__} constraints') from None
        return factory(constraint)


biject_to = ConstraintRegistry()
biject_to.__doc__ = """Returns a bijective transform from unconstrained space (all real numbers) onto the region of a
    constraint: ``biject_to(constraint)(x)`` satisfies ``constraint`` for any real ``x``, and the transform has an
    inverse and a log-Jacobian determinant, as reparameterised samplers (HMC) need. New constraint types are
    added with ``biject_to.register(ConstraintClass)`` as a decorator of a factory.

    Args:
        constraint (Constraint): a constraint, such as ``constraints.positive`` or a distribution's ``support``.

    Example::

        >>> from ember.distributions import biject_to, constraints
        >>> to_positive = biject_to(constraints.positive)
        >>> to_positive(ember.tensor([0.]))
        tensor([1.])
        >>> type(biject_to(constraints.simplex)).__name__
        'StickBreakingTransform'
    """
transform_to = ConstraintRegistry()
transform_to.__doc__ = """Returns a transform from unconstrained space (all real numbers) onto the region of a
    constraint, not necessarily bijective: ``transform_to(constraint)(x)`` satisfies ``constraint`` for any real
    ``x``, for optimising a constrained parameter through an unconstrained one. New constraint types are added with
    ``transform_to.register(ConstraintClass)`` as a decorator of a factory.

    Args:
        constraint (Constraint): a constraint, such as ``constraints.interval(0., 2.)``.

    Example::

        >>> from ember.distributions import constraints, transform_to
        >>> transform_to(constraints.interval(0., 2.))(ember.tensor([0.]))
        tensor([1.])
        >>> type(transform_to(constraints.simplex)).__name__
        'SoftmaxTransform'
    """
# instances' docstrings are not objects doctest finds by itself: named here, they run with the module's
__test__ = {'biject_to': biject_to.__doc__, 'transform_to': transform_to.__doc__}


@biject_to.register(constraints.real)
@transform_to.register(constraints.real)
def _transform_to_real(constraint):
    return transforms.identity_transform


@biject_to.register(constraints.independent)
def _biject_to_independent(constraint):
    base_transform = biject_to(constraint.base_constraint)
    return transforms.IndependentTransform(base_transform, constraint.reinterpreted_batch_ndims)


@transform_to.register(constraints.independent)
def _transform_to_independent(constraint):
    base_transform = transform_to(constraint.base_constraint)
    return transforms.IndependentTransform(base_transform, constraint.reinterpreted_batch_ndims)


@biject_to.register(constraints.positive)
@biject_to.register(constraints.nonnegative)
@transform_to.register(constraints.positive)
@transform_to.register(constraints.nonnegative)
def _transform_to_positive(constraint):
    return transforms.ExpTransform()


@biject_to.register(constraints.greater_than)
@biject_to.register(constraints.greater_than_eq)
@transform_to.register(constraints.greater_than)
@transform_to.register(constraints.greater_than_eq)
def _transform_to_greater_than(constraint):
    return transforms.ComposeTransform(
        [transforms.ExpTransform(), transforms.AffineTransform(constraint.lower_bound, 1)])


@biject_to.register(constraints.less_than)
@transform_to.register(constraints.less_than)
def _transform_to_less_than(constraint):
    return transforms.ComposeTransform(
        [transforms.ExpTransform(), transforms.AffineTransform(constraint.upper_bound, -1)])


@biject_to.register(constraints.interval)
@biject_to.register(constraints.half_open_interval)
@transform_to.register(constraints.interval)
@transform_to.register(constraints.half_open_interval)
def _transform_to_interval(constraint):
    # Handle the special case of the unit interval.
    lower_is_0 = isinstance(constraint.lower_bound, numbers.Number) and constraint.lower_bound == 0
    upper_is_1 = isinstance(constraint.upper_bound, numbers.Number) and constraint.upper_bound == 1
    if lower_is_0 and upper_is_1:
        return transforms.SigmoidTransform()
    loc = constraint.lower_bound
    scale = constraint.upper_bound - constraint.lower_bound
    return transforms.ComposeTransform(
        [transforms.SigmoidTransform(), transforms.AffineTransform(loc, scale)])


@biject_to.register(constraints.simplex)
def _biject_to_simplex(constraint):
    return transforms.StickBreakingTransform()


@transform_to.register(constraints.simplex)
def _transform_to_simplex(constraint):
    return transforms.SoftmaxTransform()


@transform_to.register(constraints.lower_cholesky)
def _transform_to_lower_cholesky(constraint):
    return transforms.LowerCholeskyTransform()


@transform_to.register(constraints.positive_definite)
@transform_to.register(constraints.positive_semidefinite)
def _transform_to_positive_definite(constraint):
    return transforms.PositiveDefiniteTransform()


@biject_to.register(constraints.corr_cholesky)
@transform_to.register(constraints.corr_cholesky)
def _transform_to_corr_cholesky(constraint):
    return transforms.CorrCholeskyTransform()


@biject_to.register(constraints.cat)
def _biject_to_cat(constraint):
    return transforms.CatTransform([biject_to(c) for c in constraint.cseq], constraint.dim, constraint.lengths)


@transform_to.register(constraints.cat)
def _transform_to_cat(constraint):
    return transforms.CatTransform([transform_to(c) for c in constraint.cseq], constraint.dim, constraint.lengths)


@biject_to.register(constraints.stack)
def _biject_to_stack(constraint):
    return transforms.StackTransform([biject_to(c) for c in constraint.cseq], constraint.dim)


@transform_to.register(constraints.stack)
def _transform_to_stack(constraint):
    return transforms.StackTransform([transform_to(c) for c in constraint.cseq], constraint.dim)
