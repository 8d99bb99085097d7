"""set_logs' state and the compiler's artifact loggers (``ember.__graph_code`` ...), formatted as
PyTorch's: ``V<MMDD HH:MM:SS.micro> <pid> <file>:<line>] [<frame>/<recompile>] [__<artifact>] <text>``,
one such prefix on every line of a message."""
import logging
import os
import sys
import time

# set_logs' keyword parameters, in PyTorch's order: components take a level, artifacts a bool
COMPONENTS = ('all', 'dynamo', 'aot', 'autograd', 'dynamic', 'inductor', 'distributed', 'c10d', 'ddp', 'fsdp',
              'dtensor', 'onnx', 'export')
ARTIFACTS = ('bytecode', 'aot_graphs', 'aot_joint_graph', 'ddp_graphs', 'graph', 'graph_code', 'graph_code_verbose',
             'graph_breaks', 'side_effects', 'graph_sizes', 'guards', 'recompiles', 'recompiles_verbose',
             'trace_source', 'trace_call', 'trace_bytecode', 'output_code', 'kernel_code', 'schedule', 'perf_hints',
             'pre_grad_graphs', 'post_grad_graphs', 'ir_pre_fusion', 'ir_post_fusion', 'onnx_diagnostics', 'fusion',
             'overlap', 'cudagraphs', 'sym_node', 'compiled_autograd', 'compiled_autograd_verbose',
             'cudagraph_static_inputs', 'benchmarking', 'autotuning', 'incremental', 'graph_region_expansion',
             'inductor_metrics', 'hierarchical_compile', 'compute_dependencies', 'caching')
_LEVELS = (50, 40, 30, 20, 10, 0)
_enabled = set()


class _Formatter(logging.Formatter):
    def format(self, record):
        stamp = time.strftime('%m%d %H:%M:%S', time.localtime(record.created)) + f'.{int(record.msecs * 1000):06d}'
        prefix = (f"{record.levelname[0] if record.levelno != logging.DEBUG else 'V'}{stamp} {record.process} "
                  f"{record.pathname}:{record.lineno}] {getattr(record, 'frame', '')}"
                  f"[__{record.name.rsplit('__', 1)[-1]}] ")
        return '\n'.join(prefix + line for line in record.getMessage().split('\n'))


class _StderrHandler(logging.StreamHandler):
    """Writes to the ``sys.stderr`` of the moment (redirections made after set_logs are followed)."""

    def emit(self, record):
        self.stream = sys.stderr
        super().emit(record)


def _artifact_logger(name):
    logger = logging.getLogger(f'ember.__{name}')
    if not logger.handlers:
        handler = _StderrHandler()
        handler.setFormatter(_Formatter())
        logger.addHandler(handler)
        logger.propagate = False
    return logger


def enabled(artifact):
    """Whether ``set_logs`` turned ``artifact`` on (the compiler skips building the text otherwise)."""
    return artifact in _enabled


def log(artifact, frame, text):
    """Logs ``text`` under ``artifact`` for compile frame ``frame`` (``(id, recompile)``)."""
    _artifact_logger(artifact).debug(text, extra={'frame': f'[{frame[0]}/{frame[1]}] '}, stacklevel=2)


def set_logs(*, modules=None, **settings):
    """Sets the compiler's log output: components take a logging level (``logging.DEBUG`` ...),
    artifacts ``True``/``False``; each call replaces the previous settings.

    Args:
        all, dynamo, aot, autograd, dynamic, inductor, distributed, c10d, ddp, fsdp, dtensor, onnx,
            export (int, optional): the level of that component's logger (``ember._dynamo`` ...).
        graph_code, graph_breaks, recompiles (bool): log the captured graph's code, graph breaks and
            recaptures; the other artifacts PyTorch names are accepted and have nothing to log on ember.
        modules (dict, optional): logger names mapped to a level.

    Example::

        >>> import logging
        >>> ember._logging.set_logs(dynamo=logging.INFO, graph_code=True)
        >>> ember._logging.set_logs()
    """
    for name in settings:
        if name not in COMPONENTS and name not in ARTIFACTS:
            raise TypeError(f"set_logs() got an unexpected keyword argument '{name}'")
    levels = {}
    for name in COMPONENTS:
        level = settings.get(name)
        if level is None:
            continue
        if level not in _LEVELS:
            raise ValueError(f"Unrecognized log level for log {name}: {level}, valid level values are: "
                             f"{','.join(map(str, _LEVELS))}")
        levels[name] = level
    chosen = set()
    for name in ARTIFACTS:
        value = settings.get(name, False)
        if not isinstance(value, bool):
            raise ValueError(f"Expected bool to enable artifact {name}, received {value}")
        if value:
            chosen.add(name)
    _enabled.clear()
    _enabled.update(chosen)
    default = levels.pop('all', logging.WARNING)
    for name in COMPONENTS[1:]:
        logger = logging.getLogger(f'ember._{name}' if name in ('dynamo', 'inductor', 'dynamic') else f'ember.{name}')
        logger.setLevel(levels.get(name, default))
    for name, level in (modules or {}).items():
        logging.getLogger(name).setLevel(logging.DEBUG if level is True else level if level else logging.WARNING)
    for name in ARTIFACTS:
        _artifact_logger(name).setLevel(logging.DEBUG if name in _enabled else logging.WARNING)


def _from_environment():
    """TORCH_LOGS="graph_code,+dynamo,recompiles": artifacts by name, components with ``+`` (DEBUG) or
    ``-`` (ERROR) or bare (INFO); read once when the module loads."""
    spec = os.environ.get('TORCH_LOGS')
    if not spec:
        return
    settings = {}
    for item in (s.strip() for s in spec.split(',') if s.strip()):
        sign, name = (item[0], item[1:]) if item[0] in '+-' else ('', item)
        if name in ARTIFACTS and not sign:
            settings[name] = True
        elif name in COMPONENTS:
            settings[name] = {'+': logging.DEBUG, '-': logging.ERROR, '': logging.INFO}[sign]
        else:
            raise ValueError(f"Invalid log settings: {spec}, must be a comma separated list of fully qualified "
                             f"module names, registered log names or registered artifact names.")
    set_logs(**settings)


_from_environment()
