"""Writers for the exact on-disk formats (IDX, CIFAR pickles) and a local HTTP server for downloads."""
import contextlib
import gzip
import hashlib
import http.server
import importlib.util
import os
import pickle
import socket
import threading

import numpy as np
import pytest

needs_pil = pytest.mark.skipif(importlib.util.find_spec("PIL") is None, reason="needs Pillow")

_IDX_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(np.int16): 0x0B,
              np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D, np.dtype(np.float64): 0x0E}


def idx_bytes(arr):
    """``arr`` in LeCun's IDX format: magic 0x0000TTDD, big-endian uint32 dims, big-endian data."""
    arr = np.asarray(arr)
    header = bytes([0, 0, _IDX_CODES[arr.dtype], arr.ndim])
    header += b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    return header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def write_idx(path, arr, gz=False):
    data = idx_bytes(arr)
    if gz:
        data = gzip.compress(data)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def mnist_arrays(n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n).astype(np.uint8)


def write_mnist_raw(raw, n_train=6, n_test=4, gz=False, prefix=("train", "t10k")):
    """MNIST-named IDX files in ``raw``; returns {split: (images, labels)}."""
    out = {}
    for split, n, seed in ((prefix[0], n_train, 0), (prefix[1], n_test, 1)):
        images, labels = mnist_arrays(n, seed)
        suffix = ".gz" if gz else ""
        write_idx(os.path.join(raw, f"{split}-images-idx3-ubyte{suffix}"), images, gz)
        write_idx(os.path.join(raw, f"{split}-labels-idx1-ubyte{suffix}"), labels, gz)
        out[split] = (images, labels)
    return out


def cifar_batch(n, seed, label_key="labels", n_classes=10):
    rng = np.random.default_rng(seed)
    return {"batch_label": f"batch {seed}", label_key: [int(v) for v in rng.integers(0, n_classes, n)],
            "data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
            "filenames": [f"img_{seed}_{i}.png" for i in range(n)]}


def write_pickle(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=2)
    return path


def write_cifar10(root, per_batch=2, n_test=3):
    """A miniature cifar-10-batches-py; returns {file name: batch dict}."""
    folder = os.path.join(root, "cifar-10-batches-py")
    batches = {f"data_batch_{i}": cifar_batch(per_batch, i) for i in range(1, 6)}
    batches["test_batch"] = cifar_batch(n_test, 99)
    for name, batch in batches.items():
        write_pickle(os.path.join(folder, name), batch)
    write_pickle(os.path.join(folder, "batches.meta"),
                 {"label_names": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                                  "truck"], "num_cases_per_batch": per_batch, "num_vis": 3072})
    return batches


def md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def http_server(directory):
    """Serve ``directory`` on 127.0.0.1 (a free port) from a daemon thread; yields the base URL."""
    def handler(*args, **kwargs):
        return _QuietHandler(*args, directory=directory, **kwargs)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens (connection refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"
