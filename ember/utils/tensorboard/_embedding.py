"""Files of TensorBoard's projector: vectors (tensors.tsv), labels (metadata.tsv), thumbnails (sprite.png)."""
import io
import math
import os

import numpy as np
from tensorboard.plugins.projector.projector_config_pb2 import EmbeddingInfo

from ._convert import make_grid, make_np


def write_tsv(metadata, save_path, metadata_header=None):
    """One label a line, or tab-separated columns under ``metadata_header``."""
    if not metadata_header:
        lines = [str(x) for x in metadata]
    else:
        if len(metadata_header) != len(metadata[0]):
            raise AssertionError("len of header must be equal to the number of columns in metadata")
        lines = ['\t'.join(str(e) for e in row) for row in [metadata_header] + list(metadata)]
    with open(os.path.join(save_path, 'metadata.tsv'), 'wb') as f:
        f.write(('\n'.join(lines) + '\n').encode('utf-8'))


def write_sprite(label_img, save_path):
    """The label images (NCHW, floats in [0, 1]) tiled into one square PNG."""
    from PIL import Image
    images = make_np(label_img)
    nrow = math.ceil(images.shape[0] ** 0.5)
    grid = make_grid(images, ncols=nrow).transpose(1, 2, 0)
    square = np.zeros((grid.shape[1], grid.shape[1], 3))
    square[:grid.shape[0]] = grid
    with io.BytesIO() as buf:
        Image.fromarray(np.uint8((square * 255).clip(0, 255))).save(buf, format='PNG')
        data = buf.getvalue()
    with open(os.path.join(save_path, 'sprite.png'), 'wb') as f:
        f.write(data)


def write_matrix(mat, save_path):
    """The vectors, one tab-separated row a line, each value as Python prints it."""
    with open(os.path.join(save_path, 'tensors.tsv'), 'wb') as f:
        for row in mat:
            f.write(('\t'.join(str(v.item()) for v in row) + '\n').encode('utf-8'))


def embedding_info(metadata, label_img, subdir, global_step, tag):
    """The projector config entry pointing at one embedding's files."""
    info = EmbeddingInfo(tensor_name=f"{tag}:{str(global_step).zfill(5)}",
                         tensor_path=subdir + '/tensors.tsv')
    if metadata is not None:
        info.metadata_path = subdir + '/metadata.tsv'
    if label_img is not None:
        info.sprite.image_path = subdir + '/sprite.png'
        info.sprite.single_image_dim.extend([label_img.shape[3], label_img.shape[2]])
    return info
