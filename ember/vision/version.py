"""``torchvision.version``: the release ember.vision follows (``__version__``) and the source revision,
which ember.vision does not record (``git_version`` is 'Unknown', as in a torchvision built outside git)."""
from ember.vision import __version__  # noqa: F401

git_version = 'Unknown'
