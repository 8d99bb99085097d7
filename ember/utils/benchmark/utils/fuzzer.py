"""``Fuzzer``: random benchmark inputs, as ``torch.utils.benchmark.Fuzzer``.

Parameters are drawn from a NumPy ``RandomState`` seeded by the fuzzer's seed, in the order
PyTorch draws them, and tensors come from ember's generator seeded from that state, so a given
seed yields the same sizes, layouts and values as PyTorch's fuzzer.
"""
import functools
import itertools

import numpy as np

import ember

__all__ = ['Fuzzer', 'FuzzedParameter', 'FuzzedTensor', 'ParameterAlias']

_DISTRIBUTIONS = ('loguniform', 'uniform')


class FuzzedParameter:
    """How one named parameter is drawn on each fuzzing step.

    Args:
        name: how tensors and constraints refer to the parameter.
        minval, maxval: inclusive bounds, for the ``'loguniform'`` and ``'uniform'``
            distributions (integers give integer samples under ``'uniform'``).
        distribution: ``'loguniform'``, ``'uniform'``, or a dict mapping each choice to its
            probability (which must sum to one; then ``minval`` and ``maxval`` stay unset).
        strict: draw the value once per step and keep it while other parameters are resampled.

    Example:
        >>> import numpy as np
        >>> p = ember.utils.benchmark.FuzzedParameter('n', minval=1, maxval=8, distribution='uniform')
        >>> p.sample(np.random.RandomState(0))
        5
    """

    def __init__(self, name, minval=None, maxval=None, distribution=None, strict=False):
        self._name = name
        self._minval = minval
        self._maxval = maxval
        self._distribution = self._check_distribution(distribution)
        self.strict = strict

    @property
    def name(self):
        return self._name

    def sample(self, state):
        """One value drawn from ``state`` (a NumPy ``RandomState``)."""
        if self._distribution == 'loguniform':
            return self._loguniform(state)
        if self._distribution == 'uniform':
            return self._uniform(state)
        return self._custom_distribution(state)

    def _check_distribution(self, distribution):
        if not isinstance(distribution, dict):
            if distribution not in _DISTRIBUTIONS:
                raise AssertionError(f'Unknown distribution: {distribution}')
            return distribution
        if any(p < 0 for p in distribution.values()):
            raise AssertionError('Probabilities cannot be negative')
        if abs(sum(distribution.values()) - 1) > 1e-5:
            raise AssertionError('Distribution is not normalized')
        if self._minval is not None:
            raise AssertionError("When passing a custom distribution, 'minval' must be None")
        if self._maxval is not None:
            raise AssertionError("When passing a custom distribution, 'maxval' must be None")
        return distribution

    def _loguniform(self, state):
        low = None if self._minval is None else np.log2(self._minval)
        high = None if self._maxval is None else np.log2(self._maxval)
        value = int(2 ** state.uniform(low=low, high=high))
        # rounding 2**x down can step outside the bounds: clamp back in
        if self._minval is not None and value < self._minval:
            return self._minval
        if self._maxval is not None and value > self._maxval:
            return self._maxval
        return value

    def _uniform(self, state):
        if isinstance(self._minval, int) and isinstance(self._maxval, int):
            return int(state.randint(low=self._minval, high=self._maxval + 1))
        return state.uniform(low=self._minval, high=self._maxval)

    def _custom_distribution(self, state):
        # choose an index, not a key: NumPy would turn the keys into NumPy scalars
        index = state.choice(np.arange(len(self._distribution)), p=tuple(self._distribution.values()))
        return list(self._distribution)[index]


class ParameterAlias:
    """Stands for another parameter's value: ``FuzzedParameter``-free ties such as ``k1 = k0``.

    Aliases may chain (``a -> b -> c``) but not form a cycle.
    """

    def __init__(self, alias_to):
        self.alias_to = alias_to

    def __repr__(self):
        return f'ParameterAlias[alias_to: {self.alias_to}]'


def dtype_size(dtype):
    """Bytes per element of ``dtype``."""
    if dtype == ember.bool:
        return 1
    if dtype.is_floating_point or dtype.is_complex:
        return ember.finfo(dtype).bits // 8
    return ember.iinfo(dtype).bits // 8


def prod(values, base=1):
    """The product in Python integers (NumPy's int64 product can overflow to a negative size)."""
    return functools.reduce(lambda acc, v: int(acc) * int(v), values, base)


class FuzzedTensor:
    """How one named tensor is built from a step's parameters.

    Args:
        name: the tensor's key in the dict each step yields.
        size: ints, or names of parameters that give a dimension's size.
        steps: optional strides to slice a larger allocation with (ints or parameter names).
        probability_contiguous: the chance that the tensor keeps a contiguous layout; otherwise
            its dimensions are laid out in a random order.
        min_elements, max_elements: bounds on ``numel``; steps outside them are resampled.
        max_allocation_bytes: a bound on the bytes allocated before slicing by ``steps``.
        dim_parameter: a parameter giving the number of dimensions (``size`` and ``steps`` are
            truncated or padded with ones to it).
        roll_parameter: accepted for PyTorch's signature; PyTorch does not use it either.
        dtype: the tensor's dtype.
        cuda: put the tensor on the GPU.
        tensor_constructor: builds the tensor from ``size``, ``dtype`` and the step's parameters
            (by default uniform floats, or integers in [1, 127)).
    """

    def __init__(self, name, size, steps=None, probability_contiguous=0.5, min_elements=None,
                 max_elements=None, max_allocation_bytes=None, dim_parameter=None, roll_parameter=None,
                 dtype=ember.float32, cuda=False, tensor_constructor=None):
        self._name = name
        self._size = size
        self._steps = steps
        self._probability_contiguous = probability_contiguous
        self._min_elements = min_elements
        self._max_elements = max_elements
        self._max_allocation_bytes = max_allocation_bytes
        self._dim_parameter = dim_parameter
        self._dtype = dtype
        self._cuda = cuda
        self._tensor_constructor = tensor_constructor

    @property
    def name(self):
        return self._name

    @staticmethod
    def default_tensor_constructor(size, dtype, **kwargs):
        if dtype.is_floating_point or dtype.is_complex:
            return ember.rand(size=size, dtype=dtype, device='cpu')
        return ember.randint(1, 127, size=size, dtype=dtype, device='cpu')

    def _make_tensor(self, params, state):
        size, steps, allocation_size = self._get_size_and_steps(params)
        constructor = self._tensor_constructor or self.default_tensor_constructor
        raw = constructor(size=allocation_size, dtype=self._dtype, **params)
        if self._cuda:
            raw = raw.cuda()
        dim = len(size)
        order = np.arange(dim)
        if state.rand() > self._probability_contiguous:
            # lay the data out in a random (non-identity) dimension order, keeping the logical shape
            while dim > 1 and np.all(order == np.arange(dim)):
                order = state.permutation(raw.dim())
            raw = raw.permute(tuple(order)).contiguous()
            raw = raw.permute(tuple(np.argsort(order)))
        tensor = raw[tuple(slice(0, n * step, step) for n, step in zip(size, steps))]
        properties = {'numel': int(tensor.numel()), 'order': order, 'steps': steps,
                      'is_contiguous': tensor.is_contiguous(), 'dtype': str(self._dtype)}
        return tensor, properties

    def _get_size_and_steps(self, params):
        dim = params[self._dim_parameter] if self._dim_parameter is not None else len(self._size)

        def resolve(values):
            values = tuple(params.get(v, v) for v in values)[:dim]
            return values + (1,) * (dim - len(values))

        size = resolve(self._size)
        steps = resolve(self._steps or ())
        return size, steps, tuple(n * step for n, step in zip(size, steps))

    def satisfies_constraints(self, params):
        """Whether the tensor these parameters describe respects the element and byte bounds."""
        size, _, allocation_size = self._get_size_and_steps(params)
        numel = prod(size)
        allocation_bytes = prod(allocation_size, base=dtype_size(self._dtype))

        def exceeds(value, bound):
            return value is not None and bound is not None and value > bound

        return not (exceeds(numel, self._max_elements) or exceeds(self._min_elements, numel)
                    or exceeds(allocation_bytes, self._max_allocation_bytes))


class Fuzzer:
    """Draws parameter sets and builds tensors from them, reproducibly from ``seed``.

    Args:
        parameters: ``FuzzedParameter`` objects (lists of them are flattened one level).
        tensors: ``FuzzedTensor`` objects (lists of them are flattened one level).
        constraints: callables taking the dict of parameters; a set where any returns
            False is rejected and redrawn.
        seed: seeds the parameter draws and ember's generator (random when None).

    Example:
        >>> from ember.utils.benchmark import Fuzzer, FuzzedParameter, FuzzedTensor
        >>> fuzzer = Fuzzer(parameters=[FuzzedParameter('n', minval=1, maxval=16, distribution='loguniform')],
        ...                 tensors=[FuzzedTensor('x', size=('n', 4), probability_contiguous=1.0)], seed=0)
        >>> [(params['n'], tensors['x'].shape) for tensors, _, params in fuzzer.take(2)]
        [(7, ember.Size([7, 4])), (4, ember.Size([4, 4]))]
    """

    def __init__(self, parameters, tensors, constraints=None, seed=None):
        if seed is None:
            seed = int(np.random.RandomState().randint(0, 2 ** 32 - 1, dtype=np.int64))
        self._seed = seed
        self._parameters = self._unpack(parameters, FuzzedParameter)
        self._tensors = self._unpack(tensors, FuzzedTensor)
        self._constraints = constraints or ()
        overlap = {p.name for p in self._parameters} & {t.name for t in self._tensors}
        if overlap:
            raise ValueError(f'Duplicate names in parameters and tensors: {overlap}')
        self._rejections = 0
        self._total_generated = 0

    @staticmethod
    def _unpack(values, cls):
        return tuple(itertools.chain.from_iterable([v] if isinstance(v, cls) else v for v in values))

    def take(self, n):
        """Yields ``n`` triples ``(tensors, tensor_properties, params)``, each a dict keyed by name."""
        state = np.random.RandomState(self._seed)
        ember.manual_seed(int(state.randint(low=0, high=2 ** 63, dtype=np.int64)))
        for _ in range(n):
            params = self._generate(state)
            tensors, properties = {}, {}
            for t in self._tensors:
                tensors[t.name], properties[t.name] = t._make_tensor(params, state)
            yield tensors, properties, params

    @property
    def rejection_rate(self):
        """The fraction of drawn parameter sets that constraints rejected."""
        return self._rejections / self._total_generated if self._total_generated else 0.0

    def _generate(self, state):
        strict_values = {}
        for _ in range(1000):
            candidate = {}
            for p in self._parameters:
                if p.strict and p.name in strict_values:
                    candidate[p.name] = strict_values[p.name]
                else:
                    candidate[p.name] = p.sample(state)
                    if p.strict:
                        strict_values[p.name] = candidate[p.name]
            candidate = self._resolve_aliases(candidate)
            self._total_generated += 1
            if all(f(candidate) for f in self._constraints) and \
                    all(t.satisfies_constraints(candidate) for t in self._tensors):
                return candidate
            self._rejections += 1
        raise ValueError('Failed to generate a set of valid parameters.')

    @staticmethod
    def _resolve_aliases(params):
        params = dict(params)
        pending = sum(isinstance(v, ParameterAlias) for v in params.values())
        while pending:
            for k, v in params.items():
                if isinstance(v, ParameterAlias):
                    params[k] = params[v.alias_to]
            still = sum(isinstance(v, ParameterAlias) for v in params.values())
            if still == pending:
                raise ValueError(f'ParameterAlias cycle detected\n{params}')
            pending = still
        return params
