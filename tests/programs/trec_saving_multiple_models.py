"""PyTorch's recipe "Saving and loading multiple models in one file"
(recipes_source/recipes/saving_multiple_models_in_one_file.py): two nets and their SGD optimizers saved in
one dictionary and loaded back; a training step first (on random images, F imported for the recipe's
forward) so the optimizers have momentum buffers to save, and the loaded states printed and compared."""
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


netA = Net()
netB = Net()

optimizerA = optim.SGD(netA.parameters(), lr=0.001, momentum=0.9)
optimizerB = optim.SGD(netB.parameters(), lr=0.001, momentum=0.9)

# one step each, so that the optimizers hold momentum buffers
images, labels = torch.randn(4, 3, 32, 32), torch.tensor([1, 0, 3, 9])
for net, opt in ((netA, optimizerA), (netB, optimizerB)):
    opt.zero_grad()
    loss = F.cross_entropy(net(images), labels)
    loss.backward()
    opt.step()
    print(f"loss {loss.item():.6f}")

# Specify a path to save to
PATH = "model.pt"

torch.save({
            'modelA_state_dict': netA.state_dict(),
            'modelB_state_dict': netB.state_dict(),
            'optimizerA_state_dict': optimizerA.state_dict(),
            'optimizerB_state_dict': optimizerB.state_dict(),
            }, PATH)

modelA = Net()
modelB = Net()
optimModelA = optim.SGD(modelA.parameters(), lr=0.001, momentum=0.9)
optimModelB = optim.SGD(modelB.parameters(), lr=0.001, momentum=0.9)

checkpoint = torch.load(PATH)
print(list(checkpoint))
print(modelA.load_state_dict(checkpoint['modelA_state_dict']))
print(modelB.load_state_dict(checkpoint['modelB_state_dict']))
optimizerA.load_state_dict(checkpoint['optimizerA_state_dict'])
optimizerB.load_state_dict(checkpoint['optimizerB_state_dict'])
optimModelA.load_state_dict(checkpoint['optimizerA_state_dict'])
optimModelB.load_state_dict(checkpoint['optimizerB_state_dict'])

print(modelA.eval())
print(modelB.eval())
# - or -
modelA.train()
modelB.train()
print(modelA.training, modelB.training)

print(optimModelA)
state = optimModelA.state_dict()
print(state['param_groups'])
print(sorted(state['state']), [tuple(s['momentum_buffer'].shape) for s in state['state'].values()])
print(torch.equal(state['state'][0]['momentum_buffer'],
                  optimizerA.state_dict()['state'][0]['momentum_buffer']))
print(all(torch.equal(a, b) for a, b in zip(modelA.parameters(), netA.parameters())))
print(all(torch.equal(a, b) for a, b in zip(modelB.parameters(), netB.parameters())))
print(torch.equal(modelA(images), netA(images)))
