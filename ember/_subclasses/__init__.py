"""``torch._subclasses``: PyTorch's internal tensor subclasses. Of them ember has what libraries ask about
eagerly: :func:`ember._subclasses.fake_tensor.is_fake`."""
