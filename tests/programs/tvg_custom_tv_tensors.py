# torchvision gallery "How to write your own TVTensor class" (gallery/transforms/plot_custom_tv_tensors.py); the
# notebook's bare `my_dp` is printed.
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2


class MyTVTensor(tv_tensors.TVTensor):
    pass


my_dp = MyTVTensor([1, 2, 3])
print(my_dp)

from torchvision.transforms.v2 import functional as F


@F.register_kernel(functional="hflip", tv_tensor_cls=MyTVTensor)
def hflip_my_tv_tensor(my_dp, *args, **kwargs):
    print("Flipping!")
    out = my_dp.flip(-1)
    return tv_tensors.wrap(out, like=my_dp)


my_dp = MyTVTensor(torch.rand(3, 256, 256))
_ = F.hflip(my_dp)
print(type(_).__name__, torch.equal(_, my_dp.flip(-1)))

t = v2.RandomHorizontalFlip(p=1)
_ = t(my_dp)
print(type(_).__name__, torch.equal(_, my_dp.flip(-1)))


def hflip_my_tv_tensor(my_dp):  # noqa
    print("Flipping!")
    out = my_dp.flip(-1)
    return tv_tensors.wrap(out, like=my_dp)
