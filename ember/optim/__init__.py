"""ember.optim: optimizers (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, LBFGS) and lr schedulers.

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
from ember.optim import lr_scheduler

__all__ = ['Adadelta', 'Adagrad', 'Adam', 'AdamW', 'LBFGS', 'lr_scheduler', 'Optimizer', 'RMSprop', 'SGD']
