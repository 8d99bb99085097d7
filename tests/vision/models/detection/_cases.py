"""Small detection configurations and the seeded weights shared by the recording script and the tests.

Weights come from a NumPy generator (no checkpoint is committed): every tensor of the state_dict, in
key order, is drawn from ``numpy.random.default_rng(seed)`` with a scale that keeps activations of a
randomly initialised network in a sensible range. Training-mode cases sample every anchor and proposal
(batch sizes larger than their counts), so the random sampler's draws do not change the losses.
"""
import numpy as np


def seeded_state_dict(shapes, seed=0):
    """``{key: array}`` for the ``{key: (shape, dtype-name)}`` of a state_dict, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    out = {}
    for key in sorted(shapes):
        shape, dtype = shapes[key]
        shape = tuple(shape)
        if dtype.startswith("int"):
            out[key] = np.zeros(shape, dtype=np.int64)
        elif key.endswith("running_var"):
            out[key] = rng.uniform(0.5, 1.5, shape).astype(np.float32)
        elif key.endswith("running_mean"):
            out[key] = (0.1 * rng.standard_normal(shape)).astype(np.float32)
        elif len(shape) >= 2:
            fan_in = int(np.prod(shape[1:]))
            out[key] = (rng.standard_normal(shape) / np.sqrt(fan_in)).astype(np.float32)
        elif key.endswith("weight"):
            out[key] = (1.0 + 0.1 * rng.standard_normal(shape)).astype(np.float32)
        else:
            out[key] = (0.1 * rng.standard_normal(shape)).astype(np.float32)
    return out


def images(seed=1):
    rng = np.random.default_rng(seed)
    return [rng.uniform(0, 1, (3, 40, 48)).astype(np.float32), rng.uniform(0, 1, (3, 48, 40)).astype(np.float32)]


def targets():
    return [{"boxes": np.array([[3.0, 4.0, 30.0, 36.0], [20.0, 6.0, 46.0, 38.0]], dtype=np.float32),
             "labels": np.array([1, 3], dtype=np.int64)},
            {"boxes": np.array([[6.0, 8.0, 34.0, 40.0]], dtype=np.float32),
             "labels": np.array([2], dtype=np.int64)}]


# Small inputs and every anchor/proposal sampled; the builders accept these keyword arguments.
SMALL = dict(weights=None, weights_backbone=None, num_classes=5, min_size=40, max_size=64,
             rpn_pre_nms_top_n_test=50, rpn_post_nms_top_n_test=20, rpn_pre_nms_top_n_train=50,
             rpn_post_nms_top_n_train=20, rpn_batch_size_per_image=100000, box_batch_size_per_image=100000,
             box_score_thresh=0.0)


def resnet18_v2_heads(detection, nn):
    """A Faster R-CNN on a ResNet-18 FPN with the v2 heads (2-conv RPN head, conv+FC box head with BatchNorm),
    built from ``detection`` and ``nn`` of either library."""
    backbone = detection.backbone_utils.resnet_fpn_backbone(backbone_name="resnet18", weights=None,
                                                            norm_layer=nn.BatchNorm2d, trainable_layers=5)
    rpn_head = detection.rpn.RPNHead(256, 3, conv_depth=2)
    box_head = detection.faster_rcnn.FastRCNNConvFCHead((256, 7, 7), [32, 32], [64], norm_layer=nn.BatchNorm2d)
    kwargs = {k: v for k, v in SMALL.items() if k not in ("weights", "weights_backbone", "num_classes")}
    return detection.FasterRCNN(backbone, rpn_head=rpn_head, box_head=box_head,
                                box_predictor=detection.faster_rcnn.FastRCNNPredictor(64, 5), **kwargs)


def mask_targets():
    """targets() plus a uint8 ``masks`` [N, H, W] per image: an ellipse inside each box."""
    out = targets()
    for t, (h, w) in zip(out, [(40, 48), (48, 40)]):
        yy, xx = np.mgrid[0:h, 0:w]
        masks = []
        for x1, y1, x2, y2 in t["boxes"]:
            cx, cy, rx, ry = (x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) / 2, (y2 - y1) / 2
            masks.append((((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1.0).astype(np.uint8))
        t["masks"] = np.stack(masks)
    return out


def resnet18_mask_heads(detection, nn, norm=False):
    """A Mask R-CNN on a ResNet-18 FPN with narrow box and mask heads (BatchNorm in them when ``norm``,
    as in the v2 models), built from ``detection`` and ``nn`` of either library."""
    norm_layer = nn.BatchNorm2d if norm else None
    backbone = detection.backbone_utils.resnet_fpn_backbone(backbone_name="resnet18", weights=None,
                                                            norm_layer=nn.BatchNorm2d, trainable_layers=5)
    box_head = detection.faster_rcnn.FastRCNNConvFCHead((256, 7, 7), [16], [32], norm_layer=norm_layer)
    mask_head = detection.mask_rcnn.MaskRCNNHeads(256, [16, 16], 1, norm_layer=norm_layer)
    kwargs = {k: v for k, v in SMALL.items() if k not in ("weights", "weights_backbone", "num_classes")}
    return detection.MaskRCNN(backbone, box_head=box_head, box_predictor=detection.faster_rcnn.FastRCNNPredictor(32, 5),
                              mask_head=mask_head, mask_predictor=detection.mask_rcnn.MaskRCNNPredictor(16, 8, 5),
                              box_detections_per_img=12, **kwargs)


def keypoint_targets():
    """targets() plus float32 ``keypoints`` [N, 5, 3] per image: points inside each box (one of them
    invisible, one on the box's right edge, one outside the box)."""
    rng = np.random.default_rng(2)
    out = targets()
    for t in out:
        kps = []
        for x1, y1, x2, y2 in t["boxes"]:
            pts = np.stack([rng.uniform(x1, x2, 5), rng.uniform(y1, y2, 5), np.full(5, 2.0)], axis=1)
            pts[1, 2] = 0.0  # not visible
            pts[2, 0] = x2  # on the right edge: the last heatmap column
            pts[3, 0] = x2 + 3.0  # outside the box
            kps.append(pts)
        t["keypoints"] = np.stack(kps).astype(np.float32)
    return out


def resnet18_keypoint_heads(detection, nn):
    """A Keypoint R-CNN (5 keypoints) on a ResNet-18 FPN with narrow box and keypoint heads, built from
    ``detection`` and ``nn`` of either library."""
    backbone = detection.backbone_utils.resnet_fpn_backbone(backbone_name="resnet18", weights=None,
                                                            norm_layer=nn.BatchNorm2d, trainable_layers=5)
    box_head = detection.faster_rcnn.FastRCNNConvFCHead((256, 7, 7), [16], [32])
    kwargs = {k: v for k, v in SMALL.items() if k not in ("weights", "weights_backbone", "num_classes")}
    return detection.KeypointRCNN(backbone, box_head=box_head, box_predictor=detection.faster_rcnn.FastRCNNPredictor(32, 5),
                                  keypoint_head=detection.keypoint_rcnn.KeypointRCNNHeads(256, [16, 16]),
                                  keypoint_predictor=detection.keypoint_rcnn.KeypointRCNNPredictor(16, 5),
                                  box_detections_per_img=8, **kwargs)


def resnet18_retinanet(detection, nn, v2=False):
    """A RetinaNet on a ResNet-18 FPN (P3-P7); with ``v2`` P6 comes from C5, the heads use GroupNorm and
    the box loss is GIoU, as in retinanet_resnet50_fpn_v2. Built from ``detection`` and ``nn`` of either library."""
    retinanet = detection.retinanet
    backbone = detection.backbone_utils.resnet_fpn_backbone(
        backbone_name="resnet18", weights=None, norm_layer=nn.BatchNorm2d, trainable_layers=5,
        returned_layers=[2, 3, 4], extra_blocks=retinanet.LastLevelP6P7(512 if v2 else 256, 256))
    anchor_generator = retinanet._default_anchorgen()
    head = retinanet.RetinaNetHead(256, anchor_generator.num_anchors_per_location()[0], 5,
                                   norm_layer=(lambda c: nn.GroupNorm(32, c)) if v2 else None)
    if v2:
        head.regression_head._loss_type = "giou"
    return detection.RetinaNet(backbone, 5, min_size=40, max_size=64, anchor_generator=anchor_generator, head=head,
                               topk_candidates=50, detections_per_img=20)


def resnet18_fcos(detection, nn):
    """An FCOS on a ResNet-18 FPN (P3-P7) with 2-convolution heads, built from ``detection`` and ``nn`` of
    either library."""
    backbone = detection.backbone_utils.resnet_fpn_backbone(
        backbone_name="resnet18", weights=None, norm_layer=nn.BatchNorm2d, trainable_layers=5,
        returned_layers=[2, 3, 4], extra_blocks=detection.fcos.LastLevelP6P7(256, 256))
    return detection.FCOS(backbone, 5, min_size=40, max_size=64, head=detection.fcos.FCOSHead(256, 1, 5, num_convs=2),
                          score_thresh=0.05, topk_candidates=50, detections_per_img=20)


# model name -> (builder of (detection, nn), targets function): recorded with seeded weights
MODEL_CASES = {
    "resnet18_v2_heads": (resnet18_v2_heads, targets),
    "resnet18_mask_heads": (resnet18_mask_heads, mask_targets),
    "resnet18_mask_heads_norm": (lambda detection, nn: resnet18_mask_heads(detection, nn, norm=True), mask_targets),
    "resnet18_keypoint_heads": (resnet18_keypoint_heads, keypoint_targets),
    "resnet18_retinanet": (resnet18_retinanet, targets),
    "resnet18_retinanet_v2": (lambda detection, nn: resnet18_retinanet(detection, nn, v2=True), targets),
    "resnet18_fcos": (resnet18_fcos, targets),
}

# builder name -> keyword arguments, for the outputs recorded with seeded weights
FORWARD_CASES = {
    "fasterrcnn_mobilenet_v3_large_fpn": SMALL,
}

# builders whose state_dict key names and shapes are recorded (default configuration)
STATE_DICT_BUILDERS = ["fasterrcnn_resnet50_fpn", "fasterrcnn_resnet50_fpn_v2", "fasterrcnn_mobilenet_v3_large_fpn",
                       "fasterrcnn_mobilenet_v3_large_320_fpn", "maskrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn_v2",
                       "keypointrcnn_resnet50_fpn", "retinanet_resnet50_fpn", "retinanet_resnet50_fpn_v2",
                       "fcos_resnet50_fpn"]


# SSD300's default boxes (ssd300_vgg16's)
SSD300_BOXES = dict(aspect_ratios=[[2], [2, 3], [2, 3], [2, 3], [2], [2]],
                    scales=[0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05], steps=[8, 16, 32, 64, 100, 300])


def narrow_ssd300(detection, nn):
    """ssd300_vgg16's model (VGG feature extractor, default boxes, 300 x 300 inputs) on a VGG narrowed to 8
    channels except where the extractor needs 512 (conv4_3, conv5's input and output), so a forward takes a
    fraction of VGG-16's time. ImageNet's normalisation (SSD's own scales inputs to 0-255, which saturates
    the scores of random weights). Built from ``detection`` and ``nn`` of either library."""
    layers, in_channels = [], 3
    for v in [8, "M", 8, "M", 8, "M", 512, "M", 8, 512, "M"]:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers += [nn.Conv2d(in_channels, v, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
            in_channels = v
    backbone = detection.ssd.SSDFeatureExtractorVGG(nn.Sequential(*layers), highres=False)
    anchors = detection.anchor_utils.DefaultBoxGenerator(**SSD300_BOXES)
    return detection.ssd.SSD(backbone, anchors, (300, 300), 5, score_thresh=0.2, detections_per_img=30)


def small_ssdlite320(detection, nn):
    """ssdlite320_mobilenet_v3_large as built (no pretrained backbone) for 5 classes, keeping fewer detections."""
    return detection.ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=5,
                                                   score_thresh=0.2, detections_per_img=30)


# model name -> builder of (detection, nn): recorded with seeded weights on images() and targets()
SSD_CASES = {"narrow_ssd300": narrow_ssd300, "ssdlite320": small_ssdlite320}
# builders whose state_dict layout and printed form are recorded (default configuration)
SSD_BUILDERS = ["ssd300_vgg16", "ssdlite320_mobilenet_v3_large"]
