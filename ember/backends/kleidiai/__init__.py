"""Arm KleidiAI (quantized matrix kernels for Arm CPUs): not part of ember."""


def is_available():
    return False
