# PyTorch's TensorBoard tutorials, run offline and fast, with what they write read back through
# TensorBoard's own EventAccumulator and printed (tags, steps, values, image bytes, graph nodes,
# projector files): the recipe "How to use TensorBoard with PyTorch"
# (recipes_source/recipes/tensorboard_with_pytorch.py) and "Visualizing Models, Data, and Training with
# TensorBoard" (intermediate_source/tensorboard_tutorial.py) on synthetic FashionMNIST files of the real
# format (120 training, 40 test images), training statistics logged every 10 batches instead of 1000,
# matplotlib drawing off screen, scalars printed to 4 digits (float32 sums in another order differ in the
# 7th digit). Every torch call as the tutorials write them. add_graph's GraphDef is compared by its input
# and output nodes only: PyTorch's is TorchScript's trace (aten:: ops, prim::GetAttr/Constant/ListConstruct
# nodes numbered by the tracer), ember's is drawn from the ops it ran.

# Offline stand-in for the FashionMNIST download: a few synthetic images in the dataset's own
# idx files (the layout torchvision reads), so datasets.FashionMNIST(..., download=True) finds them.
import os, struct
import numpy as np
def _write_fashion_mnist(root="data", n_train=120, n_test=40):
    raw = os.path.join(root, "FashionMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    rng = np.random.RandomState(0)
    for split, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.randint(0, 10, n).astype(np.uint8)
        base = (np.arange(10)[:, None, None] * 25 + rng.randint(0, 20, (10, 28, 28))).astype(np.uint8)
        images = np.clip(base[labels].astype(int) + rng.randint(0, 30, (n, 28, 28)), 0, 255).astype(np.uint8)
        with open(os.path.join(raw, f"{split}-images-idx3-ubyte"), "wb") as f:
            f.write(struct.pack(">IIII", 2051, n, 28, 28) + images.tobytes())
        with open(os.path.join(raw, f"{split}-labels-idx1-ubyte"), "wb") as f:
            f.write(struct.pack(">II", 2049, n) + labels.tobytes())
_write_fashion_mnist()

import glob, hashlib
import matplotlib
matplotlib.use("Agg")   # off screen: the figures are drawn, not shown
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def show_events(logdir):
    """Prints what TensorBoard reads from the event files under ``logdir`` (no wall times)."""
    acc = EventAccumulator(logdir, size_guidance={'images': 0, 'scalars': 0, 'tensors': 0})
    acc.Reload()
    tags = acc.Tags()
    print(logdir if 'fashion' in logdir else 'runs/<date>_<host>', {k: sorted(v) if isinstance(v, list) else v for k, v in sorted(tags.items())})
    for tag in sorted(tags['scalars']):
        print(' scalar', tag, [(e.step, f'{e.value:.4g}') for e in acc.Scalars(tag)])
    for tag in sorted(tags['images']):
        for e in acc.Images(tag):
            print(' image', tag, e.step, e.width, e.height, hashlib.md5(e.encoded_image_string).hexdigest())
    for tag in sorted(tags['tensors']):
        for e in acc.Tensors(tag):
            values = np.frombuffer(e.tensor_proto.tensor_content, np.float32) if e.tensor_proto.tensor_content \
                else np.array(e.tensor_proto.float_val)
            print(' tensor', tag, e.step, [d.size for d in e.tensor_proto.tensor_shape.dim], round(float(values.sum()), 3))
    if tags['graph']:
        # the model's inputs and outputs (ember draws the ops it ran, not TorchScript's trace of them)
        graph = acc.Graph()
        print(' graph IO nodes', sorted([d.size for d in n.attr['_output_shapes'].list.shape[0].dim]
                                        for n in graph.node if n.op == 'IO Node'))


# ---- the recipe: How to use TensorBoard with PyTorch
import torch
from torch.utils.tensorboard import SummaryWriter
torch.manual_seed(0)
writer = SummaryWriter()

x = torch.arange(-5, 5, 0.1).view(-1, 1)
y = -5 * x + 0.1 * torch.randn(x.size())

model = torch.nn.Linear(1, 1)
criterion = torch.nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr = 0.1)

def train_model(iter):
    for epoch in range(iter):
        y1 = model(x)
        loss = criterion(y1, y)
        writer.add_scalar("Loss/train", loss, epoch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

train_model(10)
writer.flush()
writer.close()
runs = sorted(glob.glob('runs/*'))
print(len(runs), 'run folder under runs/', writer.get_logdir() == runs[0])
show_events(runs[0])


# ---- the tutorial: Visualizing Models, Data, and Training with TensorBoard
import matplotlib.pyplot as plt

import torchvision
import torchvision.transforms as transforms

import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

# transforms
transform = transforms.Compose(
    [transforms.ToTensor(),
    transforms.Normalize((0.5,), (0.5,))])

# datasets
trainset = torchvision.datasets.FashionMNIST('./data',
    download=True,
    train=True,
    transform=transform)
testset = torchvision.datasets.FashionMNIST('./data',
    download=True,
    train=False,
    transform=transform)

# dataloaders
trainloader = torch.utils.data.DataLoader(trainset, batch_size=4,
                                        shuffle=True, num_workers=2)


testloader = torch.utils.data.DataLoader(testset, batch_size=4,
                                        shuffle=False, num_workers=2)

# constant for classes
classes = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
        'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle Boot')

# helper function to show an image
# (used in the `plot_classes_preds` function below)
def matplotlib_imshow(img, one_channel=False):
    if one_channel:
        img = img.mean(dim=0)
    img = img / 2 + 0.5     # unnormalize
    npimg = img.numpy()
    if one_channel:
        plt.imshow(npimg, cmap="Greys")
    else:
        plt.imshow(np.transpose(npimg, (1, 2, 0)))


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 4 * 4)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()

criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

# default `log_dir` is "runs" - we'll be more specific here
writer = SummaryWriter('runs/fashion_mnist_experiment_1')

# get some random training images
dataiter = iter(trainloader)
images, labels = next(dataiter)

# create grid of images
img_grid = torchvision.utils.make_grid(images)

# show images
matplotlib_imshow(img_grid, one_channel=True)

# write to tensorboard
writer.add_image('four_fashion_mnist_images', img_grid)

writer.add_graph(net, images)
writer.close()


# helper function
def select_n_random(data, labels, n=100):
    '''
    Selects n random datapoints and their corresponding labels from a dataset
    '''
    assert len(data) == len(labels)

    perm = torch.randperm(len(data))
    return data[perm][:n], labels[perm][:n]

# select random images and their target indices
images, labels = select_n_random(trainset.data, trainset.targets)

# get the class labels for each image
class_labels = [classes[lab] for lab in labels]

# log embeddings
features = images.view(-1, 28 * 28)
writer.add_embedding(features,
                    metadata=class_labels,
                    label_img=images.unsqueeze(1))
writer.close()


# helper functions

def images_to_probs(net, images):
    '''
    Generates predictions and corresponding probabilities from a trained
    network and a list of images
    '''
    output = net(images)
    # convert output probabilities to predicted class
    _, preds_tensor = torch.max(output, 1)
    preds = np.squeeze(preds_tensor.numpy())
    return preds, [F.softmax(el, dim=0)[i].item() for i, el in zip(preds, output)]


def plot_classes_preds(net, images, labels):
    '''
    Generates matplotlib Figure using a trained network, along with images
    and labels from a batch, that shows the network's top prediction along
    with its probability, alongside the actual label, coloring this
    information based on whether the prediction was correct or not.
    Uses the "images_to_probs" function.
    '''
    preds, probs = images_to_probs(net, images)
    # plot the images in the batch, along with predicted and true labels
    fig = plt.figure(figsize=(12, 48))
    for idx in np.arange(4):
        ax = fig.add_subplot(1, 4, idx+1, xticks=[], yticks=[])
        matplotlib_imshow(images[idx], one_channel=True)
        ax.set_title("{0}, {1:.1f}%\n(label: {2})".format(
            classes[preds[idx]],
            probs[idx] * 100.0,
            classes[labels[idx]]),
                    color=("green" if preds[idx]==labels[idx].item() else "red"))
    return fig


running_loss = 0.0
for epoch in range(1):  # loop over the dataset multiple times

    for i, data in enumerate(trainloader, 0):

        # get the inputs; data is a list of [inputs, labels]
        inputs, labels = data

        # zero the parameter gradients
        optimizer.zero_grad()

        # forward + backward + optimize
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()

        running_loss += loss.item()
        if i % 10 == 9:    # every 10 mini-batches...

            # ...log the running loss
            writer.add_scalar('training loss',
                            running_loss / 10,
                            epoch * len(trainloader) + i)

            # ...log a Matplotlib Figure showing the model's predictions on a
            # random mini-batch
            writer.add_figure('predictions vs. actuals',
                            plot_classes_preds(net, inputs, labels),
                            global_step=epoch * len(trainloader) + i)
            running_loss = 0.0
print('Finished Training')

# 1. gets the probability predictions in a test_size x num_classes Tensor
# 2. gets the preds in a test_size Tensor
# takes ~10 seconds to run
class_probs = []
class_label = []
with torch.no_grad():
    for data in testloader:
        images, labels = data
        output = net(images)
        class_probs_batch = [F.softmax(el, dim=0) for el in output]

        class_probs.append(class_probs_batch)
        class_label.append(labels)

test_probs = torch.cat([torch.stack(batch) for batch in class_probs])
test_label = torch.cat(class_label)

# helper function
def add_pr_curve_tensorboard(class_index, test_probs, test_label, global_step=0):
    '''
    Takes in a "class_index" from 0 to 9 and plots the corresponding
    precision-recall curve
    '''
    tensorboard_truth = test_label == class_index
    tensorboard_probs = test_probs[:, class_index]

    writer.add_pr_curve(classes[class_index],
                        tensorboard_truth,
                        tensorboard_probs,
                        global_step=global_step)
    writer.close()

# plot all the pr curves
for i in range(len(classes)):
    add_pr_curve_tensorboard(i, test_probs, test_label)

show_events('runs/fashion_mnist_experiment_1')
projector = sorted(os.path.relpath(p, 'runs/fashion_mnist_experiment_1')
                   for p in glob.glob('runs/fashion_mnist_experiment_1/**/*', recursive=True) if not os.path.isdir(p)
                   and 'tfevents' not in p)
print(projector)
for name in projector:
    with open(os.path.join('runs/fashion_mnist_experiment_1', name), 'rb') as f:
        content = f.read()
    print(name, len(content), hashlib.md5(content).hexdigest())
