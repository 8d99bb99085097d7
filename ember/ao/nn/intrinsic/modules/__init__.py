"""The fused float modules (``torch.ao.nn.intrinsic.modules``)."""
from ember.ao.nn.intrinsic.modules.fused import *  # noqa: F401,F403
from ember.ao.nn.intrinsic.modules.fused import _FusedModule, __all__ as _fused_all  # noqa: F401

__all__ = ['_FusedModule', *_fused_all]
