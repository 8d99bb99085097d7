"""Video classification models with torchvision's names, builders and checkpoints (torchvision.models.video):
video ResNets (R3D, MC3, R(2+1)D), S3D, MViT and Video Swin Transformer.

Models take ``(N, 3, T, H, W)`` float clips and return ``(N, num_classes)`` logits (Kinetics-400 by default).
"""
from ember.vision.models.video.resnet import *  # noqa: F401,F403
from ember.vision.models.video.s3d import *  # noqa: F401,F403
from ember.vision.models.video.swin_transformer import *  # noqa: F401,F403
from ember.vision.models.video.mvit import *  # noqa: F401,F403
