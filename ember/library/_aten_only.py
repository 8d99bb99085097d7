"""ATen operators that have no ``ember.*`` function of their own but that programs name through
``ember.ops.aten`` (PyTorch's ``torch.ops.aten``): each written with ember's public ops."""


def convolution_backward(grad_output, input, weight, bias_sizes, stride, padding, dilation, transposed,
                         output_padding, groups, output_mask):
    """The gradients ``(grad_input, grad_weight, grad_bias)`` of ``ember.convolution`` for the output's
    gradient ``grad_output``; an entry whose ``output_mask`` flag is False is None."""
    import ember
    from ember.autograd import grad
    x = input.detach().requires_grad_(bool(output_mask[0]))
    w = weight.detach().requires_grad_(bool(output_mask[1]))
    b = None
    if bias_sizes is not None:
        b = ember.zeros(tuple(bias_sizes), dtype=weight.dtype, device=weight.device,
                        requires_grad=bool(output_mask[2]))
    wanted = [t for t, m in zip((x, w, b), output_mask) if m and t is not None]
    with ember.enable_grad():
        out = ember.convolution(x, w, b, stride, padding, dilation, transposed, output_padding, groups)
        found = iter(grad(out, wanted, grad_output) if wanted else ())
    return tuple(next(found) if m and t is not None else None for t, m in zip((x, w, b), output_mask))


ATEN_ONLY = {'convolution_backward': convolution_backward}
