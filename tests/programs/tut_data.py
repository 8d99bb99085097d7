# PyTorch beginner tutorial "Datasets & DataLoaders" (beginner_source/basics/data_tutorial.py), run offline:
# synthetic FashionMNIST files of the real format, a CSV + PNG folder for the custom dataset (the csv module
# reads the annotations where the tutorial uses pandas, Pillow decodes the PNGs); plots left out; every torch call as written.

# Offline stand-in for the FashionMNIST download: a few synthetic images in the dataset's own
# idx files (the layout torchvision reads), so datasets.FashionMNIST(..., download=True) finds them.
import os, struct
import numpy as np
def _write_fashion_mnist(root="data", n_train=256, n_test=64):
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

import torch
from torch.utils.data import Dataset
from torchvision import datasets
from torchvision.transforms import ToTensor

torch.manual_seed(0)

training_data = datasets.FashionMNIST(
    root="data",
    train=True,
    download=True,
    transform=ToTensor()
)

test_data = datasets.FashionMNIST(
    root="data",
    train=False,
    download=True,
    transform=ToTensor()
)

labels_map = {
    0: "T-Shirt",
    1: "Trouser",
    2: "Pullover",
    3: "Dress",
    4: "Coat",
    5: "Sandal",
    6: "Shirt",
    7: "Sneaker",
    8: "Bag",
    9: "Ankle Boot",
}
cols, rows = 3, 3
for i in range(1, cols * rows + 1):
    sample_idx = torch.randint(len(training_data), size=(1,)).item()
    img, label = training_data[sample_idx]
    print(i, sample_idx, labels_map[label], img.squeeze().shape, f"{img.sum().item():.3f}")

import csv
import os
from PIL import Image
from torchvision.transforms.functional import pil_to_tensor


def read_image(path):
    # torchvision.io.read_image needs torchvision's image extension, which the PyTorch build that
    # recorded this output lacks: Pillow decodes the PNG instead
    return pil_to_tensor(Image.open(path))

# the image folder and annotations file the custom dataset reads
os.makedirs("img_dir", exist_ok=True)
with open("labels.csv", "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["file", "label"])
    for k in range(6):
        Image.fromarray(training_data.data[k].numpy()).save(os.path.join("img_dir", f"img{k}.png"))
        writer.writerow([f"img{k}.png", int(training_data.targets[k])])


class CustomImageDataset(Dataset):
    def __init__(self, annotations_file, img_dir, transform=None, target_transform=None):
        with open(annotations_file) as f:
            self.img_labels = list(csv.reader(f))[1:]
        self.img_dir = img_dir
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.img_labels)

    def __getitem__(self, idx):
        img_path = os.path.join(self.img_dir, self.img_labels[idx][0])
        image = read_image(img_path)
        label = int(self.img_labels[idx][1])
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


custom = CustomImageDataset("labels.csv", "img_dir", transform=lambda im: im.float() / 255,
                            target_transform=lambda y: torch.tensor(y))
print(len(custom))
image, label = custom[3]
print(image.shape, image.dtype, label, torch.equal(image, training_data[3][0]))

from torch.utils.data import DataLoader

train_dataloader = DataLoader(training_data, batch_size=64, shuffle=True)
test_dataloader = DataLoader(test_data, batch_size=64, shuffle=True)

# Display image and label.
train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
img = train_features[0].squeeze()
label = train_labels[0]
print(f"Label: {label}")
print(train_labels[:16])
custom_loader = DataLoader(custom, batch_size=4, shuffle=True)
for images, labels in custom_loader:
    print(images.shape, labels)
