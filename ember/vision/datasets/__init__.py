"""ember.vision.datasets: torchvision's datasets, reading and writing torchvision's on-disk layout.

>>> from ember.vision import datasets, transforms
>>> train = datasets.MNIST(root="data", train=True, download=True, transform=transforms.ToTensor())  # doctest: +SKIP
"""
from ember.vision.datasets.vision import VisionDataset, StandardTransform  # noqa: F401
from ember.vision.datasets.mnist import MNIST, FashionMNIST, KMNIST, EMNIST  # noqa: F401
from ember.vision.datasets.cifar import CIFAR10, CIFAR100  # noqa: F401
from ember.vision.datasets.folder import DatasetFolder, ImageFolder  # noqa: F401
from ember.vision.datasets.fakedata import FakeData  # noqa: F401
from ember.vision.datasets.digits import Digits  # noqa: F401
from ember.vision.datasets.svhn import SVHN  # noqa: F401
from ember.vision.datasets.stl10 import STL10  # noqa: F401
from ember.vision.datasets.celeba import CelebA  # noqa: F401
from ember.vision.datasets.flowers102 import Flowers102  # noqa: F401
from ember.vision.datasets.oxford_iiit_pet import OxfordIIITPet  # noqa: F401
from ember.vision.datasets.food101 import Food101  # noqa: F401
from ember.vision.datasets.imagenet import ImageNet  # noqa: F401
from ember.vision.datasets.voc import VOCDetection, VOCSegmentation  # noqa: F401
from ember.vision.datasets.coco import CocoCaptions, CocoDetection  # noqa: F401
from ember.vision.datasets.dtd import DTD  # noqa: F401
from ember.vision.datasets.eurosat import EuroSAT  # noqa: F401
from ember.vision.datasets.gtsrb import GTSRB  # noqa: F401
from ember.vision.datasets.country211 import Country211  # noqa: F401
from ember.vision.datasets.rendered_sst2 import RenderedSST2  # noqa: F401
from ember.vision.datasets.imagenette import Imagenette  # noqa: F401
from ember.vision.datasets.caltech import Caltech101, Caltech256  # noqa: F401
from ember.vision.datasets.stanford_cars import StanfordCars  # noqa: F401
from ember.vision.datasets.fgvc_aircraft import FGVCAircraft  # noqa: F401
from ember.vision.datasets.sun397 import SUN397  # noqa: F401
from ember.vision.datasets.qmnist import QMNIST  # noqa: F401
from ember.vision.datasets.semeion import SEMEION  # noqa: F401
from ember.vision.datasets.usps import USPS  # noqa: F401
from ember.vision.datasets.lfw import LFWPeople, LFWPairs  # noqa: F401
from ember.vision.datasets.omniglot import Omniglot  # noqa: F401
from ember.vision.datasets.moving_mnist import MovingMNIST  # noqa: F401
from ember.vision.datasets.places365 import Places365  # noqa: F401
from ember.vision.datasets.fer2013 import FER2013  # noqa: F401
from ember.vision.datasets.clevr import CLEVRClassification  # noqa: F401
from ember.vision.datasets.inaturalist import INaturalist  # noqa: F401
from ember.vision.datasets.pcam import PCAM  # noqa: F401
from ember.vision.datasets.sbd import SBDataset  # noqa: F401
from ember.vision.datasets.cityscapes import Cityscapes  # noqa: F401
from ember.vision.datasets.widerface import WIDERFace  # noqa: F401
from ember.vision.datasets.kitti import Kitti  # noqa: F401
from ember.vision.datasets.flickr import Flickr8k, Flickr30k  # noqa: F401
from ember.vision.datasets.sbu import SBU  # noqa: F401
from ember.vision.datasets.phototour import PhotoTour  # noqa: F401
from ember.vision.datasets.lsun import LSUN, LSUNClass  # noqa: F401
from ember.vision.datasets.optical_flow import FlyingChairs, FlyingThings3D, HD1K, KittiFlow, Sintel  # noqa: F401
from ember.vision.datasets.stereo import (CarlaStereo, CREStereo, ETH3DStereo, FallingThingsStereo,  # noqa: F401
                                          InStereo2k, Kitti2012Stereo, Kitti2015Stereo, Middlebury2014Stereo,
                                          SceneFlowStereo, SintelStereo)
from ember.vision.datasets.ucf101 import UCF101  # noqa: F401
from ember.vision.datasets.hmdb51 import HMDB51  # noqa: F401
from ember.vision.datasets.kinetics import Kinetics  # noqa: F401
from ember.vision.datasets._wrap_v2 import wrap_dataset_for_transforms_v2  # noqa: F401
from ember.vision.datasets import samplers, utils, video_utils  # noqa: F401

__all__ = ["VisionDataset", "MNIST", "FashionMNIST", "KMNIST", "EMNIST", "CIFAR10", "CIFAR100", "DatasetFolder",
           "ImageFolder", "FakeData", "Digits", "SVHN", "STL10", "CelebA", "Flowers102", "OxfordIIITPet", "Food101",
           "ImageNet", "VOCDetection", "VOCSegmentation", "CocoDetection", "CocoCaptions", "DTD", "EuroSAT", "GTSRB",
           "Country211", "RenderedSST2", "Imagenette", "Caltech101", "Caltech256", "StanfordCars", "FGVCAircraft",
           "SUN397", "QMNIST", "SEMEION", "USPS", "LFWPeople", "LFWPairs", "Omniglot", "MovingMNIST", "Places365",
           "FER2013", "CLEVRClassification", "INaturalist", "PCAM", "SBDataset", "Cityscapes", "WIDERFace", "Kitti",
           "Flickr8k", "Flickr30k", "SBU", "PhotoTour", "LSUN", "LSUNClass", "FlyingChairs", "FlyingThings3D",
           "HD1K", "KittiFlow", "Sintel", "CarlaStereo", "CREStereo", "ETH3DStereo", "FallingThingsStereo",
           "InStereo2k", "Kitti2012Stereo", "Kitti2015Stereo", "Middlebury2014Stereo", "SceneFlowStereo",
           "SintelStereo", "Kinetics", "HMDB51", "UCF101", "wrap_dataset_for_transforms_v2"]
