"""ember.__config__: what PyTorch's torch.__config__ offers (show, parallel_info, _cxx_flags), true of ember."""
import numpy as np

import ember


def test_show_names_the_libraries_ember_computes_with():
    text = ember.__config__.show()
    lines = text.splitlines()
    assert lines[0] == 'ember built with:' and text.endswith('\n')
    assert f'  - NumPy {np.__version__}' in lines
    assert any(line.startswith('  - BLAS: ') for line in lines)
    assert f'EMBER_VERSION={ember.__version__}' in lines[-1]


def test_parallel_info_reports_the_thread_settings_in_use():
    before = ember.get_num_threads()
    ember.set_num_threads(1)
    try:
        text = ember.__config__.parallel_info()
        assert text.splitlines()[:3] == ['ember/Parallel:', '\tember.get_num_threads() : 1',
                                         '\tember.get_num_interop_threads() : 1']
        assert '\tOMP_NUM_THREADS : ' in text
    finally:
        ember.set_num_threads(before)


def test_no_compiler_flags_for_a_pure_python_build():
    assert ember.__config__._cxx_flags() == ''
