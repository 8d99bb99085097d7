# PyTorch beginner tutorial "Save and Load the Model" (beginner_source/basics/saveloadrun_tutorial.py), run
# offline and fast: SqueezeNet 1.1 (a torchvision model 100 times smaller) on 64x64 images with fresh weights
# stands in for the downloaded vgg16 IMAGENET1K_V1 weights; every torch call as the tutorial writes it.
import torch
import torchvision.models as models

torch.manual_seed(0)

model = models.squeezenet1_1(num_classes=10)   # the tutorial: models.vgg16(weights='IMAGENET1K_V1')
torch.save(model.state_dict(), 'model_weights.pth')

model = models.squeezenet1_1(num_classes=10) # we do not specify ``weights``, i.e. create untrained model
print(model.load_state_dict(torch.load('model_weights.pth', weights_only=True)))
model.eval()

x = torch.rand(2, 3, 64, 64)
with torch.no_grad():
    before = model(x)

torch.save(model, 'model.pth')

model = torch.load('model.pth', weights_only=False)
with torch.no_grad():
    after = model(x)
print(type(model).__name__, torch.equal(before, after), after.argmax(1))
print(model.classifier)

# the older revision's spellings: a whole model loads only when its classes are trusted
try:
    torch.load('model.pth')
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[0])
state = torch.load('model_weights.pth')
print(list(state)[:4], len(state), state['classifier.1.weight'].shape)
