"""The settings of ``ember.save`` and ``ember.load``, by PyTorch's names (``torch.utils.serialization.config``):

- ``load.mmap`` (False): what ``load(mmap=None)`` does: map the file instead of reading it.
- ``load.endianness`` (None): the byte order of files that record none (see
  ``ember.serialization.set_default_load_endianness``).
- ``load.mmap_flags`` (``mmap.MAP_PRIVATE``): how mapped files are mapped (``set_default_mmap_options``).
- ``load.calculate_storage_offsets`` (False): compute where each tensor's bytes start from the writer's layout
  instead of reading each entry's local header.
- ``save.compute_crc32`` (True): write a CRC-32 for each entry (``set_crc32_options``).
- ``save.use_pinned_memory_for_d2h`` (False): copy CUDA tensors to the host through page-locked memory.
- ``save.storage_alignment`` (64): the byte boundary each entry's data starts on.

The functions of ``ember.serialization`` and these settings are one state: a change through either shows in
both. Unknown names raise ``AttributeError``; ``get_config_copy()`` and ``patch(...)`` work as in PyTorch.

>>> import ember.utils.serialization.config as config
>>> config.save.storage_alignment
64
"""
from ember._config_module import install_values
from ember._serialization_options import _state

install_values(__name__, _state, 'ember.utils.serialization.config')
