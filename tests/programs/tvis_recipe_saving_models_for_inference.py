# PyTorch recipe "Saving and loading models for inference in PyTorch" (recipes_source/recipes/
# saving_and_loading_models_for_inference.py), as written (seeded), with what a notebook shows of its expressions
# printed. Loading the entire model with torch.load(PATH) fails since PyTorch 2.6 (weights_only=True by
# default); the error is printed and the model loaded with weights_only=False, as the error advises.
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
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

net = Net()
print(net)

optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

# Specify a path
PATH = "state_dict_model.pt"

# Save
torch.save(net.state_dict(), PATH)
print(os.path.getsize(PATH))

# Load
model = Net()
print(model.load_state_dict(torch.load(PATH)))
print(model.eval())

x = torch.randn(2, 3, 32, 32)
print(torch.equal(model(x), net(x)))

# Specify a path
PATH = "entire_model.pt"

# Save
torch.save(net, PATH)
print(os.path.getsize(PATH))

# Load
try:
    model = torch.load(PATH)
except Exception as e:
    print(type(e).__name__)
    print(str(e).splitlines()[0])
model = torch.load(PATH, weights_only=False)
print(model.eval())
print(type(model).__name__, torch.equal(model(x), net(x)))
