"""Record the names and default values of PyTorch's compiler settings (``torch._dynamo.config`` and
``torch._inductor.config``) for ember's settings modules:
    /tmp/torch/bin/python scripts/record_compiler_configs.py
Sets are written as {"__set__": [...]} (their members' reprs when they are not strings); "aliases" maps
old names to the settings they stand for; paths under the installation's site-packages or the working
directory are written with the placeholders <site-packages> and <cwd> (filled in when ember loads them)."""
import json
import os
import pathlib

import torch
import torch._dynamo.config as dynamo_config
import torch._inductor.config as inductor_config

ROOT = pathlib.Path(__file__).resolve().parent.parent


SITE = os.path.dirname(os.path.dirname(torch.__file__))


def encode(value):
    if isinstance(value, str):      # paths of this installation and working directory, as placeholders
        return value.replace(SITE, '<site-packages>').replace(os.getcwd(), '<cwd>')
    if isinstance(value, (set, frozenset)):
        return {'__set__': sorted(v if isinstance(v, str) else repr(v) for v in value)}
    json.dumps(value)
    return value


for module, target in ((dynamo_config, 'ember/_dynamo/config_defaults.json'),
                       (inductor_config, 'ember/_inductor/config_defaults.json')):
    values = {k: encode(v) for k, v in sorted(module.get_config_copy().items()) if k != 'TYPE_CHECKING'}
    aliases = {}
    for key, entry in module._config.items():
        alias = getattr(entry, 'alias', None)
        if alias and alias.startswith(module.__name__ + '.'):
            aliases[key] = alias[len(module.__name__) + 1:]     # another name for one of these settings
        elif alias:
            values[key] = encode(getattr(module, key))          # a setting of another module: its value here
    (ROOT / target).write_text(json.dumps({'values': values, 'aliases': aliases}, indent=0, sort_keys=True) + '\n')
