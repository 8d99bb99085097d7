"""The models tests/jit/test_jit_trace.py traces with ember.jit.trace, shared with the script that records what
PyTorch computes when it loads ember's archives of them (tests/fixtures/jit/record_ember_traced.py)."""
import ember
import ember.nn as nn
import ember.nn.functional as F


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 16)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        return F.softmax(self.fc2(self.act(self.fc1(x))), dim=-1)


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(ember.relu(self.conv1(x)), 2)
        x = F.max_pool2d(ember.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        return self.fc3(ember.relu(self.fc2(ember.relu(self.fc1(x)))))


class Tagger(nn.Module):
    """An LSTM over embedded tokens, a linear head on every step."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 8)
        self.lstm = nn.LSTM(8, 6, num_layers=2, batch_first=True, bidirectional=True)
        self.head = nn.Linear(12, 4)

    def forward(self, tokens):
        out, (h, c) = self.lstm(self.embed(tokens))
        return self.head(out), h


class Ops(nn.Module):
    """A sweep of operators and how the recorded program writes them (indexing with None kept whole, tuples
    of results, integer results, scalars first, factories, in-place fills)."""

    def forward(self, x, idx):
        a, b = x.split([1, 3], dim=1)
        values, indices = x.topk(2, dim=1)
        ordered, order = x.sort(dim=1, descending=True)
        q = x.view(1, 1, 4, 4)
        return (x[:, idx], x[idx, 1:], a, b, x.unbind(0)[1], x.max().reshape(1), x.std(1), values, indices,
                ordered, order, x.argmax(1), x.cumsum(1), x.index_select(0, idx),
                x.gather(1, idx.view(-1, 1).expand(-1, 2)), (x > 0).any(1), (x > 0) & (x < 1), 2 ** x, 1 - x,
                x // 0.3, x % 0.3, x.logsumexp(1), x.norm(dim=1),
                F.scaled_dot_product_attention(q, q, q, is_causal=True), x.new_zeros(3),
                ember.zeros_like(x).fill_(2.0), x.abs().sqrt().exp().log1p(), F.log_softmax(x, dim=0),
                F.silu(x), F.hardswish(x), x.t() @ x, x.masked_fill(x > 0, 0.0), ember.maximum(x, x.t()),
                ember.div(idx, 2, rounding_mode='floor'), x.to(ember.float64) / 3)


class Resize(nn.Module):
    """F.interpolate's modes (recorded as PyTorch's upsample operators) and einsum."""

    def forward(self, x, y):
        return (F.interpolate(x, scale_factor=2), F.interpolate(x, size=(5, 7), mode='bilinear'),
                F.interpolate(x, scale_factor=1.5, mode='bicubic', align_corners=True),
                F.interpolate(x, scale_factor=2, recompute_scale_factor=True), F.interpolate(x[:, :, 0], scale_factor=3,
                                                                                            mode='linear'),
                F.interpolate(x, size=4, mode='nearest-exact'), ember.einsum('bij,bkj->bik', y, y))


class PaddedAttention(nn.Module):
    """Attention with a key padding mask, with a 2-D attention mask, and an encoder layer over padding."""

    def __init__(self):
        super().__init__()
        self.attention = nn.MultiheadAttention(8, 2, batch_first=True)
        self.encoder = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)

    def forward(self, x, padding, causal):
        a, weights = self.attention(x, x, x, key_padding_mask=padding)
        b, _ = self.attention(x, x, x, attn_mask=causal, need_weights=False)
        return a, weights, b, self.encoder(x, src_key_padding_mask=padding)


def cases():
    """{name: (module, example inputs)}, the same values for the same ember seed."""
    import ember.vision
    ember.manual_seed(0)
    made = {
        'mlp': (MLP(), (ember.randn(4, 6),)),
        'ops': (Ops(), (ember.randn(4, 4), ember.tensor([2, 0]))),
        'resize': (Resize(), (ember.randn(1, 2, 3, 4), ember.randn(2, 3, 4))),
        'padded_attention': (PaddedAttention(), (ember.randn(2, 3, 8), ember.tensor([[False, False, True],
                                                                                     [False, True, True]]),
                                                 ember.ones(3, 3, dtype=ember.bool).triu(1))),
        'lenet': (LeNet(), (ember.randn(2, 1, 28, 28),)),
        'tagger': (Tagger(), (ember.randint(0, 20, (3, 7)),)),
        'encoder': (nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, dropout=0.1, batch_first=True),
                    (ember.randn(2, 5, 16),)),
        'resnet18': (ember.vision.models.resnet18(num_classes=10), (ember.randn(1, 3, 32, 32),)),
        'mobilenet_v2': (ember.vision.models.mobilenet_v2(num_classes=10), (ember.randn(1, 3, 32, 32),)),
    }
    for module, _ in made.values():
        module.eval()
    return made
