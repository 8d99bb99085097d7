"""cuSPARSELt (2:4 structured-sparse matrix products on NVIDIA GPUs): not part of ember."""


def is_available():
    return False


def version():
    """The cuSPARSELt version, or None when it is not available (always, in ember)."""
    return None


def get_max_alg_id():
    return None
