"""Apple MPS: not a backend ember has."""


def is_available():
    return False


def is_built():
    return False
