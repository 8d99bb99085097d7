"""``ember.utils.serialization.config``: the settings of ``ember.save`` and ``ember.load``."""
