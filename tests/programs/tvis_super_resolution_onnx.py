# PyTorch tutorial "Exporting a Model from PyTorch to ONNX and Running it using ONNX Runtime"
# (advanced_source/super_resolution_with_onnxruntime.py), run offline and fast: the model's own seeded weights
# saved and loaded with torch.load instead of the pretrained ones from model_zoo.load_url, batches of 2 images of
# 32x32 instead of 64 of 224x224, a synthetic 40x48 cat.jpg, and the exported graph's structure printed where
# the tutorial shows timings; torch.onnx.export is asked for the TorchScript-based exporter (dynamo=False), the
# one the tutorial describes (PyTorch's default is now the dynamo exporter, which needs onnxscript), at opset 17
# instead of 10 (ember's exporter writes opsets 17 to 21; at 10 PyTorch lowers PixelShuffle to Reshape/Transpose
# where 17 has DepthToSpace). Every other torch call as the tutorial writes it.
import os

import numpy as np

from torch import nn
import torch.utils.model_zoo as model_zoo
import torch.onnx

import torch.nn as nn
import torch.nn.init as init

torch.manual_seed(0)


class SuperResolutionNet(nn.Module):
    def __init__(self, upscale_factor, inplace=False):
        super(SuperResolutionNet, self).__init__()

        self.relu = nn.ReLU(inplace=inplace)
        self.conv1 = nn.Conv2d(1, 64, (5, 5), (1, 1), (2, 2))
        self.conv2 = nn.Conv2d(64, 64, (3, 3), (1, 1), (1, 1))
        self.conv3 = nn.Conv2d(64, 32, (3, 3), (1, 1), (1, 1))
        self.conv4 = nn.Conv2d(32, upscale_factor ** 2, (3, 3), (1, 1), (1, 1))
        self.pixel_shuffle = nn.PixelShuffle(upscale_factor)

        self._initialize_weights()

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.relu(self.conv3(x))
        x = self.pixel_shuffle(self.conv4(x))
        return x

    def _initialize_weights(self):
        init.orthogonal_(self.conv1.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv2.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv3.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv4.weight)

# Create the super-resolution model by using the above model definition.
torch_model = SuperResolutionNet(upscale_factor=3)
torch.save(SuperResolutionNet(upscale_factor=3).state_dict(), 'superres_epoch100.pth')

batch_size = 2    # just a random number

# Initialize model with the pretrained weights
map_location = lambda storage, loc: storage
if torch.cuda.is_available():
    map_location = None
print(torch_model.load_state_dict(torch.load('superres_epoch100.pth', map_location=map_location)))

# set the model to inference mode
print(torch_model.eval())

# Input to the model
x = torch.randn(batch_size, 1, 32, 32, requires_grad=True)
torch_out = torch_model(x)

# Export the model
torch.onnx.export(torch_model,               # model being run
                  x,                         # model input (or a tuple for multiple inputs)
                  "super_resolution.onnx",   # where to save the model (can be a file or file-like object)
                  export_params=True,        # store the trained parameter weights inside the model file
                  opset_version=17,          # the ONNX version to export the model to
                  do_constant_folding=True,  # whether to execute constant folding for optimization
                  input_names = ['input'],   # the model's input names
                  output_names = ['output'], # the model's output names
                  dynamic_axes={'input' : {0 : 'batch_size'},    # variable length axes
                                'output' : {0 : 'batch_size'}},
                  dynamo=False)

import onnx

onnx_model = onnx.load("super_resolution.onnx")
onnx.checker.check_model(onnx_model)
print('opset', [o.version for o in onnx_model.opset_import])
print('nodes', [n.op_type for n in onnx_model.graph.node])
for v in list(onnx_model.graph.input) + list(onnx_model.graph.output):
    print(v.name, [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim])
print('initializers', sorted((i.name, tuple(i.dims)) for i in onnx_model.graph.initializer))

import onnxruntime

ort_session = onnxruntime.InferenceSession("super_resolution.onnx", providers=["CPUExecutionProvider"])

def to_numpy(tensor):
    return tensor.detach().cpu().numpy() if tensor.requires_grad else tensor.cpu().numpy()

# compute ONNX Runtime output prediction
ort_inputs = {ort_session.get_inputs()[0].name: to_numpy(x)}
ort_outs = ort_session.run(None, ort_inputs)

# compare ONNX Runtime and PyTorch results
np.testing.assert_allclose(to_numpy(torch_out), ort_outs[0], rtol=1e-03, atol=1e-05)

print("Exported model has been tested with ONNXRuntime, and the result looks good!")

import time

x = torch.randn(batch_size + 1, 1, 32, 32, requires_grad=True)

start = time.time()
torch_out = torch_model(x)
end = time.time()

ort_inputs = {ort_session.get_inputs()[0].name: to_numpy(x)}
start = time.time()
ort_outs = ort_session.run(None, ort_inputs)
end = time.time()
np.testing.assert_allclose(to_numpy(torch_out), ort_outs[0], rtol=1e-03, atol=1e-05)
print("A batch of", ort_outs[0].shape[0], "runs the same in ONNX Runtime:", ort_outs[0].shape)

from PIL import Image
import torchvision.transforms as transforms

os.makedirs("./_static/img", exist_ok=True)
rng = np.random.RandomState(0)
Image.fromarray(rng.randint(0, 256, (40, 48, 3)).astype(np.uint8)).save("./_static/img/cat.jpg")

img = Image.open("./_static/img/cat.jpg")

resize = transforms.Resize([32, 32])
img = resize(img)

img_ycbcr = img.convert('YCbCr')
img_y, img_cb, img_cr = img_ycbcr.split()

to_tensor = transforms.ToTensor()
img_y = to_tensor(img_y)
img_y.unsqueeze_(0)
print(img_y.shape, img_y[0, 0, :2, :4])

ort_inputs = {ort_session.get_inputs()[0].name: to_numpy(img_y)}
ort_outs = ort_session.run(None, ort_inputs)
img_out_y = ort_outs[0]

img_out_y = Image.fromarray(np.uint8((img_out_y[0] * 255.0).clip(0, 255)[0]), mode='L')

# get the output image follow post-processing step from PyTorch implementation
final_img = Image.merge(
    "YCbCr", [
        img_out_y,
        img_cb.resize(img_out_y.size, Image.BICUBIC),
        img_cr.resize(img_out_y.size, Image.BICUBIC),
    ]).convert("RGB")

# Save the image, we will compare this with the output image from mobile device
final_img.save("./_static/img/cat_superres_with_ort.jpg")

# Save resized original image (without super-resolution)
img = transforms.Resize([img_out_y.size[0], img_out_y.size[1]])(img)
img.save("cat_resized.jpg")
print(final_img.size, img.size)
