"""``ember.distributed._composable``: the package where PyTorch first put its composable APIs, still imported by
libraries written against it (opacus imports ``FSDPModule`` from ``_composable.fsdp``). Its ``fsdp``
names are ``ember.distributed.fsdp``'s FSDP2 API."""
