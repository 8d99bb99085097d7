# torchvision gallery "Optical Flow: Predicting movement with the RAFT model" (gallery/others/plot_optical_flow.py),
# run offline and fast: the basketball video is stood for by two pairs of synthetic 120x150 frames drawn with Pillow
# (the second frame of each pair the first one moved by a few pixels), resized to 128x160 instead of 520x960, and
# raft_small runs with fresh weights (weights=None, 4 flow updates) where the gallery loads raft_large's trained
# ones; `plot` prints a digest of each picture's pixels (the predicted flows' pictures are summed up by their mean
# colours instead).
import hashlib

import numpy as np
from PIL import Image, ImageDraw

import torch
import torchvision.transforms.functional as F

torch.manual_seed(0)


def plot(imgs, **imshow_kwargs):
    if not isinstance(imgs[0], list):
        # Make a 2d grid even if there's just 1 row
        imgs = [imgs]
    for row_idx, row in enumerate(imgs):
        for col_idx, img in enumerate(row):
            img = F.to_pil_image(img.to("cpu"))
            pixels = np.asarray(img)
            print('plot', row_idx, col_idx, pixels.shape, hashlib.sha1(pixels.tobytes()).hexdigest()[:16])


def frame(shift, seed):
    rng = np.random.RandomState(seed)
    pic = Image.fromarray(rng.randint(80, 140, (120, 150, 3)).astype(np.uint8))
    draw = ImageDraw.Draw(pic)
    draw.ellipse((30 + shift[0], 40 + shift[1], 70 + shift[0], 80 + shift[1]), fill=(230, 120, 20))
    draw.rectangle((90 - shift[0], 20, 130 - shift[0], 100), fill=(20, 30, 200))
    return F.pil_to_tensor(pic)


frames = [frame((0, 0), 0), frame((3, 1), 0), frame((0, 0), 1), frame((-2, 4), 1)]

img1_batch = torch.stack([frames[0], frames[2]])
img2_batch = torch.stack([frames[1], frames[3]])

plot(img1_batch)

from torchvision.models.optical_flow import Raft_Large_Weights

weights = Raft_Large_Weights.DEFAULT
transforms = weights.transforms()


def preprocess(img1_batch, img2_batch):
    img1_batch = F.resize(img1_batch, size=[128, 160], antialias=False)
    img2_batch = F.resize(img2_batch, size=[128, 160], antialias=False)
    return transforms(img1_batch, img2_batch)


img1_batch, img2_batch = preprocess(img1_batch, img2_batch)

print(f"shape = {img1_batch.shape}, dtype = {img1_batch.dtype}")
print(round(img1_batch.sum().item(), 3), round(img2_batch.sum().item(), 3))

from torchvision.models.optical_flow import raft_small

device = "cuda" if torch.cuda.is_available() else "cpu"

model = raft_small(weights=None, progress=False).to(device)
model = model.eval()

with torch.no_grad():
    list_of_flows = model(img1_batch.to(device), img2_batch.to(device), num_flow_updates=4)
print(f"type = {type(list_of_flows)}")
print(f"length = {len(list_of_flows)} = number of iterations of the model")

predicted_flows = list_of_flows[-1]
print(f"dtype = {predicted_flows.dtype}")
print(f"shape = {predicted_flows.shape} = (N, 2, H, W)")
print(f"min = {predicted_flows.min():.4f}, max = {predicted_flows.max():.4f}")

from torchvision.utils import flow_to_image

flow_imgs = flow_to_image(predicted_flows)
print(flow_imgs.shape, flow_imgs.dtype)

# the flows of two frameworks' convolutions agree to about 1e-5 pixels, which moves a few of the flow pictures'
# 8-bit values by one: the flow pictures are summed up by their mean colours, the frames shown exactly
print([[round(v, 2) for v in img.float().mean(dim=(1, 2)).tolist()] for img in flow_imgs])

img1_batch = [(img1 + 1) / 2 for img1 in img1_batch]

plot(img1_batch)

# flow_to_image on a known flow field: every direction of the colour wheel
ys, xs = torch.meshgrid(torch.linspace(-1, 1, 32), torch.linspace(-1, 1, 48), indexing="ij")
wheel = flow_to_image(torch.stack([xs, ys]))
plot([wheel])
