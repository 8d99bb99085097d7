# torchvision gallery "TVTensors FAQ" (gallery/transforms/plot_tv_tensors.py), run offline: a synthetic RGB PNG
# drawn with Pillow stands for assets/astronaut.jpg; torchvision 0.28 spells set_return_type's argument "TVTensor"
# (the gallery's "tv_tensor" is refused); the float image made with requires_grad=True is printed detached (its
# grad_fn's name is left out: ember names the node under as_subclass ViewBackward0 where PyTorch has AliasBackward0).
import numpy as np
import PIL.Image

import torch
from torchvision import tv_tensors

PIL.Image.fromarray(np.random.RandomState(0).randint(0, 256, (512, 384, 3)).astype(np.uint8)).save('astronaut.png')

tensor = torch.rand(3, 256, 256)
image = tv_tensors.Image(tensor)

assert isinstance(image, torch.Tensor)
assert image.data_ptr() == tensor.data_ptr()

image = tv_tensors.Image([[[[0, 1], [1, 0]]]])
print(image)

float_image = tv_tensors.Image([[[0, 1], [1, 0]]], dtype=torch.float32, requires_grad=True)
print(float_image.detach(), float_image.requires_grad, float_image.grad_fn is not None)

image = tv_tensors.Image(PIL.Image.open("astronaut.png"))
print(image.shape, image.dtype)

bboxes = tv_tensors.BoundingBoxes(
    [[17, 16, 344, 495], [0, 10, 0, 10]],
    format=tv_tensors.BoundingBoxFormat.XYXY,
    canvas_size=image.shape[-2:]
)
print(bboxes)

new_bboxes = torch.tensor([0, 20, 30, 40])
new_bboxes = tv_tensors.wrap(new_bboxes, like=bboxes)
assert isinstance(new_bboxes, tv_tensors.BoundingBoxes)
assert new_bboxes.canvas_size == bboxes.canvas_size
print(new_bboxes)

assert isinstance(bboxes, tv_tensors.BoundingBoxes)

# Shift bboxes by 3 pixels in both H and W
new_bboxes = bboxes + 3

assert isinstance(new_bboxes, torch.Tensor)
assert not isinstance(new_bboxes, tv_tensors.BoundingBoxes)
print(type(new_bboxes).__name__, new_bboxes)

new_bboxes = bboxes + 3
new_bboxes = tv_tensors.wrap(new_bboxes, like=bboxes)
assert isinstance(new_bboxes, tv_tensors.BoundingBoxes)

with tv_tensors.set_return_type("TVTensor"):
    new_bboxes = bboxes + 3
assert isinstance(new_bboxes, tv_tensors.BoundingBoxes)
print(new_bboxes)

image = tv_tensors.Image([[[0, 1], [1, 0]]])

new_image = image.add_(1).mul_(2)

assert isinstance(image, tv_tensors.Image)
print(image)

assert isinstance(new_image, torch.Tensor) and not isinstance(new_image, tv_tensors.Image)
assert (new_image == image).all()
assert new_image.data_ptr() == image.data_ptr()
print(new_image)
