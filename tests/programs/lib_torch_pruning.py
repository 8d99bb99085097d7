import torch
import torchvision
import torch_pruning as tp

torch.manual_seed(0)
model = torchvision.models.resnet18(num_classes=10)
example = torch.randn(1, 3, 64, 64)
base_macs, base_params = tp.utils.count_ops_and_params(model, example)
print(base_macs, base_params)
DG = tp.DependencyGraph().build_dependency(model, example_inputs=example)
group = DG.get_pruning_group(model.conv1, tp.prune_conv_out_channels, idxs=[2, 6, 9])
print(len(group), DG.check_pruning_group(group))
group.prune()
print(model.conv1, model.bn1, model.layer1[0].conv1)
print(tp.utils.count_ops_and_params(model, example))
print(tuple(model(example).shape))

torch.manual_seed(0)
model = torchvision.models.resnet18(num_classes=10)
imp = tp.importance.MagnitudeImportance(p=2)
pruner = tp.pruner.MetaPruner(model, example, importance=imp, pruning_ratio=0.5, ignored_layers=[model.fc])
pruner.step()
macs, params = tp.utils.count_ops_and_params(model, example)
print(macs, params)
print([m.out_channels for m in model.modules() if isinstance(m, torch.nn.Conv2d)])
out = model(example)
print(tuple(out.shape), f'{out.sum().item():.4f}')

# Taylor importance ranks |weight * gradient| across all layers: in float64, so that float32 rounding of the
# gradients (convolution sums in another order) cannot swap two nearly equal channels
torch.manual_seed(0)
model = torchvision.models.resnet18(num_classes=10).double()
example = example.double()
imp = tp.importance.TaylorImportance()
loss = model(torch.randn(2, 3, 64, 64, dtype=torch.float64)).sum()
loss.backward()
pruner = tp.pruner.MetaPruner(model, example, importance=imp, pruning_ratio=0.25, ignored_layers=[model.fc],
                              global_pruning=True)
pruner.step()
print(tp.utils.count_ops_and_params(model, example))
print([m.out_channels for m in model.modules() if isinstance(m, torch.nn.Conv2d)][:8])
