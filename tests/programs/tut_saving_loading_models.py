# PyTorch beginner tutorial "Saving and Loading Models" (beginner_source/saving_loading_models.py): its code
# blocks run one after another (seeded; the optimizer's param ids, which print as memory addresses in the
# tutorial's own output, are shown as positions here, as optimizer.state_dict() gives them).
import io

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)


# Define model
class TheModelClass(nn.Module):
    def __init__(self):
        super(TheModelClass, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x

# Initialize model
model = TheModelClass()

# Initialize optimizer
optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)

# Print model's state_dict
print("Model's state_dict:")
for param_tensor in model.state_dict():
    print(param_tensor, "\t", model.state_dict()[param_tensor].size())

# Print optimizer's state_dict
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])

x = torch.rand(2, 3, 32, 32)
target = torch.tensor([1, 7])
loss = F.cross_entropy(model(x), target)
loss.backward()
optimizer.step()
epoch = 3
print(optimizer.state_dict()["state"][9])

PATH = "state_dict_model.pt"
torch.save(model.state_dict(), PATH)

model = TheModelClass()
model.load_state_dict(torch.load(PATH, weights_only=True))
model.eval()
print(model(x))

try:
    model.load_state_dict(PATH)
except TypeError as e:
    print("TypeError:", e)

PATH = "entire_model.pt"
torch.save(model, PATH)
# Model class must be defined somewhere
model = torch.load(PATH, weights_only=False)
model.eval()
print(model(x))


class SimpleModel(torch.nn.Module):
    def forward(self, x):
        return x + 10

# Create a sample input
sample_input = torch.randn(5)

# Export the model
exported_program = torch.export.export(SimpleModel(), (sample_input,))

# Save the exported program
torch.export.save(exported_program, 'exported_program.pt2')

# Load the exported program
saved_exported_program = torch.export.load('exported_program.pt2')
print(saved_exported_program.module()(sample_input) - sample_input)

PATH = "model.tar"
torch.save({
            'epoch': epoch,
            'model_state_dict': model.state_dict(),
            'optimizer_state_dict': optimizer.state_dict(),
            'loss': loss,
            }, PATH)

model = TheModelClass()
optimizer = optim.SGD(model.parameters(), lr=0.1)

checkpoint = torch.load(PATH, weights_only=True)
model.load_state_dict(checkpoint['model_state_dict'])
optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
epoch = checkpoint['epoch']
loss = checkpoint['loss']
print(epoch, loss, optimizer)

model.eval()
# - or -
model.train()

modelA, modelB = TheModelClass(), TheModelClass()
optimizerA = optim.SGD(modelA.parameters(), lr=0.001, momentum=0.9)
optimizerB = optim.Adam(modelB.parameters(), lr=0.01)
torch.save({
            'modelA_state_dict': modelA.state_dict(),
            'modelB_state_dict': modelB.state_dict(),
            'optimizerA_state_dict': optimizerA.state_dict(),
            'optimizerB_state_dict': optimizerB.state_dict(),
            }, PATH)

modelA = TheModelClass()
modelB = TheModelClass()
optimizerA = optim.SGD(modelA.parameters(), lr=0.5)
optimizerB = optim.Adam(modelB.parameters())

checkpoint = torch.load(PATH, weights_only=True)
modelA.load_state_dict(checkpoint['modelA_state_dict'])
modelB.load_state_dict(checkpoint['modelB_state_dict'])
optimizerA.load_state_dict(checkpoint['optimizerA_state_dict'])
optimizerB.load_state_dict(checkpoint['optimizerB_state_dict'])
print(optimizerA.param_groups[0]['lr'], optimizerB.param_groups[0]['lr'], sorted(checkpoint))

modelA.eval()
modelB.eval()
# - or -
modelA.train()
modelB.train()


class TheModelBClass(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.head = nn.Linear(6, 2)


PATH = "modelA.pt"
torch.save(modelA.state_dict(), PATH)
modelB = TheModelBClass()
print(modelB.load_state_dict(torch.load(PATH, weights_only=True), strict=False))
print(torch.equal(modelB.conv1.weight, modelA.conv1.weight))
try:
    modelB.load_state_dict(torch.load(PATH, weights_only=True))
except RuntimeError as e:
    print("RuntimeError:", e)

PATH = "cpu_model.pt"
torch.save(model.state_dict(), PATH)
device = torch.device('cpu')
model = TheModelClass()
model.load_state_dict(torch.load(PATH, map_location=device, weights_only=True))
model.load_state_dict(torch.load(PATH, map_location='cpu', weights_only=True))
print(next(model.parameters()).device)

# the old zip-less format
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer, _use_new_zipfile_serialization=False)
buffer.seek(0)
print(torch.load(buffer, weights_only=True)['fc3.bias'])
