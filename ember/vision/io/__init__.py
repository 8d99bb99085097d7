"""Image file reading, decoding and encoding (torchvision.io), through Pillow (optional extra ``vision``); video
files through PyAV (optional extra ``video``)."""
from ember.vision.io.image import (  # noqa: F401
    ImageReadMode, decode_gif, decode_image, decode_jpeg, decode_png, decode_webp, encode_jpeg, encode_png,
    read_file, read_image, write_file, write_jpeg, write_png,
)
from ember.vision.io._extra_decoders import decode_avif, decode_heic  # noqa: F401
from ember.vision.io.video import read_video, read_video_timestamps, write_video  # noqa: F401

__all__ = ["ImageReadMode", "decode_avif", "decode_gif", "decode_heic", "decode_image", "decode_jpeg", "decode_png", "decode_webp", "encode_jpeg",
           "encode_png", "read_file", "read_image", "read_video", "read_video_timestamps", "write_file", "write_jpeg", "write_png",
           "write_video"]
