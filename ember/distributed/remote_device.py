"""``_remote_device``: a device on a worker of an RPC group, written ``'<worker>/<device>'``,
``'rank:<rank>/<device>'`` or just ``'<device>'`` (the device defaults to the CPU)."""
from ember._device import device as _device


class _remote_device:
    """A device on a (possibly remote) worker.

    Example::

        >>> from ember.distributed.remote_device import _remote_device
        >>> d = _remote_device('trainer0/cpu')
        >>> d.worker_name(), d.rank(), d.device()
        ('trainer0', None, device(type='cpu'))
        >>> _remote_device('rank:1')
        rank:1/cpu
    """

    def __init__(self, remote_device):
        bad = (f"Could not parse remote_device: {remote_device}. The valid format is '<workername>/<device>' or "
               "'rank:<rank>/<device>' or '<device>'")
        self._worker_name = self._rank = None
        if isinstance(remote_device, _device):
            dev = remote_device
        elif isinstance(remote_device, str):
            parts = remote_device.split('/')
            if len(parts) == 2:
                self._worker_name, dev = parts
            elif len(parts) == 1:
                if self._is_valid_local_device(parts[0]):
                    dev = parts[0]
                else:
                    self._worker_name, dev = parts[0], 'cpu'
            else:
                raise ValueError(bad)
        else:
            raise TypeError(f"Invalid type for remote_device: {type(remote_device)}")
        if self._worker_name is not None and not self._worker_name:
            raise ValueError(bad)
        self._device = _device(dev)
        if self._worker_name is not None:
            pieces = self._worker_name.split(':')
            if len(pieces) == 2:
                if pieces[0] != 'rank' or not pieces[1].isdigit():
                    raise ValueError(bad)
                self._rank, self._worker_name = int(pieces[1]), None
            elif len(pieces) > 2:
                raise ValueError(bad)

    @staticmethod
    def _is_valid_local_device(text):
        try:
            _device(text)
        except Exception:   # anything that is not a device names a worker
            return False
        return True

    def worker_name(self):
        """The worker's name (None when given by rank or not at all)."""
        return self._worker_name

    def rank(self):
        """The worker's rank (None when given by name or not at all)."""
        return self._rank

    def device(self):
        """The device on that worker."""
        return self._device

    def __repr__(self):
        if self._worker_name is not None:
            return f'{self._worker_name}/{self._device}'
        if self._rank is not None:
            return f'rank:{self._rank}/{self._device}'
        return str(self._device)

    def __eq__(self, other):
        return isinstance(other, _remote_device) and (self._worker_name, self._device, self._rank) == \
            (other._worker_name, other._device, other._rank)

    def __hash__(self):
        return hash(self._worker_name) ^ hash(self._device) ^ hash(self._rank)
