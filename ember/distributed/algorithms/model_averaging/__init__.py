"""Model averaging (PyTorch's ``torch.distributed.algorithms.model_averaging``): average the ranks'
parameters every few steps, for post-local SGD (see ``ember.distributed.optim.PostLocalSGDOptimizer``)."""
