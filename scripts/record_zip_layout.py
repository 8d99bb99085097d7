"""Record tests/fixtures/zip_layout/pytorch_files.json: the bytes of archives PyTorch's writer produced.

Run with real PyTorch from the repository root:  python scripts/record_zip_layout.py

Each case is a file written in a scratch folder (its name gives the archive's folder name) by
``torch.save`` (with and without checksums; quantized tensors, whose names the pickle refers back to; a dynamically
quantized LSTM's packed cell parameters) or by ``torch._C.PyTorchFileWriter``; the JSON holds the file
(base64) and its serialization id, the only part that differs between two runs.
"""
import base64
import json
import os
import tempfile

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'zip_layout',
                   'pytorch_files.json')


def state():
    return {'a': torch.arange(3.), 'b': torch.ones(2, 2, dtype=torch.int64), 'big': torch.zeros(300)}


def save_default(path):
    torch.save(state(), path)


def save_without_crc(path):
    torch.serialization.set_crc32_options(False)
    try:
        torch.save(state(), path)
    finally:
        torch.serialization.set_crc32_options(True)


def quantized(path):
    x = torch.arange(6.).reshape(2, 3)
    torch.save({'w1': torch.quantize_per_tensor(x, 0.5, 1, torch.qint8),
                'w2': torch.quantize_per_tensor(x + 1, 0.25, 0, torch.qint8),
                'w3': torch.quantize_per_channel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0,
                                                 torch.quint8)}, path)


def dynamic_quantized(path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.LSTM(4, 3, 2), torch.nn.Linear(3, 5))
    quantized = torch.ao.quantization.quantize_dynamic(model, {torch.nn.LSTM, torch.nn.Linear}, dtype=torch.qint8)
    torch.save(quantized.state_dict(), path)


def file_writer(path):
    w = torch._C.PyTorchFileWriter(path)
    w.write_record('greeting', b'hello', 5)
    w.write_record('blob', bytes(range(200)), 200)
    w.write_end_of_file()


CASES = {'small.pt': save_default, 'nocrc.pt': save_without_crc, 'quantized.pt': quantized,
         'dynamic_lstm.pt': dynamic_quantized, 'records.bin': file_writer}

if __name__ == '__main__':
    out = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, write in CASES.items():
            path = os.path.join(scratch, name)
            write(path)
            raw = open(path, 'rb').read()
            sid = torch._C.PyTorchFileReader(path).get_record('.data/serialization_id').decode()
            out[name] = {'bytes': base64.b64encode(raw).decode(), 'serialization_id': sid}
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
    print('wrote', OUT)
