"""Where an op written for ordinary tensors meets a quantized one: the ops PyTorch also runs on quantized
tensors catch the refusal a quantized tensor raises (a try costs nothing until it catches) and hand the
call here, to the quantized kernel of the same name. Any other input re-raises the original error."""


def quantized_or_raise(error, name, input, *args):
    """The quantized kernel ``name`` on ``input`` (and ``args``), or ``error`` raised again when ``input``
    is not a quantized tensor."""
    if not getattr(input, 'is_quantized', False):
        raise error
    from ember.quantized import _qops
    return getattr(_qops, 'dispatch_' + name)(input, *args)
