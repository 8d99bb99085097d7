"""``torch._C._autograd``'s names that user code meets: ``SavedTensor``, the type of ``grad_fn._raw_saved_*``."""
from ember.autograd._saved_tensor import SavedTensor  # noqa: F401
