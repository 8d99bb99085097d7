"""ember.optim: optimizers (SGD, Adam, AdamW, NAdam, RAdam, Adamax, Adafactor, Muon, RMSprop, Rprop, Adagrad, Adadelta,
ASGD, LBFGS, SparseAdam), lr schedulers and ``swa_utils``.

>>> import ember
>>> w = ember.tensor([3.], requires_grad=True)
>>> opt = ember.optim.SGD([w], lr=0.25)
>>> for _ in range(3):
...     opt.zero_grad()
...     (w ** 2).sum().backward()
...     opt.step()
>>> w
tensor([0.3750], requires_grad=True)
"""
from ember.optim.optimizer import Optimizer
from ember.optim.sgd import SGD
from ember.optim.adam import Adam
from ember.optim.adamw import AdamW
from ember.optim.rmsprop import RMSprop
from ember.optim.adagrad import Adagrad
from ember.optim.adadelta import Adadelta
from ember.optim.lbfgs import LBFGS
from ember.optim.adamax import Adamax
from ember.optim.nadam import NAdam
from ember.optim.radam import RAdam
from ember.optim.asgd import ASGD
from ember.optim.rprop import Rprop
from ember.optim.adafactor import Adafactor
from ember.optim.muon import Muon
from ember.optim.sparse_adam import SparseAdam
from ember.optim._stateless import swap_in_optimizer_params_and_state
from ember.optim import lr_scheduler, swa_utils

__all__ = ['ASGD', 'Adadelta', 'Adafactor', 'Adagrad', 'Adam', 'AdamW', 'Adamax', 'LBFGS', 'Muon', 'NAdam', 'Optimizer',
           'RAdam', 'RMSprop', 'Rprop', 'SGD', 'SparseAdam', 'lr_scheduler', 'swa_utils',
           'swap_in_optimizer_params_and_state']
