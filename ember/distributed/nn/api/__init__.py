"""ember.distributed.nn.api: RemoteModule."""
