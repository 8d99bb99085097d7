"""The model configurations whose logits are compared with torchvision's (shared by the recording
script and the tests; neither PyTorch nor ember is imported here).

``builder`` names an attribute of the models package (a builder or a class, dotted for a submodule);
a kwarg value written ``"models.X"`` stands for the attribute ``X`` of the models package, and
``{"call": "X", "args": [...], "kwargs": {...}}`` for the result of calling it. Configs are
the smallest that still exercise every block type of a family; ``slow`` ones (whose fixed-size
classifier alone holds ~100M parameters) run only with EMBER_SLOW_TESTS=1.
"""
CASES = {
    "resnet18": dict(builder="resnet18", kwargs={}, input=(1, 3, 64, 64)),
    "resnext_dilated": dict(builder="resnet.ResNet",
                            kwargs=dict(block="models.resnet.Bottleneck", layers=[1, 1, 1, 1], groups=4,
                                        width_per_group=8, num_classes=10,
                                        replace_stride_with_dilation=[False, True, True]),
                            input=(2, 3, 32, 32)),
    "vgg_features_bn": dict(builder="vgg.make_layers", kwargs=dict(cfg=[8, "M", 16, 16, "M"], batch_norm=True),
                            input=(1, 3, 16, 16)),
    "vgg11_bn": dict(builder="vgg11_bn", kwargs=dict(num_classes=10), input=(1, 3, 32, 32), slow=True),
    "alexnet": dict(builder="alexnet", kwargs=dict(num_classes=10), input=(1, 3, 63, 63), slow=True),
    "mobilenet_v2": dict(builder="mobilenet_v2", kwargs=dict(width_mult=0.25, num_classes=10),
                         input=(1, 3, 32, 32)),
    "mobilenet_v3_small": dict(builder="mobilenet_v3_small", kwargs=dict(width_mult=0.5, num_classes=10),
                               input=(1, 3, 32, 32)),
    "mobilenet_v3_large_dilated": dict(builder="mobilenet_v3_large",
                                       kwargs=dict(width_mult=0.25, num_classes=10, dilated=True,
                                                   reduced_tail=True),
                                       input=(1, 3, 32, 32)),
    "densenet": dict(builder="densenet.DenseNet",
                     kwargs=dict(growth_rate=4, block_config=(2, 2, 1, 1), num_init_features=8, bn_size=2,
                                 num_classes=10),
                     input=(1, 3, 32, 32)),
    "squeezenet1_0": dict(builder="squeezenet1_0", kwargs=dict(num_classes=10), input=(1, 3, 35, 35)),
    "squeezenet1_1": dict(builder="squeezenet1_1", kwargs=dict(num_classes=10), input=(1, 3, 33, 33)),
    "efficientnet_v1": dict(builder="efficientnet.EfficientNet",
                            kwargs=dict(inverted_residual_setting=[
                                {"call": "efficientnet.MBConvConfig", "args": [1, 3, 1, 32, 16, 1, 0.25, 1.0]},
                                {"call": "efficientnet.MBConvConfig", "args": [6, 5, 2, 16, 24, 2, 0.25, 1.0]},
                                {"call": "efficientnet.MBConvConfig", "args": [6, 3, 1, 24, 40, 1, 0.25, 1.0]}],
                                dropout=0.2, num_classes=10),
                            input=(1, 3, 16, 16)),
    "efficientnet_v2": dict(builder="efficientnet.EfficientNet",
                            kwargs=dict(inverted_residual_setting=[
                                {"call": "efficientnet.FusedMBConvConfig", "args": [1, 3, 1, 8, 8, 2]},
                                {"call": "efficientnet.FusedMBConvConfig", "args": [4, 3, 2, 8, 16, 1]},
                                {"call": "efficientnet.MBConvConfig", "args": [4, 3, 2, 16, 24, 2]}],
                                dropout=0.2, num_classes=10, last_channel=32),
                            input=(1, 3, 16, 16)),
    "shufflenet_v2_x0_5": dict(builder="shufflenet_v2_x0_5", kwargs=dict(num_classes=10), input=(1, 3, 32, 32)),
    "mnasnet0_5": dict(builder="mnasnet0_5", kwargs=dict(num_classes=10), input=(1, 3, 32, 32)),
    "googlenet": dict(builder="googlenet", kwargs=dict(num_classes=10, init_weights=False, transform_input=True),
                      input=(1, 3, 64, 64)),
    "inception_v3": dict(builder="inception_v3", kwargs=dict(num_classes=10, init_weights=False, aux_logits=False),
                         input=(1, 3, 75, 75)),
    "regnet_y_400mf": dict(builder="regnet_y_400mf", kwargs=dict(num_classes=10), input=(1, 3, 32, 32)),
    "regnet_x_small": dict(builder="regnet.RegNet",
                           kwargs=dict(block_params={"call": "regnet.BlockParams.from_init_params",
                                                     "kwargs": dict(depth=4, w_0=8, w_a=8.0, w_m=2.0, group_width=4,
                                                                    bottleneck_multiplier=2.0)},
                                       num_classes=10, stem_width=8),
                           input=(1, 3, 32, 32)),
}
