"""A small CIFAR-10 convolutional network (PyTorch's CIFAR-10 tutorial model) trained with SGD + momentum (FakeData when CIFAR-10 is not on disk).

    python examples/cifar_cnn.py --epochs 2
    python examples/cifar_cnn.py --root data --download   # fetch CIFAR-10 first
"""
import argparse
import time

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
import ember.optim as optim
from ember.utils.data import DataLoader
from ember.vision import datasets, transforms


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
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def load(root, download, fake_size):
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    try:
        train = datasets.CIFAR10(root=root, train=True, download=download, transform=transform)
        test = datasets.CIFAR10(root=root, train=False, download=download, transform=transform)
        return train, test, 'CIFAR10'
    except (RuntimeError, OSError) as e:
        print(f"CIFAR10 not available ({str(e).splitlines()[0]}); training on FakeData instead.")
        train = datasets.FakeData(size=fake_size, image_size=(3, 32, 32), num_classes=10, transform=transform)
        test = datasets.FakeData(size=fake_size // 5, image_size=(3, 32, 32), num_classes=10, transform=transform,
                                 random_offset=fake_size)
        return train, test, 'FakeData'


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--root', default='data')
    p.add_argument('--download', action='store_true')
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--batch-size', type=int, default=4)
    p.add_argument('--lr', type=float, default=0.001)
    p.add_argument('--momentum', type=float, default=0.9)
    p.add_argument('--fake-size', type=int, default=2000)
    p.add_argument('--device', default='cpu')
    args = p.parse_args(argv)

    torch.manual_seed(0)
    device = torch.device(args.device)
    trainset, testset, used = load(args.root, args.download, args.fake_size)
    trainloader = DataLoader(trainset, batch_size=args.batch_size, shuffle=True)
    testloader = DataLoader(testset, batch_size=args.batch_size)
    net = Net().to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=args.lr, momentum=args.momentum)
    start = time.time()
    for epoch in range(args.epochs):
        running_loss = 0.0
        for i, (inputs, labels) in enumerate(trainloader):
            inputs, labels = inputs.to(device), labels.to(device)
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if i % 2000 == 1999:
                print(f'[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 2000:.3f}')
                running_loss = 0.0
        correct = total = 0
        net.eval()
        with torch.no_grad():
            for images, labels in testloader:
                predicted = net(images.to(device)).argmax(1)
                total += labels.size(0)
                correct += (predicted == labels.to(device)).sum().item()
        net.train()
        print(f'epoch {epoch + 1}: accuracy of the network on the {total} {used} test images: '
              f'{100 * correct // total} %')
    print(f'Finished Training in {time.time() - start:.1f}s')
    return correct / total


if __name__ == '__main__':
    main()
