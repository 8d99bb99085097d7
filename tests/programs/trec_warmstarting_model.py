"""PyTorch's recipe "Warmstarting model using parameters from a different model"
(recipes_source/recipes/warmstarting_model_using_parameters_from_a_different_model.py): NetA's state_dict
saved and loaded into NetB with strict=False; what load_state_dict returns printed, then a run of each net on
the same input (the recipe's forward, F imported) to show B now computes A's function, and a partial
state_dict (fc3 left out, a key renamed) loaded as the recipe describes."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)


class NetA(nn.Module):
    def __init__(self):
        super(NetA, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.flatten(start_dim=1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


netA = NetA()


class NetB(nn.Module):
    def __init__(self):
        super(NetB, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.flatten(start_dim=1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


netB = NetB()

# Specify a path to save to
PATH = "model.pt"

torch.save(netA.state_dict(), PATH)

x = torch.randn(2, 3, 32, 32)
print("before:", torch.equal(netA(x), netB(x)))
print(netB.load_state_dict(torch.load(PATH), strict=False))
print("after:", torch.equal(netA(x), netB(x)))
print(netB(x))

# a partial state_dict whose keys do not all match: renamed to match, the rest reported
partial = {k: v for k, v in torch.load(PATH).items() if not k.startswith('fc3')}
partial['classifier.weight'] = partial.pop('fc2.weight')
result = netB.load_state_dict(partial, strict=False)
print(result)
print("missing:", result.missing_keys)
print("unexpected:", result.unexpected_keys)
partial['fc2.weight'] = partial.pop('classifier.weight')
print(netB.load_state_dict(partial, strict=False))
try:
    netB.load_state_dict(partial)
except RuntimeError as e:
    print(type(e).__name__, e)
