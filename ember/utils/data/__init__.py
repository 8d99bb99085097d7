"""ember.utils.data: datasets, samplers, collation and the DataLoader (PyTorch's torch.utils.data)."""
from ember.utils.data.dataset import (Dataset, IterableDataset, TensorDataset, StackDataset, ConcatDataset,  # noqa
                                      ChainDataset, Subset, random_split)
from ember.utils.data.sampler import (Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler,  # noqa
                                      WeightedRandomSampler, BatchSampler)
from ember.utils.data._collate import default_collate, default_convert  # noqa
from ember.utils.data._worker import get_worker_info  # noqa
from ember.utils.data.dataloader import DataLoader  # noqa
from ember.utils.data.distributed import DistributedSampler  # noqa

__all__ = ['BatchSampler', 'ChainDataset', 'ConcatDataset', 'DataLoader', 'Dataset', 'DistributedSampler', 'IterableDataset',
           'RandomSampler', 'Sampler', 'SequentialSampler', 'StackDataset', 'Subset', 'SubsetRandomSampler',
           'TensorDataset', 'WeightedRandomSampler', 'default_collate', 'default_convert', 'get_worker_info',
           'random_split']
