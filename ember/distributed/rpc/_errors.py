"""Errors of RPCs: a callee's exception travels back as its type and text, and is raised again on
the caller with the callee's traceback, as PyTorch does."""


class RemoteError:
    """A picklable record of an exception raised while serving an RPC on ``worker``."""

    plain = False     # raised on the caller as it is (not as a failed call of a user function)

    def __init__(self, exc, worker, formatted_traceback):
        self.exc_type = type(exc)
        formatted_traceback = getattr(exc, '_rpc_traceback', formatted_traceback)
        self.message = f"On {worker}:\n{exc!r}\n{formatted_traceback}"

    def __reduce__(self):
        return _rebuild_remote_error, (self.exc_type, self.message, self.plain)

    @classmethod
    def of_reply(cls, exc):
        """The error of a result that could not be sent back (PyTorch reports it as a RuntimeError naming
        the original error and where it happened)."""
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        where = f"{tb.tb_frame.f_code.co_filename}({tb.tb_lineno}): {tb.tb_frame.f_code.co_name}" if tb else ''
        err = cls.__new__(cls)
        err.exc_type, err.plain = RuntimeError, True
        err.message = f"{type(exc).__name__}: {exc}\n\nAt:\n  {where}\n"
        return err

    def to_exception(self):
        """The exception the caller sees: the callee's type with the remote traceback as its text."""
        try:
            exc = self.exc_type(self.message)
        except Exception:     # an exception type whose constructor wants other arguments
            exc = RuntimeError(self.message)
        return exc


def _rebuild_remote_error(exc_type, message, plain=False):
    err = RemoteError.__new__(RemoteError)
    err.exc_type, err.message, err.plain = exc_type, message, plain
    return err


def _handle_exception(remote_error):
    raise remote_error.to_exception()


def future_error(remote_error):
    """The error a future holds for a failed call: as PyTorch's futures do, the text names the type
    and the place it was raised again on the caller."""
    try:
        _handle_exception(remote_error)
    except Exception as exc:
        tb = exc.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        where = f"{tb.tb_frame.f_code.co_filename}({tb.tb_lineno}): {tb.tb_frame.f_code.co_name}"
        text = f"{type(exc).__name__}: {exc}\n\nAt:\n  {where}\n"
        try:
            return type(exc)(text)
        except Exception:
            return RuntimeError(text)


def timeout_error(timeout):
    """The error of a call that ran past ``timeout`` seconds (PyTorch's text)."""
    return RuntimeError(f"RPCErr:1:RPC ran for more than set timeout ({int(round(timeout * 1000))} ms) and will "
                        "now be marked with an error")


NOT_INITIALIZED = "RPC has not been initialized. Call torch.distributed.rpc.init_rpc first."
AGENT_NOT_SET = "Current RPC agent is not set! Did you initialize the RPC framework (e.g. by calling `rpc.init_rpc`)?"
