"""The ``Example::`` section of each generated in-place method's docstring (``Tensor.abs_`` and its kin),
keyed by the op's name; :func:`ember.ops._registry.inplace_variant` appends it. Each shows the call's result
and the tensor it changed; tests/test_doctests.py runs them all."""

EXAMPLES = {
    'abs': """
Example::

    >>> x = ember.tensor([-1.5, 0.0, 2.5])
    >>> x.abs_()
    tensor([1.5000, 0.0000, 2.5000])
    >>> x
    tensor([1.5000, 0.0000, 2.5000])
""",
    'acos': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.acos_()
    tensor([1.3181, 1.0472, 0.0000])
    >>> x
    tensor([1.3181, 1.0472, 0.0000])
""",
    'acosh': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.acosh_()
    tensor([0.0000, 1.3170, 1.7627])
    >>> x
    tensor([0.0000, 1.3170, 1.7627])
""",
    'add': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.add_(ember.tensor([0.5, 0.5, 0.5]), alpha=2)
    tensor([2., 3., 4.])
    >>> x
    tensor([2., 3., 4.])
""",
    'addbmm': """
Example::

    >>> x = ember.zeros(2, 2)
    >>> x.addbmm_(ember.ones(3, 2, 1), ember.ones(3, 1, 2))
    tensor([[3., 3.],
            [3., 3.]])
    >>> x
    tensor([[3., 3.],
            [3., 3.]])
""",
    'addcdiv': """
Example::

    >>> x = ember.tensor([1.0, 1.0, 1.0])
    >>> x.addcdiv_(ember.tensor([1.0, 2.0, 3.0]), ember.tensor([2.0, 2.0, 2.0]), value=0.5)
    tensor([1.2500, 1.5000, 1.7500])
    >>> x
    tensor([1.2500, 1.5000, 1.7500])
""",
    'addcmul': """
Example::

    >>> x = ember.tensor([1.0, 1.0, 1.0])
    >>> x.addcmul_(ember.tensor([1.0, 2.0, 3.0]), ember.tensor([2.0, 2.0, 2.0]), value=0.5)
    tensor([2., 3., 4.])
    >>> x
    tensor([2., 3., 4.])
""",
    'addmm': """
Example::

    >>> x = ember.ones(2, 2)
    >>> x.addmm_(ember.tensor([[1.0, 2.0], [3.0, 4.0]]), ember.eye(2), beta=0.5)
    tensor([[1.5000, 2.5000],
            [3.5000, 4.5000]])
    >>> x
    tensor([[1.5000, 2.5000],
            [3.5000, 4.5000]])
""",
    'addmv': """
Example::

    >>> x = ember.ones(2)
    >>> x.addmv_(ember.tensor([[1.0, 2.0], [3.0, 4.0]]), ember.tensor([1.0, -1.0]))
    tensor([0., 0.])
    >>> x
    tensor([0., 0.])
""",
    'addr': """
Example::

    >>> x = ember.zeros(2, 2)
    >>> x.addr_(ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0]))
    tensor([[3., 4.],
            [6., 8.]])
    >>> x
    tensor([[3., 4.],
            [6., 8.]])
""",
    'asin': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.asin_()
    tensor([0.2527, 0.5236, 1.5708])
    >>> x
    tensor([0.2527, 0.5236, 1.5708])
""",
    'asinh': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.asinh_()
    tensor([0.2475, 0.4812, 0.8814])
    >>> x
    tensor([0.2475, 0.4812, 0.8814])
""",
    'atan': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.atan_()
    tensor([0.2450, 0.4636, 0.7854])
    >>> x
    tensor([0.2450, 0.4636, 0.7854])
""",
    'atan2': """
Example::

    >>> x = ember.tensor([1.0, -1.0, 0.0])
    >>> x.atan2_(ember.tensor([1.0, 1.0, -1.0]))
    tensor([ 0.7854, -0.7854,  3.1416])
    >>> x
    tensor([ 0.7854, -0.7854,  3.1416])
""",
    'atanh': """
Example::

    >>> x = ember.tensor([-0.5, 0.0, 0.5])
    >>> x.atanh_()
    tensor([-0.5493,  0.0000,  0.5493])
    >>> x
    tensor([-0.5493,  0.0000,  0.5493])
""",
    'baddbmm': """
Example::

    >>> x = ember.zeros(1, 2, 2)
    >>> x.baddbmm_(ember.ones(1, 2, 3), ember.ones(1, 3, 2), alpha=2)
    tensor([[[6., 6.],
             [6., 6.]]])
    >>> x
    tensor([[[6., 6.],
             [6., 6.]]])
""",
    'bitwise_and': """
Example::

    >>> x = ember.tensor([12, 6, 5])
    >>> x.bitwise_and_(ember.tensor([10, 3, 4]))
    tensor([8, 2, 4])
    >>> x
    tensor([8, 2, 4])
""",
    'bitwise_left_shift': """
Example::

    >>> x = ember.tensor([12, 6, 5])
    >>> x.bitwise_left_shift_(2)
    tensor([48, 24, 20])
    >>> x
    tensor([48, 24, 20])
""",
    'bitwise_not': """
Example::

    >>> x = ember.tensor([12, 6, 5])
    >>> x.bitwise_not_()
    tensor([-13,  -7,  -6])
    >>> x
    tensor([-13,  -7,  -6])
""",
    'bitwise_or': """
Example::

    >>> x = ember.tensor([12, 6, 5])
    >>> x.bitwise_or_(ember.tensor([10, 3, 4]))
    tensor([14,  7,  5])
    >>> x
    tensor([14,  7,  5])
""",
    'bitwise_right_shift': """
Example::

    >>> x = ember.tensor([12, 6, 5])
    >>> x.bitwise_right_shift_(2)
    tensor([3, 1, 1])
    >>> x
    tensor([3, 1, 1])
""",
    'bitwise_xor': """
Example::

    >>> x = ember.tensor([12, 6, 5])
    >>> x.bitwise_xor_(ember.tensor([10, 3, 4]))
    tensor([6, 5, 1])
    >>> x
    tensor([6, 5, 1])
""",
    'ceil': """
Example::

    >>> x = ember.tensor([-1.5, 0.3, 2.5])
    >>> x.ceil_()
    tensor([-1.,  1.,  3.])
    >>> x
    tensor([-1.,  1.,  3.])
""",
    'clamp': """
Example::

    >>> x = ember.tensor([-1.5, 0.0, 2.5])
    >>> x.clamp_(min=-1.0, max=1.0)
    tensor([-1.,  0.,  1.])
    >>> x
    tensor([-1.,  0.,  1.])
""",
    'clamp_max': """
Example::

    >>> x = ember.tensor([-1.5, 0.0, 2.5])
    >>> x.clamp_max_(1.0)
    tensor([-1.5000,  0.0000,  1.0000])
    >>> x
    tensor([-1.5000,  0.0000,  1.0000])
""",
    'clamp_min': """
Example::

    >>> x = ember.tensor([-1.5, 0.0, 2.5])
    >>> x.clamp_min_(0.0)
    tensor([0.0000, 0.0000, 2.5000])
    >>> x
    tensor([0.0000, 0.0000, 2.5000])
""",
    'conj_physical': """
Example::

    >>> x = ember.tensor([1+2j, 3-1j])
    >>> x.conj_physical_()
    tensor([1.-2.j, 3.+1.j])
    >>> x
    tensor([1.-2.j, 3.+1.j])
""",
    'copysign': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.copysign_(ember.tensor([-1.0, 1.0, -0.0]))
    tensor([-1.,  2., -3.])
    >>> x
    tensor([-1.,  2., -3.])
""",
    'cos': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.cos_()
    tensor([0.9689, 0.8776, 0.5403])
    >>> x
    tensor([0.9689, 0.8776, 0.5403])
""",
    'cosh': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.cosh_()
    tensor([1.0314, 1.1276, 1.5431])
    >>> x
    tensor([1.0314, 1.1276, 1.5431])
""",
    'cumprod': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.cumprod_(0)
    tensor([1., 2., 6.])
    >>> x
    tensor([1., 2., 6.])
""",
    'cumsum': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.cumsum_(0)
    tensor([1., 3., 6.])
    >>> x
    tensor([1., 3., 6.])
""",
    'deg2rad': """
Example::

    >>> x = ember.tensor([0.0, 90.0, 180.0])
    >>> x.deg2rad_()
    tensor([0.0000, 1.5708, 3.1416])
    >>> x
    tensor([0.0000, 1.5708, 3.1416])
""",
    'digamma': """
Example::

    >>> x = ember.tensor([0.5, 1.0, 3.0])
    >>> x.digamma_()
    tensor([-1.9635, -0.5772,  0.9228])
    >>> x
    tensor([-1.9635, -0.5772,  0.9228])
""",
    'div': """
Example::

    >>> x = ember.tensor([7.0, -7.0, 3.0])
    >>> x.div_(2)
    tensor([ 3.5000, -3.5000,  1.5000])
    >>> x
    tensor([ 3.5000, -3.5000,  1.5000])
""",
    'eq': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.eq_(ember.tensor([1.0, 3.0, 2.0]))
    tensor([1., 0., 0.])
    >>> x
    tensor([1., 0., 0.])
""",
    'erf': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.erf_()
    tensor([0.2763, 0.5205, 0.8427])
    >>> x
    tensor([0.2763, 0.5205, 0.8427])
""",
    'erfc': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.erfc_()
    tensor([0.7237, 0.4795, 0.1573])
    >>> x
    tensor([0.7237, 0.4795, 0.1573])
""",
    'erfinv': """
Example::

    >>> x = ember.tensor([-0.5, 0.0, 0.5])
    >>> x.erfinv_()
    tensor([-0.4769,  0.0000,  0.4769])
    >>> x
    tensor([-0.4769,  0.0000,  0.4769])
""",
    'exp': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.exp_()
    tensor([1.2840, 1.6487, 2.7183])
    >>> x
    tensor([1.2840, 1.6487, 2.7183])
""",
    'exp2': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.exp2_()
    tensor([1.1892, 1.4142, 2.0000])
    >>> x
    tensor([1.1892, 1.4142, 2.0000])
""",
    'expm1': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.expm1_()
    tensor([0.2840, 0.6487, 1.7183])
    >>> x
    tensor([0.2840, 0.6487, 1.7183])
""",
    'float_power': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64)
    >>> x.float_power_(0.5)
    tensor([1.0000, 1.4142, 1.7321], dtype=ember.float64)
    >>> x
    tensor([1.0000, 1.4142, 1.7321], dtype=ember.float64)
""",
    'floor': """
Example::

    >>> x = ember.tensor([-1.5, 0.3, 2.5])
    >>> x.floor_()
    tensor([-2.,  0.,  2.])
    >>> x
    tensor([-2.,  0.,  2.])
""",
    'floor_divide': """
Example::

    >>> x = ember.tensor([7.0, -7.0, 9.0])
    >>> x.floor_divide_(2)
    tensor([ 3., -4.,  4.])
    >>> x
    tensor([ 3., -4.,  4.])
""",
    'fmod': """
Example::

    >>> x = ember.tensor([7.0, -7.0, 9.0])
    >>> x.fmod_(3)
    tensor([ 1., -1.,  0.])
    >>> x
    tensor([ 1., -1.,  0.])
""",
    'frac': """
Example::

    >>> x = ember.tensor([-1.5, 0.3, 2.5])
    >>> x.frac_()
    tensor([-0.5000,  0.3000,  0.5000])
    >>> x
    tensor([-0.5000,  0.3000,  0.5000])
""",
    'gcd': """
Example::

    >>> x = ember.tensor([12, 6, 5])
    >>> x.gcd_(ember.tensor([8, 4, 10]))
    tensor([4, 2, 5])
    >>> x
    tensor([4, 2, 5])
""",
    'ge': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.ge_(ember.tensor([1.0, 3.0, 2.0]))
    tensor([1., 0., 1.])
    >>> x
    tensor([1., 0., 1.])
""",
    'gt': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.gt_(ember.tensor([1.0, 3.0, 2.0]))
    tensor([0., 0., 1.])
    >>> x
    tensor([0., 0., 1.])
""",
    'heaviside': """
Example::

    >>> x = ember.tensor([-1.5, 0.0, 2.5])
    >>> x.heaviside_(ember.tensor([0.5]))
    tensor([0.0000, 0.5000, 1.0000])
    >>> x
    tensor([0.0000, 0.5000, 1.0000])
""",
    'hypot': """
Example::

    >>> x = ember.tensor([3.0, 5.0, 8.0])
    >>> x.hypot_(ember.tensor([4.0, 12.0, 15.0]))
    tensor([ 5., 13., 17.])
    >>> x
    tensor([ 5., 13., 17.])
""",
    'i0': """
Example::

    >>> x = ember.tensor([0.0, 1.0, 2.0])
    >>> x.i0_()
    tensor([1.0000, 1.2661, 2.2796])
    >>> x
    tensor([1.0000, 1.2661, 2.2796])
""",
    'igamma': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.igamma_(ember.tensor([1.0, 1.0, 1.0]))
    tensor([0.6321, 0.2642, 0.0803])
    >>> x
    tensor([0.6321, 0.2642, 0.0803])
""",
    'igammac': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.igammac_(ember.tensor([1.0, 1.0, 1.0]))
    tensor([0.3679, 0.7358, 0.9197])
    >>> x
    tensor([0.3679, 0.7358, 0.9197])
""",
    'index_add': """
Example::

    >>> x = ember.zeros(3)
    >>> x.index_add_(0, ember.tensor([0, 2]), ember.tensor([1.0, 2.0]), alpha=10)
    tensor([10.,  0., 20.])
    >>> x
    tensor([10.,  0., 20.])
""",
    'index_copy': """
Example::

    >>> x = ember.zeros(3)
    >>> x.index_copy_(0, ember.tensor([2, 0]), ember.tensor([1.0, 2.0]))
    tensor([2., 0., 1.])
    >>> x
    tensor([2., 0., 1.])
""",
    'index_fill': """
Example::

    >>> x = ember.zeros(2, 3)
    >>> x.index_fill_(1, ember.tensor([0, 2]), 7.0)
    tensor([[7., 0., 7.],
            [7., 0., 7.]])
    >>> x
    tensor([[7., 0., 7.],
            [7., 0., 7.]])
""",
    'index_put': """
Example::

    >>> x = ember.zeros(4)
    >>> x.index_put_((ember.tensor([0, 2]),), ember.tensor([5.0, 6.0]))
    tensor([5., 0., 6., 0.])
    >>> x
    tensor([5., 0., 6., 0.])
""",
    'index_reduce': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.index_reduce_(0, ember.tensor([0, 0, 2]), ember.tensor([5.0, 7.0, 1.0]), 'prod')
    tensor([35.,  2.,  3.])
    >>> x
    tensor([35.,  2.,  3.])
""",
    'lcm': """
Example::

    >>> x = ember.tensor([12, 6, 5])
    >>> x.lcm_(ember.tensor([8, 4, 10]))
    tensor([24, 12, 10])
    >>> x
    tensor([24, 12, 10])
""",
    'ldexp': """
Example::

    >>> x = ember.tensor([1.0, 1.5, 3.0])
    >>> x.ldexp_(ember.tensor([1, 2, 3]))
    tensor([ 2.,  6., 24.])
    >>> x
    tensor([ 2.,  6., 24.])
""",
    'le': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.le_(ember.tensor([1.0, 3.0, 2.0]))
    tensor([1., 1., 0.])
    >>> x
    tensor([1., 1., 0.])
""",
    'lerp': """
Example::

    >>> x = ember.tensor([0.0, 1.0, 2.0])
    >>> x.lerp_(ember.tensor([10.0, 10.0, 10.0]), 0.5)
    tensor([5.0000, 5.5000, 6.0000])
    >>> x
    tensor([5.0000, 5.5000, 6.0000])
""",
    'lgamma': """
Example::

    >>> x = ember.tensor([0.5, 3.0, 4.5])
    >>> x.lgamma_()
    tensor([0.5724, 0.6931, 2.4537])
    >>> x
    tensor([0.5724, 0.6931, 2.4537])
""",
    'log': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.log_()
    tensor([-1.3863, -0.6931,  0.0000])
    >>> x
    tensor([-1.3863, -0.6931,  0.0000])
""",
    'log10': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.log10_()
    tensor([-0.6021, -0.3010,  0.0000])
    >>> x
    tensor([-0.6021, -0.3010,  0.0000])
""",
    'log1p': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.log1p_()
    tensor([0.2231, 0.4055, 0.6931])
    >>> x
    tensor([0.2231, 0.4055, 0.6931])
""",
    'log2': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.log2_()
    tensor([-2., -1.,  0.])
    >>> x
    tensor([-2., -1.,  0.])
""",
    'logical_and': """
Example::

    >>> x = ember.tensor([True, False, True])
    >>> x.logical_and_(ember.tensor([True, True, False]))
    tensor([ True, False, False])
    >>> x
    tensor([ True, False, False])
""",
    'logical_not': """
Example::

    >>> x = ember.tensor([True, False, True])
    >>> x.logical_not_()
    tensor([False,  True, False])
    >>> x
    tensor([False,  True, False])
""",
    'logical_or': """
Example::

    >>> x = ember.tensor([True, False, True])
    >>> x.logical_or_(ember.tensor([True, True, False]))
    tensor([True, True, True])
    >>> x
    tensor([True, True, True])
""",
    'logical_xor': """
Example::

    >>> x = ember.tensor([True, False, True])
    >>> x.logical_xor_(ember.tensor([True, True, False]))
    tensor([False,  True,  True])
    >>> x
    tensor([False,  True,  True])
""",
    'logit': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.logit_(eps=1e-6)
    tensor([-1.0986,  0.0000, 13.8023])
    >>> x
    tensor([-1.0986,  0.0000, 13.8023])
""",
    'lt': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.lt_(ember.tensor([1.0, 3.0, 2.0]))
    tensor([0., 1., 0.])
    >>> x
    tensor([0., 1., 0.])
""",
    'masked_fill': """
Example::

    >>> x = ember.tensor([-1.5, 0.0, 2.5])
    >>> x.masked_fill_(x < 0, 0.0)
    tensor([0.0000, 0.0000, 2.5000])
    >>> x
    tensor([0.0000, 0.0000, 2.5000])
""",
    'masked_scatter': """
Example::

    >>> x = ember.zeros(4)
    >>> x.masked_scatter_(ember.tensor([True, False, True, False]), ember.tensor([1.0, 2.0]))
    tensor([1., 0., 2., 0.])
    >>> x
    tensor([1., 0., 2., 0.])
""",
    'mul': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.mul_(ember.tensor([2.0, 0.5, -1.0]))
    tensor([ 2.,  1., -3.])
    >>> x
    tensor([ 2.,  1., -3.])
""",
    'mvlgamma': """
Example::

    >>> x = ember.tensor([1.5, 2.0, 3.0])
    >>> x.mvlgamma_(2)
    tensor([0.4516, 0.4516, 1.5502])
    >>> x
    tensor([0.4516, 0.4516, 1.5502])
""",
    'nan_to_num': """
Example::

    >>> x = ember.tensor([float('nan'), float('inf'), 1.0])
    >>> x.nan_to_num_(nan=0.0, posinf=9.0)
    tensor([0., 9., 1.])
    >>> x
    tensor([0., 9., 1.])
""",
    'ne': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.ne_(ember.tensor([1.0, 3.0, 2.0]))
    tensor([0., 1., 1.])
    >>> x
    tensor([0., 1., 1.])
""",
    'neg': """
Example::

    >>> x = ember.tensor([-1.5, 0.0, 2.5])
    >>> x.neg_()
    tensor([ 1.5000, -0.0000, -2.5000])
    >>> x
    tensor([ 1.5000, -0.0000, -2.5000])
""",
    'nextafter': """
Example::

    >>> x = ember.tensor([1.0, 2.0], dtype=ember.float64)
    >>> x.nextafter_(ember.tensor([2.0, 1.0], dtype=ember.float64)) - ember.tensor([1.0, 2.0], dtype=ember.float64)
    tensor([ 2.2204e-16, -2.2204e-16], dtype=ember.float64)
    >>> x
    tensor([1.0000, 2.0000], dtype=ember.float64)
""",
    'polygamma': """
Example::

    >>> x = ember.tensor([0.5, 1.0, 3.0])
    >>> x.polygamma_(1)
    tensor([4.9348, 1.6449, 0.3949])
    >>> x
    tensor([4.9348, 1.6449, 0.3949])
""",
    'pow': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.pow_(2)
    tensor([1., 4., 9.])
    >>> x
    tensor([1., 4., 9.])
""",
    'rad2deg': """
Example::

    >>> x = ember.tensor([0.0, 1.0, 3.1416])
    >>> x.rad2deg_()
    tensor([  0.0000,  57.2958, 180.0004])
    >>> x
    tensor([  0.0000,  57.2958, 180.0004])
""",
    'reciprocal': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.reciprocal_()
    tensor([4., 2., 1.])
    >>> x
    tensor([4., 2., 1.])
""",
    'remainder': """
Example::

    >>> x = ember.tensor([7.0, -7.0, 9.0])
    >>> x.remainder_(3)
    tensor([1., 2., 0.])
    >>> x
    tensor([1., 2., 0.])
""",
    'renorm': """
Example::

    >>> x = ember.tensor([[3.0, 4.0], [0.3, 0.4]])
    >>> x.renorm_(2, 0, 1.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    >>> x
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
""",
    'round': """
Example::

    >>> x = ember.tensor([1.2345, -0.5, 2.5])
    >>> x.round_(decimals=2)
    tensor([ 1.2300, -0.5000,  2.5000])
    >>> x
    tensor([ 1.2300, -0.5000,  2.5000])
""",
    'rsqrt': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.rsqrt_()
    tensor([2.0000, 1.4142, 1.0000])
    >>> x
    tensor([2.0000, 1.4142, 1.0000])
""",
    'scatter': """
Example::

    >>> x = ember.zeros(2, 3)
    >>> x.scatter_(1, ember.tensor([[2], [0]]), ember.tensor([[1.0], [2.0]]))
    tensor([[0., 0., 1.],
            [2., 0., 0.]])
    >>> x
    tensor([[0., 0., 1.],
            [2., 0., 0.]])
""",
    'scatter_add': """
Example::

    >>> x = ember.zeros(3)
    >>> x.scatter_add_(0, ember.tensor([0, 0, 2]), ember.tensor([1.0, 2.0, 3.0]))
    tensor([3., 0., 3.])
    >>> x
    tensor([3., 0., 3.])
""",
    'scatter_reduce': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.scatter_reduce_(0, ember.tensor([0, 0, 2]), ember.tensor([5.0, 7.0, 1.0]), 'amax')
    tensor([7., 2., 3.])
    >>> x
    tensor([7., 2., 3.])
""",
    'sigmoid': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.sigmoid_()
    tensor([0.5622, 0.6225, 0.7311])
    >>> x
    tensor([0.5622, 0.6225, 0.7311])
""",
    'sgn': """
Example::

    >>> x = ember.tensor([3 + 4j, 0j, -2 + 0j])
    >>> x.sgn_()
    tensor([ 0.6000+0.8000j,  0.0000+0.0000j, -1.0000+0.0000j])
    >>> x
    tensor([ 0.6000+0.8000j,  0.0000+0.0000j, -1.0000+0.0000j])
""",
    'sign': """
Example::

    >>> x = ember.tensor([-1.5, 0.0, 2.5])
    >>> x.sign_()
    tensor([-1.,  0.,  1.])
    >>> x
    tensor([-1.,  0.,  1.])
""",
    'sin': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.sin_()
    tensor([0.2474, 0.4794, 0.8415])
    >>> x
    tensor([0.2474, 0.4794, 0.8415])
""",
    'sinc': """
Example::

    >>> x = ember.tensor([-1.5, 0.0, 2.5])
    >>> x.sinc_()
    tensor([-0.2122,  1.0000,  0.1273])
    >>> x
    tensor([-0.2122,  1.0000,  0.1273])
""",
    'sinh': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.sinh_()
    tensor([0.2526, 0.5211, 1.1752])
    >>> x
    tensor([0.2526, 0.5211, 1.1752])
""",
    'sqrt': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.sqrt_()
    tensor([0.5000, 0.7071, 1.0000])
    >>> x
    tensor([0.5000, 0.7071, 1.0000])
""",
    'square': """
Example::

    >>> x = ember.tensor([-1.5, 0.0, 2.5])
    >>> x.square_()
    tensor([2.2500, 0.0000, 6.2500])
    >>> x
    tensor([2.2500, 0.0000, 6.2500])
""",
    'sub': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.sub_(1.5)
    tensor([-0.5000,  0.5000,  1.5000])
    >>> x
    tensor([-0.5000,  0.5000,  1.5000])
""",
    'swapaxes': """
Example::

    >>> x = ember.tensor([[1, 2, 3], [4, 5, 6]])
    >>> x.swapaxes_(0, 1)
    tensor([[1, 4],
            [2, 5],
            [3, 6]])
    >>> x
    tensor([[1, 4],
            [2, 5],
            [3, 6]])
""",
    'tan': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.tan_()
    tensor([0.2553, 0.5463, 1.5574])
    >>> x
    tensor([0.2553, 0.5463, 1.5574])
""",
    'tanh': """
Example::

    >>> x = ember.tensor([0.25, 0.5, 1.0])
    >>> x.tanh_()
    tensor([0.2449, 0.4621, 0.7616])
    >>> x
    tensor([0.2449, 0.4621, 0.7616])
""",
    'tril': """
Example::

    >>> x = ember.ones(3, 3)
    >>> x.tril_()
    tensor([[1., 0., 0.],
            [1., 1., 0.],
            [1., 1., 1.]])
    >>> x
    tensor([[1., 0., 0.],
            [1., 1., 0.],
            [1., 1., 1.]])
""",
    'triu': """
Example::

    >>> x = ember.ones(3, 3)
    >>> x.triu_(diagonal=1)
    tensor([[0., 1., 1.],
            [0., 0., 1.],
            [0., 0., 0.]])
    >>> x
    tensor([[0., 1., 1.],
            [0., 0., 1.],
            [0., 0., 0.]])
""",
    'true_divide': """
Example::

    >>> x = ember.tensor([1.0, 2.0, 3.0])
    >>> x.true_divide_(4)
    tensor([0.2500, 0.5000, 0.7500])
    >>> x
    tensor([0.2500, 0.5000, 0.7500])
""",
    'trunc': """
Example::

    >>> x = ember.tensor([-1.5, 0.3, 2.5])
    >>> x.trunc_()
    tensor([-1.,  0.,  2.])
    >>> x
    tensor([-1.,  0.,  2.])
""",
    'xlogy': """
Example::

    >>> x = ember.tensor([0.0, 1.0, 2.0])
    >>> x.xlogy_(ember.tensor([0.0, 2.0, 3.0]))
    tensor([0.0000, 0.6931, 2.1972])
    >>> x
    tensor([0.0000, 0.6931, 2.1972])
""",
}
