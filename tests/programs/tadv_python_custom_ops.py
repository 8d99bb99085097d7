"""PyTorch's advanced tutorial "Python Custom Operators" (advanced_source/python_custom_ops.py): PIL's
crop and paste wrapped with torch.library.custom_op, a fake kernel, register_autograd and a mutating
numpy_sin; the figures replaced by sums, the opcheck examples run (the largest cut to 128x128; crop's
verdicts printed, as opcheck refuses it), torch.compile left out."""
import torch
from torchvision.transforms.functional import to_pil_image, pil_to_tensor
import PIL
torch.manual_seed(0)


def crop(pic, box):
    img = to_pil_image(pic.cpu())
    cropped_img = img.crop(box)
    return pil_to_tensor(cropped_img).to(pic.device) / 255.


def display(img):
    print(tuple(img.shape), round(img.sum().item(), 3))


img = torch.ones(3, 64, 64)
img *= torch.linspace(0, 1, steps=64) * torch.linspace(0, 1, steps=64).unsqueeze(-1)
display(img)

cropped_img = crop(img, (10, 10, 50, 50))
display(cropped_img)

from typing import Sequence


@torch.library.custom_op("mylib::crop", mutates_args=())
def crop(pic: torch.Tensor, box: Sequence[int]) -> torch.Tensor:
    img = to_pil_image(pic.cpu())
    cropped_img = img.crop(box)
    return (pil_to_tensor(cropped_img) / 255.).to(pic.device, pic.dtype)


@crop.register_fake
def _(pic, box):
    channels = pic.shape[0]
    x0, y0, x1, y1 = box
    return pic.new_empty(channels, y1 - y0, x1 - x0)


def f(img):
    return crop(img, (10, 10, 50, 50))


cropped_img = f(img)
display(img)
display(cropped_img)


@torch.library.custom_op("mylib::paste", mutates_args=())
def paste(im1: torch.Tensor, im2: torch.Tensor, coord: Sequence[int]) -> torch.Tensor:
    assert im1.device == im2.device
    assert im1.dtype == im2.dtype
    im1_pil = to_pil_image(im1.cpu())
    im2_pil = to_pil_image(im2.cpu())
    PIL.Image.Image.paste(im1_pil, im2_pil, coord)
    return (pil_to_tensor(im1_pil) / 255.).to(im1.device, im1.dtype)


@paste.register_fake
def _(im1, im2, coord):
    assert im1.device == im2.device
    assert im1.dtype == im2.dtype
    return torch.empty_like(im1)


def backward(ctx, grad_output):
    grad_input = grad_output.new_zeros(ctx.pic_shape)
    grad_input = paste(grad_input, grad_output, ctx.coords)
    return grad_input, None


def setup_context(ctx, inputs, output):
    pic, box = inputs
    ctx.coords = box[:2]
    ctx.pic_shape = pic.shape


crop.register_autograd(backward, setup_context=setup_context)

img = img.requires_grad_()
result = crop(img, (10, 10, 50, 50))
result.sum().backward()
display(img.grad)
print(result.grad_fn is not None, type(crop).__name__)

examples = [
    [torch.randn(3, 64, 64), [0, 0, 10, 10]],
    [torch.randn(3, 91, 91, requires_grad=True), [10, 0, 20, 10]],
    [torch.randn(3, 60, 60, dtype=torch.double), [3, 4, 32, 20]],
    [torch.randn(3, 128, 128, requires_grad=True, dtype=torch.double), [3, 4, 32, 45]],
]

# (opcheck refuses this crop: its fake kernel gives contiguous strides where the real output is PIL's
# channels-last layout; the verdicts are printed instead of raised)
for example in examples:
    out = crop(*example)
    print(tuple(out.shape), out.stride(), out.dtype, out.requires_grad)
    verdicts = torch.library.opcheck(crop, example, raise_exception=False)
    print({test: result if result == 'SUCCESS' else type(result).__name__ for test, result in verdicts.items()})

import numpy as np


@torch.library.custom_op("mylib::numpy_sin", mutates_args={"output"}, device_types="cpu")
def numpy_sin(input: torch.Tensor, output: torch.Tensor) -> None:
    assert input.device == output.device
    assert input.device.type == "cpu"
    input_np = input.numpy()
    output_np = output.numpy()
    np.sin(input_np, out=output_np)


def f(x):
    out = torch.empty(3)
    numpy_sin(x, out)
    return out


x = torch.randn(3)
y = f(x)
assert torch.allclose(y, x.sin())

example_inputs = [
    [torch.randn(3), torch.empty(3)],
    [torch.randn(0, 3), torch.empty(0, 3)],
    [torch.randn(1, 2, 3, 4, dtype=torch.double), torch.empty(1, 2, 3, 4, dtype=torch.double)],
]

for example in example_inputs:
    numpy_sin(*example)
    print(torch.equal(example[1], example[0].sin()))
    print(torch.library.opcheck(numpy_sin, example))
