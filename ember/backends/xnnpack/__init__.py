"""XNNPACK (mobile CPU kernels): not part of ember."""

enabled = False
