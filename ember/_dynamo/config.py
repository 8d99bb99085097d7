"""``ember._dynamo.config``: PyTorch's TorchDynamo settings, by name and with PyTorch's defaults.

ember runs compiled programs eagerly (see ``ember.compile``): the settings can be read, assigned and
patched as in PyTorch (an unknown name raises ``AttributeError``), and change nothing about how a program
runs.

>>> import ember._dynamo
>>> ember._dynamo.config.cache_size_limit
8
"""
import pathlib

from ember._config_module import install

install(__name__, pathlib.Path(__file__).with_name('config_defaults.json'), 'ember._dynamo.config')
