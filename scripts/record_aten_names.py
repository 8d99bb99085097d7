"""Writes ember/library/_aten_names.txt: the names of every ATen operator PyTorch registers (its dispatcher's
list), so that ``ember.ops.aten.<name>`` resolves for every operator PyTorch has, those ember has no kernel
for included (libraries key tables by them at import). Run with PyTorch installed:

    python scripts/record_aten_names.py
"""
import pathlib

import torch

names = sorted({n.split('::')[1].split('.')[0] for n in torch._C._dispatch_get_all_op_names() if n.startswith('aten::')})
out = pathlib.Path(__file__).resolve().parent.parent / 'ember' / 'library' / '_aten_names.txt'
out.write_text('\n'.join(names) + '\n')
print(len(names), 'names')
