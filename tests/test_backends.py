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
