"""ember.fx.experimental: ``proxy_tensor.make_fx``, tracing a function at the operator level."""
