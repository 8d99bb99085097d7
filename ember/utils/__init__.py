"""ember.utils: helpers around the core (``ember.utils.data`` for datasets and loaders)."""
from ember.utils import data  # noqa: F401
