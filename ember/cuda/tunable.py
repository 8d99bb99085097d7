"""TunableOp's settings (``torch.cuda.tunable``). PyTorch can time several GEMM kernels per shape and keep
the fastest; ember's matrix products are CuPy's calls into cuBLAS, which picks its own kernel, so there is
no TunableOp here. What reads the settings answers truthfully (off, nothing tuned); what would turn
tuning on or change how it runs raises, rather than being ignored."""

__all__ = ['enable', 'get_filename', 'get_max_tuning_duration', 'get_max_tuning_iterations', 'get_results',
           'get_rotating_buffer_size', 'get_validators', 'is_enabled', 'mgpu_tune_gemm_in_file', 'read_file',
           'record_untuned_enable', 'record_untuned_is_enabled', 'set_filename', 'set_max_tuning_duration',
           'set_max_tuning_iterations', 'set_numerical_check_tolerances', 'set_rotating_buffer_size',
           'tune_gemm_in_file', 'tuning_enable', 'tuning_is_enabled', 'write_file', 'write_file_on_exit']


def _unavailable(what):
    return RuntimeError(f"{what}: TunableOp is not available in ember (its CUDA matrix products are CuPy's cuBLAS "
                        f"calls, which choose their own kernels)")


def _switch(name):
    def switch(val=True):
        if val:
            raise _unavailable(f'ember.cuda.tunable.{name}(True)')
    switch.__name__ = name
    switch.__doc__ = f"Turning it off does nothing (it is never on); ``{name}(True)`` raises: no TunableOp in ember."
    return switch


def _setting(name):
    def setting(*args, **kwargs):
        raise _unavailable(f'ember.cuda.tunable.{name}')
    setting.__name__ = name
    setting.__doc__ = "Raises: there is no TunableOp in ember whose setting this would change."
    return setting


enable, tuning_enable, record_untuned_enable = _switch('enable'), _switch('tuning_enable'), \
    _switch('record_untuned_enable')


def is_enabled():
    """False: ember has no TunableOp."""
    return False


tuning_is_enabled = record_untuned_is_enabled = is_enabled


def get_results():
    """The tuned kernels: none."""
    return ()


def get_validators():
    """The conditions tuning results were recorded under: none."""
    return ()


for _name in ('set_max_tuning_duration', 'get_max_tuning_duration', 'set_max_tuning_iterations',
              'get_max_tuning_iterations', 'set_filename', 'get_filename', 'write_file_on_exit', 'write_file',
              'read_file', 'tune_gemm_in_file', 'mgpu_tune_gemm_in_file', 'set_rotating_buffer_size',
              'get_rotating_buffer_size', 'set_numerical_check_tolerances'):
    globals()[_name] = _setting(_name)
del _name
