"""ember.utils: helpers around the core (``ember.utils.data`` for datasets and loaders)."""
from ember.utils import data  # noqa: F401
from ember.utils import checkpoint  # noqa: F401,E402  (ember.utils.checkpoint after a bare import, as in PyTorch)
