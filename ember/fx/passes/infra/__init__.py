"""Infrastructure for writing fx passes: ``PassBase``/``PassResult`` and ``PassManager``."""
from ember.fx.passes.infra import pass_base, pass_manager  # noqa: F401
