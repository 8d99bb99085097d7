"""ember.distributed.nn: collectives that autograd differentiates through, and RemoteModule."""
from ember.distributed.nn import functional  # noqa: F401


def __getattr__(name):
    # RemoteModule brings in RPC: loaded on first use
    if name == 'RemoteModule':
        from ember.distributed.nn.api.remote_module import RemoteModule
        return RemoteModule
    if name == 'api':
        import importlib
        return importlib.import_module('ember.distributed.nn.api')
    raise AttributeError(f"module 'ember.distributed.nn' has no attribute '{name}'")
