"""Passes over graphs of a given operator dialect (``torch.fx.passes.dialect``)."""
