"""The segmentation, video and optical-flow configurations whose outputs are compared with torchvision's
(shared by record.py and the tests; neither PyTorch nor ember is imported here). The format is that of
tests/vision/models/_cases.py; ``inputs`` lists the shapes of the positional inputs; ``slow`` cases
(tens of millions of parameters) run only with EMBER_SLOW_TESTS=1."""
CASES = {
    "fcn_resnet50_aux": dict(builder="segmentation.fcn_resnet50",
                             kwargs=dict(weights_backbone=None, num_classes=5, aux_loss=True), inputs=[(1, 3, 16, 16)],
                             slow=True),
    "fcn_head": dict(builder="segmentation.fcn.FCNHead", kwargs=dict(in_channels=16, channels=3), inputs=[(2, 16, 4, 5)]),
    "deeplabv3_mobilenet_v3_large_aux": dict(builder="segmentation.deeplabv3_mobilenet_v3_large",
                                             kwargs=dict(weights_backbone=None, num_classes=4, aux_loss=True),
                                             inputs=[(1, 3, 32, 32)]),
    "lraspp_mobilenet_v3_large": dict(builder="segmentation.lraspp_mobilenet_v3_large",
                                      kwargs=dict(weights_backbone=None, num_classes=3), inputs=[(1, 3, 32, 24)]),
    # ASPP on a small map with rates both smaller and larger than it (dilated taps fall in the padding)
    "aspp_head": dict(builder="segmentation.deeplabv3.DeepLabHead",
                      kwargs=dict(in_channels=8, num_classes=3, atrous_rates=[1, 2, 6]), inputs=[(2, 8, 5, 7)]),
}
