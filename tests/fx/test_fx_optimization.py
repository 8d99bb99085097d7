"""ember.fx.experimental.optimization.fuse: eval-mode batch norms folded into the layer before them on the FX
graph, as PyTorch's fuse does (the same patterns, the same skips, the same refusal in training mode)."""
import pytest

import ember
import ember.fx.experimental.optimization as optimization
from ember import fx, nn


class ConvBnNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.block = nn.Sequential(nn.Conv1d(4, 4, 1), nn.BatchNorm1d(4))
        self.fc = nn.Linear(4, 5)
        self.bn_fc = nn.BatchNorm1d(5)

    def forward(self, x):
        y = self.bn(self.conv(x)).relu()
        y = self.block(y.flatten(2)).mean(-1)
        return self.bn_fc(self.fc(y))


def _with_statistics(model):
    # running statistics away from their defaults, so that folding them changes the weights
    ember.manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.5, 2)
            m.weight.data.uniform_(0.5, 1.5)
    return model.eval()


def test_conv_and_linear_batch_norms_are_folded_and_results_kept():
    ember.manual_seed(0)
    model = _with_statistics(ConvBnNet())
    x = ember.randn(2, 3, 6, 6)
    fused = optimization.fuse(model)
    assert isinstance(fused, fx.GraphModule)
    kinds = [type(m).__name__ for _, m in fused.named_modules()]
    assert 'BatchNorm1d' not in kinds and 'BatchNorm2d' not in kinds
    assert [n.target for n in fused.graph.nodes if n.op == 'call_module'] == ['conv', 'block.0', 'fc']
    assert ember.allclose(fused(x), model(x), atol=1e-5)
    # the model itself is untouched (fuse works on a deep copy unless inplace=True)
    assert isinstance(model.bn, nn.BatchNorm2d) and model.conv.weight is not fused.conv.weight


def test_inplace_shares_the_models_layers_instead_of_copying_them():
    # as in PyTorch, the traced module gets fresh containers: the model's own tree is not rewritten, but with
    # inplace=True its unfused layers are the very objects the fused module calls
    ember.manual_seed(0)
    model = _with_statistics(nn.Sequential(nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)), nn.ReLU()))
    conv, relu = model[0][0], model[1]
    fused = optimization.fuse(model, inplace=True)
    assert model[0][0] is conv and type(model[0][1]) is nn.BatchNorm2d
    assert fused.get_submodule('1') is relu and fused.get_submodule('0.0') is not conv
    assert optimization.fuse(model).get_submodule('1') is not relu


def test_no_trace_reuses_a_graph_module():
    ember.manual_seed(0)
    traced = fx.symbolic_trace(_with_statistics(nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))))
    fused = optimization.fuse(traced, no_trace=True)
    assert [type(m).__name__ for m in fused.children()] == ['Linear']


def test_shared_outputs_untracked_statistics_and_other_types_are_left_alone():
    class Shared(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3)
            self.bn = nn.BatchNorm2d(4)

        def forward(self, x):
            y = self.conv(x)
            return self.bn(y) + y          # the conv's output feeds two nodes: no fusion

    ember.manual_seed(0)
    assert 'bn' in dict(optimization.fuse(Shared().eval()).named_children())
    untracked = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4, track_running_stats=False)).eval()
    assert len(list(optimization.fuse(untracked).children())) == 2
    mismatched = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm3d(4)).eval()   # not one of the patterns
    assert len(list(optimization.fuse(mismatched).children())) == 2


def test_training_mode_is_refused_as_pytorch_refuses_it():
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))
    with pytest.raises(AssertionError, match='^Fusion only for eval!$'):
        optimization.fuse(model)
