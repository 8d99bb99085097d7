"""``CommDebugMode``: count the collectives run inside a ``with`` block, in total, by operator and by
module (forward and backward apart), with the layouts of the parameters of the modules that ran.

DTensor's communication counts as PyTorch's functional collectives (``c10d_functional.all_gather_into_tensor``,
``all_reduce``, ``reduce_scatter_tensor``, ...), direct calls of ``ember.distributed``'s collectives as
PyTorch's c10d operators (``c10d.allreduce_``, ``c10d.scatter_``, ...); the keys are the operators
``ember.ops.c10d_functional.*`` and ``ember.ops.c10d.*``."""
import copy
import json
import re
from collections import defaultdict

import ember
from ember.distributed import _comm_count
from ember.distributed import _functional_collectives  # noqa: F401  (defines ember.ops.c10d_functional)
from ember.utils.module_tracker import ModuleTracker

__all__ = ['CommDebugMode']

# operations left out of the tables below noise level 3 (PyTorch's list)
_TRIVIAL_OPS = {'aten.detach.default', 'aten.t.default', 'aten.view.default', 'aten._to_copy.default',
                'aten.as_strided.default', 'aten.transpose.int'}


def _registry():
    funcol = ember.ops.c10d_functional
    ops = {getattr(funcol, n) for n in ('all_reduce', 'all_gather_into_tensor', 'reduce_scatter_tensor',
                                        'all_to_all_single', 'broadcast')}
    c10d = _comm_count._c10d_namespace()
    return ops | {c10d.op(n) for n in _comm_count.C10D_NAMES.values()}


class _CommModeModuleTracker(ModuleTracker):
    """The module tracker, also noting for each module that runs its type, depth, parameters (with their
    layouts when they are DTensors) and the modules it called."""

    def __init__(self):
        super().__init__()
        self.module_helper_dict = {}
        self.module_parameters_dict = {}
        self.sharding_dict = {}
        self.parent_dict = {}
        self.parent_list = ['Global']
        self._leave_handles = {}

    @property
    def name(self):
        """The innermost module running now ('Global' outside every module): in forward, until the
        module's own forward hooks have run (tensor parallelism's output conversions count as its own)."""
        if not self.is_bw:
            return self.parent_list[-1]
        running = [n for n in self.parents if n != 'Global']
        return max(running, key=lambda n: n.count('.')) if running else 'Global'

    def _note_module(self, module, args):
        if self.is_bw:           # a forward re-run by activation checkpointing: not a new module
            return
        name = self._name(module)
        if module not in self._leave_handles:     # runs after the module's forward hooks registered before
            self._leave_handles[module] = module.register_forward_hook(self._leave_module)
        info = self.module_helper_dict.setdefault(name, {})
        info['module_type'] = str(type(module)).replace('<', '').replace('>', '')
        info['depth'] = name.count('.') + 1
        from ember.distributed.tensor import DTensor
        for pname, p in module.named_parameters(recurse=False):
            self.module_parameters_dict.setdefault(name, {})[pname] = p.data
            if isinstance(p, DTensor):
                self.sharding_dict[f'{name}.{pname}'] = p.placements
                info.setdefault('parameters', {})[pname] = str(p.placements)
        self.parent_dict.setdefault(self.parent_list[-1], []).append(name)
        self.parent_list.append(name)

    def _leave_module(self, module, args, output):
        if not self.is_bw and len(self.parent_list) > 1:
            self.parent_list.pop()

    def __enter__(self):
        self.module_helper_dict.clear()
        self.module_helper_dict['Global'] = {'depth': 0}
        self.module_parameters_dict.clear()
        self.sharding_dict.clear()
        self.parent_dict.clear()
        self.parent_list = ['Global']
        super().__enter__()
        from ember.nn.modules._global_hooks import register_module_forward_pre_hook
        self._note_handle = register_module_forward_pre_hook(self._note_module)
        return self

    def __exit__(self, *exc):
        self._note_handle.remove()
        for h in self._leave_handles.values():
            h.remove()
        self._leave_handles = {}
        return super().__exit__(*exc)


class CommDebugMode:
    """A context manager that counts the collectives run inside it.

    ``get_total_counts()`` is their number, ``get_comm_counts()`` their number per operator (keys such as
    ``ember.ops.c10d_functional.all_reduce``), ``comm_module_counts[fqn]['forward' | 'backward']`` their
    number per module (``'Global'``: all of them) and ``generate_comm_debug_tracing_table`` the module tree
    with them. Every rank counts its own.

    Example::

        >>> from ember.distributed.tensor.debug import CommDebugMode
        >>> comm_mode = CommDebugMode()
        >>> with comm_mode:                                  # doctest: +SKIP
        ...     model(x).sum().backward()
        >>> comm_mode.get_comm_counts()                      # doctest: +SKIP
        defaultdict(<class 'int'>, {c10d_functional.all_reduce: 1})
    """

    def __init__(self):
        self.comm_counts = defaultdict(int)
        self.comm_module_counts = {}
        self.comm_module_operation_counts = {}
        self.comm_registry = _registry()
        self.advanced_module_tracker = _CommModeModuleTracker()

    # ------------------------------------------------------------------ counting
    def _count(self, op):
        self.comm_counts[op] += 1
        tracker = self.advanced_module_tracker
        key = 'backward' if tracker.is_bw else 'forward'
        name = tracker.name
        # the module running, then the modules it lies in (outermost last), then Global
        parts = name.split('.') if name != 'Global' else []
        for fqn in ['.'.join(parts[:k]) for k in range(len(parts), 0, -1)] + ['Global']:
            counts = self.comm_module_counts.setdefault(fqn, {'forward': defaultdict(int),
                                                              'backward': defaultdict(int)})
            counts[key][op] += 1

    def _operation(self, name, args):
        """Note a DTensor operation (``name``; its DTensor arguments' shapes and layouts)."""
        from ember.distributed.tensor import DTensor
        tracker = self.advanced_module_tracker
        entry = {'name': name, 'input_shape': [], 'input_sharding': [], 'device_mesh': '',
                 'is_bw': tracker.is_bw, 'is_activation_checkpointing': False}
        for a in args:
            if isinstance(a, DTensor):
                entry['input_shape'].append(a.shape)
                entry['input_sharding'].append(a.placements)
                entry['device_mesh'] = str(a.device_mesh)
        self.comm_module_operation_counts.setdefault(tracker.name, {'operations_list': []})[
            'operations_list'].append(entry)

    def __enter__(self):
        self.comm_counts.clear()
        self.comm_module_counts.clear()
        self.comm_module_counts['Global'] = {'forward': defaultdict(int), 'backward': defaultdict(int)}
        self.comm_module_operation_counts.clear()
        self.advanced_module_tracker.__enter__()
        _comm_count.ACTIVE.append(self)
        return self

    def __exit__(self, *exc):
        _comm_count.ACTIVE.remove(self)
        self.advanced_module_tracker.__exit__(*exc)

    # ------------------------------------------------------------------ reading
    def get_total_counts(self):
        """The number of collectives counted."""
        return sum(self.comm_counts.values())

    def get_comm_counts(self):
        """{operator: number of calls}."""
        return self.comm_counts

    def get_parameter_info(self):
        """{module fqn: {parameter name: its data}} for the modules that ran."""
        return self.advanced_module_tracker.module_parameters_dict

    def get_sharding_info(self):
        """{'<module fqn>.<parameter name>': placements} for the DTensor parameters of the modules that ran."""
        return self.advanced_module_tracker.sharding_dict

    def __repr__(self):
        return f"CommDebugMode(get_total_counts()={self.get_total_counts()})"

    # ------------------------------------------------------------------ reports
    @staticmethod
    def _noise(noise_level):
        """(DTensor operations, module data, other operations, trivial operations) shown at ``noise_level``."""
        return noise_level > 0, noise_level > 0, noise_level > 1, noise_level > 2

    def _operations(self, fqn, noise_level):
        """(forward, backward, checkpointing) operations of ``fqn`` shown at ``noise_level``."""
        dtensor_ops, _, other_ops, trivial_ops = self._noise(noise_level)
        if not dtensor_ops or fqn not in self.comm_module_operation_counts:
            return [], [], []
        shown = [op for op in self.comm_module_operation_counts[fqn]['operations_list']
                 if (other_ops or op['input_sharding']) and (trivial_ops or str(op['name']) not in _TRIVIAL_OPS)]
        return ([op for op in shown if not op['is_bw']],
                [op for op in shown if op['is_bw'] and not op['is_activation_checkpointing']],
                [op for op in shown if op['is_activation_checkpointing']])

    def generate_comm_debug_tracing_table(self, noise_level=3):
        """The module tree with each module's collectives in forward and backward. ``noise_level`` 0:
        collective counts only; 1: also module types, parameter layouts and DTensor operations; 2 and 3:
        the same (ember sees the operations DTensors run, only)."""
        _, module_data, _, _ = self._noise(noise_level)
        tracker = self.advanced_module_tracker
        lines = []
        for fqn, info in tracker.module_helper_dict.items():
            indent = '  ' * (2 * info['depth'])
            lines.append(f'{indent}{fqn}\n')
            if module_data:
                if 'module_type' in info:
                    lines.append(f"{indent}*module type: {info['module_type']}\n")
                if 'parameters' in info:
                    lines.append(f'{indent}*Parameter List\n')
                    lines.extend(f'{indent} *{n}: {p}\n' for n, p in info['parameters'].items())
            counts = self.comm_module_counts.get(fqn, {'forward': {}, 'backward': {}})
            fw_ops, bw_ops, ckpt_ops = self._operations(fqn, noise_level)
            coll = '  ' * (2 * info['depth'] + 2)
            op_indent = '  ' * (2 * info['depth'] + 3)
            for title, collectives, ops in (('FORWARD PASS', counts['forward'], fw_ops),
                                            ('BACKWARD PASS', counts['backward'], bw_ops),
                                            ('ACTIVATION CHECKPOINTING', {}, ckpt_ops)):
                if not (collectives or ops):
                    continue
                lines.append(f'{indent}  {title}\n')
                lines.extend(f'\033[1;33m{coll}*{c}: {n}\033[0m\n' for c, n in collectives.items())
                for op in ops:
                    lines.append(f"\033[1;33m{coll}**{op['name']}\033[0m\n")
                    if op['input_shape']:
                        lines.append(f"\033[1;31m{op_indent}shape: {op['input_shape']}\033[0m\n")
                        lines.append(f"\033[1;31m{op_indent}sharding: {op['input_sharding']}\033[0m\n")
                        lines.append(f"\033[1;31m{op_indent}device mesh: {op['device_mesh']}\033[0m\n")
        return ''.join(lines)

    def log_comm_debug_tracing_table_to_file(self, file_name='comm_mode_log.txt', noise_level=3):
        """Write the tracing table (without its colours) to ``file_name``."""
        table = re.sub(r'\x1B\[[0-?]*[ -/]*[@-~]', '', self.generate_comm_debug_tracing_table(noise_level))
        with open(file_name, 'w') as f:
            f.write(table)

    def generate_json_dump(self, file_name='comm_mode_log.json', noise_level=3):
        """Write the module tree with each module's type, parameter layouts, collectives and operations
        (as ``noise_level`` selects) to ``file_name`` as JSON, for browsing."""
        _, module_data, _, _ = self._noise(noise_level)
        tracker = self.advanced_module_tracker

        def as_text(ops):
            ops = copy.deepcopy(ops)
            for op in ops:
                op['name'] = str(op['name'])
                op['input_sharding'] = [str(s) for s in op['input_sharding']]
                op['input_shape'] = [str(s) for s in op['input_shape']]
            return ops

        def node(fqn):
            info = tracker.module_helper_dict.get(fqn, {})
            counts = self.comm_module_counts.get(fqn, {'forward': {}, 'backward': {}})
            fw, bw, ckpt = self._operations(fqn, noise_level)
            out = {'fqn': fqn, 'module_type': info.get('module_type', '') if module_data else '',
                   'parameters': list(info.get('parameters', {}).items()) if module_data else [],
                   'children': [],
                   'collectives_forward': [(str(c), n) for c, n in counts['forward'].items()],
                   'collectives_backward': [(str(c), n) for c, n in counts['backward'].items()],
                   'operations_forward': as_text(fw), 'operations_backward': as_text(bw),
                   'operations_checkpointing': as_text(ckpt)}
            out['children'] = [node(child) for child in tracker.parent_dict.get(fqn, [])]
            return out

        with open(file_name, 'w') as f:
            json.dump(node('Global'), f, indent=4)
