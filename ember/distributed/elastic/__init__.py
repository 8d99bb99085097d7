"""ember.distributed.elastic: the parts of torchelastic that training scripts import
(``from torch.distributed.elastic.multiprocessing.errors import record``)."""
