"""cuDNN switches: accepted and remembered; ember's CUDA backend is CuPy, not cuDNN kernels."""
enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    return False


def version():
    return None
