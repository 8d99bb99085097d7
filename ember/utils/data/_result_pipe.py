"""The channel a DataLoader worker sends its results on: one pipe per worker, framed by ember.

Why not a ``multiprocessing.Queue``: a worker killed (by the OOM killer, say) halfway through
writing a large batch leaves half a message in a shared queue, and the reader then blocks forever
inside the message; no timeout can interrupt it. Here each worker owns its pipe, the main process
reads it without blocking, frame by frame, and between reads it checks that the worker is alive;
a half-written frame is simply never completed, and the dead worker is reported.

A frame is ``struct('!QQ')`` (length of the pickled task index, length of the payload), then the
pickled index, then the payload bytes (the batch, already pickled by the worker).
"""
import os
import pickle
import select
import struct

_HEADER = struct.Struct('!QQ')
_NO_PAYLOAD = (1 << 64) - 1
# how long a worker waits for room in its pipe before checking whether it should give up
_WRITE_POLL = 0.1


# ------------------------------------------------------------------------------------ worker side
def send_frame(conn, idx, payload, give_up):
    """Write one frame to ``conn`` (a writable Connection); returns False if ``give_up()`` said to
    stop while the pipe was full (shutdown began, or the main process is gone)."""
    meta = pickle.dumps(idx, protocol=pickle.HIGHEST_PROTOCOL)
    header = _HEADER.pack(len(meta), _NO_PAYLOAD if payload is None else len(payload))
    fd = conn.fileno()
    os.set_blocking(fd, False)
    for part in (header, meta, payload or b''):
        view = memoryview(part)
        while view:
            try:
                view = view[os.write(fd, view):]
            except BlockingIOError:
                select.select([], [fd], [], _WRITE_POLL)
                if give_up():
                    return False
    return True


# ------------------------------------------------------------------------------------ main side
class FrameReader:
    """Reads one worker's frames as bytes arrive, never blocking."""

    def __init__(self, conn):
        self.conn = conn
        self.fd = conn.fileno()
        os.set_blocking(self.fd, False)
        self._head = bytearray()
        self._body = None   # the frame being filled
        self._filled = 0
        self._sizes = None

    def read(self):
        """The frames completed by the bytes available now, as ``(idx, payload or None)``.
        Raises EOFError once the writing end is closed (the worker exited or died)."""
        frames = []
        while True:
            try:
                if self._body is None:
                    chunk = os.read(self.fd, _HEADER.size - len(self._head))
                    if not chunk:
                        raise EOFError
                    self._head += chunk
                    if len(self._head) < _HEADER.size:
                        continue
                    meta_len, payload_len = _HEADER.unpack(self._head)
                    self._head = bytearray()
                    self._sizes = (meta_len, None if payload_len == _NO_PAYLOAD else payload_len)
                    self._body = bytearray(meta_len + (self._sizes[1] or 0))
                    self._filled = 0
                if self._filled < len(self._body):
                    n = os.readv(self.fd, [memoryview(self._body)[self._filled:]])
                    if not n:
                        raise EOFError
                    self._filled += n
                if self._filled == len(self._body):
                    frames.append(self._finish())
            except BlockingIOError:
                return frames
            except EOFError:
                if frames:   # hand over what is complete; EOF shows again on the next read
                    return frames
                raise

    def _finish(self):
        meta_len, payload_len = self._sizes
        body, self._body = self._body, None
        idx = pickle.loads(body[:meta_len])
        return idx, (None if payload_len is None else memoryview(body)[meta_len:])

    def close(self):
        self.conn.close()
