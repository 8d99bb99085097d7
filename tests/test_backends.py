"""torch.backends switches that scripts set run unchanged and answer truthfully."""
import ember


def test_cudnn_flags_are_settable_and_unavailable():
    import ember.backends.cudnn as cudnn
    old = cudnn.benchmark
    try:
        cudnn.benchmark = True
        assert ember.backends.cudnn.benchmark is True
    finally:
        cudnn.benchmark = old
    assert cudnn.is_available() is False
    assert ember.backends.mps.is_available() is False


def test_cudnn_and_mkldnn_flags_blocks_set_and_restore():
    # what PyTorch 2.13 gives for the same calls on a CPU build (cuDNN unavailable)
    cudnn, mkldnn = ember.backends.cudnn, ember.backends.mkldnn
    assert cudnn.set_flags() == (True, False, None, False, True, 'none', 'auto')
    with cudnn.flags():
        assert (cudnn.enabled, cudnn.benchmark) == (False, False)
    with cudnn.flags(enabled=True, benchmark=True, deterministic=True):
        assert (cudnn.enabled, cudnn.benchmark, cudnn.deterministic) == (True, True, True)
    assert (cudnn.enabled, cudnn.benchmark, cudnn.deterministic) == (True, False, False)
    assert cudnn.is_acceptable(ember.ones(1)) is False and ember.float16 in cudnn.CUDNN_TENSOR_DTYPES
    assert mkldnn.set_flags() == (True, False, True, 'none') and mkldnn.is_acl_available() is False
    with mkldnn.flags(enabled=False):
        assert mkldnn.enabled is False
    assert mkldnn.enabled is True
    with ember.backends.mkl.verbose(ember.backends.mkl.VERBOSE_ON), mkldnn.verbose(mkldnn.VERBOSE_ON_CREATION):
        pass
    import pytest
    with pytest.raises(AssertionError, match='^Failed to set MKL into verbose mode'):
        with ember.backends.mkl.verbose(5):
            pass


def test_small_backends_answer_as_on_a_cpu_build():
    b = ember.backends
    assert b.mha.get_fastpath_enabled() is True
    b.mha.set_fastpath_enabled(False)
    assert b.mha.get_fastpath_enabled() is False
    b.mha.set_fastpath_enabled(True)
    assert b.nnpack.set_flags(False) == (False,) and b.nnpack.is_available() is False
    with b.nnpack.flags(enabled=True):
        assert b.nnpack.enabled is True
    assert b.nnpack.enabled is False
    assert (b.cusparselt.is_available(), b.cusparselt.version(), b.cusparselt.get_max_alg_id()) == (False, None, None)
    assert b.kleidiai.is_available() is False and b.xnnpack.enabled is False
    assert b.miopen.immediate is False and b.miopen.set_flags() == (False,)


def test_opt_einsum_orders_contractions_and_checks_its_switches(monkeypatch):
    import numpy as np
    import pytest
    oe = ember.backends.opt_einsum
    rng = np.random.default_rng(0)
    ops = [ember.tensor(rng.standard_normal(s)) for s in [(3, 4), (4, 5), (5, 6), (6, 3)]]
    want = ops[0].numpy() @ ops[1].numpy() @ ops[2].numpy() @ ops[3].numpy()
    monkeypatch.setattr(oe, '_opt_einsum', None)
    monkeypatch.setitem(oe._state, 'enabled', False)
    monkeypatch.setitem(oe._state, 'strategy', None)
    assert oe.contraction_path('ij,jk,kl,lm->im', [o.shape for o in ops]) == [(0, 1), (0, 1), (0, 1)]
    assert np.allclose(ember.einsum('ij,jk,kl,lm->im', *ops).numpy(), want, rtol=1e-12, atol=1e-12)
    assert np.isclose(ember.einsum('ij,jk,kl,li->', *ops).item(), np.trace(want), rtol=1e-12)
    assert (oe.enabled, oe.strategy, oe.set_flags()) == (False, None, (False, None))
    with pytest.raises(ValueError, match='^opt_einsum is not available, so setting `enabled` to True will not'):
        oe.set_flags(True)
    with pytest.raises(ValueError, match='^opt_einsum is not available, so setting `strategy` to greedy'):
        oe.set_flags(None, 'greedy')
    # as in PyTorch, assigning the attributes stores the value unchecked (timm sets strategy = 'auto-hq')
    oe.enabled = True
    assert oe.enabled is True
    assert np.allclose(ember.einsum('ij,jk,kl,lm->im', *ops).numpy(), want, rtol=1e-12, atol=1e-12)
    oe.enabled = False
    # with the package: its path (a fake that records what it was asked, to check the plumbing)
    asked = []

    class FakeOptEinsum:
        @staticmethod
        def contract_path(subscripts, *operands, shapes=False, optimize=None):
            asked.append((subscripts, operands, shapes, optimize))
            return [(2, 3), (0, 1), (0, 1)], 'info'
    monkeypatch.setattr(oe, '_opt_einsum', FakeOptEinsum)
    monkeypatch.setitem(oe._state, 'enabled', True)
    monkeypatch.setitem(oe._state, 'strategy', 'auto')
    oe.strategy = 'optimal'
    assert np.allclose(ember.einsum('ij,jk,kl,lm->im', *ops).numpy(), want, rtol=1e-12, atol=1e-12)
    assert asked == [('ij,jk,kl,lm->im', ((3, 4), (4, 5), (5, 6), (6, 3)), True, 'optimal')]
    with pytest.raises(ValueError, match=r'^`strategy` must be one of the following: \[auto, greedy, optimal\] but is x$'):
        oe.set_flags(None, 'x')
    oe.strategy = 'auto-hq'             # opt_einsum's own strategy, passed on
    ember.einsum('ij,jk,kl,lm->im', *ops)
    assert asked[-1][-1] == 'auto-hq'
    oe.strategy = 'optimal'
    with oe.flags(enabled=False):
        assert oe.enabled is False
    assert oe.enabled is True
    with pytest.raises(ValueError, match='^opt_einsum is not enabled, so setting a `strategy`'):
        with oe.flags(enabled=False, strategy='greedy'):
            pass


def test_opt_einsum_package_gives_the_path_einsum_follows():
    import numpy as np
    import pytest
    opt_einsum = pytest.importorskip('opt_einsum')
    oe = ember.backends.opt_einsum
    assert oe.is_available() and oe.get_opt_einsum() is opt_einsum and oe.enabled and oe.strategy == 'auto'
    shapes = [(30, 2), (2, 40), (40, 3)]
    want, _ = opt_einsum.contract_path('ij,jk,kl->il', *shapes, shapes=True, optimize='auto')
    assert oe.contraction_path('ij,jk,kl->il', shapes) == [tuple(s) for s in want]
    ops = [ember.randn(*s, dtype=ember.float64) for s in shapes]
    got = ember.einsum('ij,jk,kl->il', *ops).numpy()
    assert np.allclose(got, ops[0].numpy() @ ops[1].numpy() @ ops[2].numpy(), rtol=1e-12, atol=1e-12)


def test_frozen_switches_refuse_plain_assignment_but_not_flags_blocks():
    # PyTorch's test suites freeze the switches; monai's set_determinism assigns inside
    # torch.backends.__allow_nonbracketed_mutation()
    import pytest
    from ember.backends import _switches
    cudnn, mkldnn, miopen = ember.backends.cudnn, ember.backends.mkldnn, ember.backends.miopen
    assert ember.backends.flags_frozen() is False
    ember.backends.disable_global_flags()
    try:
        assert ember.backends.flags_frozen() is True
        for module, name, value in ((cudnn, 'benchmark', True), (mkldnn, 'enabled', False),
                                    (miopen, 'immediate', True)):
            with pytest.raises(RuntimeError, match=f'^not allowed to set {module.__name__} flags after '
                                                   'disable_global_flags; please use flags\\(\\) context manager'):
                setattr(module, name, value)
        assert cudnn.benchmark is False and mkldnn.enabled is True and miopen.immediate is False
        with cudnn.flags(enabled=False):
            assert cudnn.enabled is False
        assert cudnn.enabled is True
        with ember.backends.__allow_nonbracketed_mutation():
            cudnn.deterministic = True
        assert cudnn.deterministic is True and ember.backends.flags_frozen() is True
        cudnn.not_a_switch = 1          # other attributes stay free
        del cudnn.not_a_switch
    finally:
        _switches._mutation_allowed[0] = True
        cudnn.deterministic = False
