# PyTorch recipe "Saving and loading models across devices in PyTorch"
# (recipes_source/recipes/save_load_across_devices.py) on a machine without CUDA: 'cpu' where the recipe names
# 'cuda' (torch.load's map_location given as a device, a string, a dict and a function, as the recipe's
# variants do), the model wrapped in nn.DataParallel for step 6 (the recipe calls net.module without wrapping),
# ``F`` imported (the recipe uses it without importing it); what a notebook shows of the last expressions
# printed, and the loaded values compared with the saved ones. Seeded.
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


def same_as_net(model):
    return all(torch.equal(a, b) and a.device == b.device
               for a, b in zip(net.state_dict().values(), model.state_dict().values()))


# 3. Save on GPU, Load on CPU
PATH = "model.pt"

torch.save(net.state_dict(), PATH)

device = torch.device('cpu')
model = Net()
print(model.load_state_dict(torch.load(PATH, map_location=device)))
print(same_as_net(model))

# 4. Save on GPU, Load on GPU
torch.save(net.state_dict(), PATH)

device = torch.device("cpu")
model = Net()
print(model.load_state_dict(torch.load(PATH)))
print(model.to(device))
print(same_as_net(model), next(model.parameters()).device)

# 5. Save on CPU, Load on GPU
torch.save(net.state_dict(), PATH)

device = torch.device("cpu")
model = Net()
print(model.load_state_dict(torch.load(PATH, map_location="cpu")))
model.to(device)
print(same_as_net(model))

# the other map_location forms torch.load takes: a dict of device renames and a function of (storage, location)
state = torch.load(PATH, map_location={'cuda:0': 'cpu'})
print(sorted(state), {v.device for v in state.values()})
seen = []


def remember(storage, location):
    seen.append(location)
    return storage

state = torch.load(PATH, map_location=remember)
print(sorted(set(seen)), len(seen), all(torch.equal(state[k], v) for k, v in net.state_dict().items()))
x = torch.randn(2, 3, 32, 32)
print(torch.equal(model(x), net(x)))

# 6. Saving torch.nn.DataParallel Models
net = nn.DataParallel(net)
print(type(net).__name__, type(net.module).__name__)
torch.save(net.module.state_dict(), PATH)

model = Net()
print(model.load_state_dict(torch.load(PATH, map_location='cpu')))
print(list(net.state_dict())[:2], list(model.state_dict())[:2])
print(all(torch.equal(a, b) for a, b in zip(net.module.state_dict().values(), model.state_dict().values())))
