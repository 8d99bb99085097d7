"""Records the tags of every ATen overload (``torch.ops.aten.<name>.<overload>.tags``) into
ember/export/_aten_tags.json, read by ``OpOverload.tags``. Run with PyTorch installed::

    python scripts/record_aten_tags.py

Nearly every overload carries ``pt2_compliant_tag``, so the file lists the few that do not instead.
"""
import json
from collections import defaultdict
from pathlib import Path

import torch


def main():
    tagged, lacking_pt2 = defaultdict(list), []
    for name in sorted(dir(torch.ops.aten)):
        try:
            packet = getattr(torch.ops.aten, name)
        except Exception:
            continue
        if not hasattr(packet, 'overloads'):
            continue
        for overload in sorted(packet.overloads()):
            key = f'{name}.{overload}'
            tags = {t.name for t in getattr(packet, overload).tags}
            if 'pt2_compliant_tag' not in tags:
                lacking_pt2.append(key)
            for tag in tags - {'pt2_compliant_tag'}:
                tagged[tag].append(key)
    out = {'lacking_pt2_compliant_tag': lacking_pt2, 'tags': {t: sorted(v) for t, v in sorted(tagged.items())}}
    path = Path(__file__).resolve().parents[1] / 'ember' / 'export' / '_aten_tags.json'
    path.write_text(json.dumps(out, indent=0, sort_keys=True) + '\n')


if __name__ == '__main__':
    main()
