import torch
from torch import nn
from torchinfo import summary


class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                                      nn.MaxPool2d(2), nn.Conv2d(8, 16, 3), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(16, 10)
        self.embed = nn.Embedding(20, 4)

    def forward(self, x, tokens):
        h = self.pool(self.features(x)).flatten(1)
        return self.head(h) + self.embed(tokens).sum(1).sum(1, keepdim=True)


torch.manual_seed(0)
net = SmallNet()
stats = summary(net, input_data=[torch.randn(2, 3, 16, 16), torch.randint(0, 20, (2, 5))], verbose=0,
                col_names=('input_size', 'output_size', 'num_params', 'params_percent', 'kernel_size', 'mult_adds',
                           'trainable'), depth=3)
print(stats)
print(stats.total_params, stats.trainable_params, stats.total_mult_adds, stats.total_input, stats.total_output_bytes)

net.features[0].requires_grad_(False)
print(summary(net, input_size=[(1, 3, 8, 8), (1, 3)], dtypes=[torch.float, torch.long], verbose=0,
              row_settings=('var_names', 'depth'), col_width=14))

lstm = nn.LSTM(6, 12, num_layers=2, batch_first=True, bidirectional=True)
print(summary(lstm, input_size=(3, 7, 6), verbose=0, col_names=('output_size', 'num_params')))
encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 2, 32, batch_first=True), num_layers=1)
print(summary(encoder, input_size=(2, 5, 16), verbose=0, depth=4, col_names=('output_size', 'num_params')))
print(summary(nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2)), verbose=0))
