"""``ember._inductor.config``: PyTorch's Inductor compiler settings, by name and with PyTorch's defaults
(dotted ones such as ``triton.cudagraphs`` through sub-namespaces).

ember compiles nothing (``ember.compile`` runs programs eagerly): the settings can be read, assigned and
patched as in PyTorch (an unknown name raises ``AttributeError``), and change nothing about how a program
runs.

>>> import ember._inductor.config as config
>>> config.triton.cudagraphs
False
"""
import pathlib

from ember._config_module import install

install(__name__, pathlib.Path(__file__).with_name('config_defaults.json'), 'ember._inductor.config')
