"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""
from ember.optim._functional import adamw
from ember.optim.adam import Adam

__all__ = ['AdamW', 'adamw']


class AdamW(Adam):
    """Adam whose weight decay shrinks the parameters directly instead of entering the moments.

    Same options as :class:`Adam`, with ``weight_decay`` defaulting to 0.01.

    >>> import ember
    >>> w = ember.tensor([1., -1.], requires_grad=True)
    >>> opt = ember.optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.8500, -0.8500], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group['decoupled_weight_decay'] = True
