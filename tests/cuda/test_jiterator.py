"""ember.cuda.jiterator: elementwise kernels from C++ code, run as CuPy ElementwiseKernels (here on the
stand-in, which runs a small C++ subset through NumPy)."""
import math

import pytest

import ember
from ember.cuda import jiterator

AXPY = "template <typename T> T my_kernel(T x, T y, T alpha) { return -x + alpha * y; }"


def test_single_output_kernel_broadcasts_and_takes_keyword_defaults():
    fn = jiterator._create_jit_fn(AXPY, alpha=1.0)
    a = ember.tensor([0., 1., 2.], device='cuda')
    b = ember.ones(2, 1, device='cuda')
    out = fn(a, b)
    assert out.device == ember.device('cuda:0') and out.shape == (2, 3)
    assert out.cpu().tolist() == [[1., 0., -1.]] * 2
    assert fn(a, b, alpha=3.0).cpu().tolist() == [[3., 2., 1.]] * 2
    assert fn.kernel_name == 'my_kernel' and fn.num_outputs == 1 and not fn.return_by_ref


def test_helper_functions_and_the_last_function_is_the_entry():
    code = ("template <typename T> T util_fn(T x, T y) { return ::sin(x) + ::cos(y); }"
            "template <typename T> T my_kernel(T x, T y, T val) { return ::min(val, util_fn(x, y)); }")
    fn = jiterator._create_jit_fn(code, val=1.0)
    x = [0.0, 1.0, 2.0]
    got = fn(ember.tensor(x, device='cuda'), ember.tensor(x, device='cuda')).cpu().tolist()
    assert got == pytest.approx([min(1.0, math.sin(v) + math.cos(v)) for v in x])


def test_multi_output_kernel_writes_through_references():
    code = "template <typename T> void k(T x, T y, T& s, T& d) { s = x + y; d = x > y ? x - y : y - x; }"
    fn = jiterator._create_multi_output_jit_fn(code, num_outputs=2)
    s, d = fn(ember.tensor([0., 1., 2.], device='cuda'), ember.full((3,), 1.5, device='cuda'))
    assert s.cpu().tolist() == [1.5, 2.5, 3.5] and d.cpu().tolist() == [1.5, 0.5, 0.5]


def test_inputs_are_promoted_to_a_common_dtype():
    relu = jiterator._create_jit_fn("template <typename T> T my_relu(T a) { return a > 0 ? a : 0; }")
    ints = relu(ember.tensor([-1, 2, -3], device='cuda'))
    assert ints.dtype == ember.int64 and ints.cpu().tolist() == [0, 2, 0]
    add = jiterator._create_jit_fn("template <typename T> T add(T a, T b) { return a + b; }")
    mixed = add(ember.tensor([1, 2], device='cuda'), ember.tensor([0.5, 0.5], device='cuda'))
    assert mixed.dtype == ember.float32 and mixed.cpu().tolist() == [1.5, 2.5]


def test_bad_calls_raise_pytorchs_errors():
    with pytest.raises(AssertionError, match='^Return by value only works for single output.$'):
        jiterator._JittedFunction(AXPY, return_by_ref=False, num_outputs=2)
    with pytest.raises(Exception, match="^Couldn't parse code, please check correctness:\n int f"):
        jiterator._create_jit_fn("int f(int x) { return x; }")
    fn = jiterator._create_jit_fn(AXPY, alpha=1.0)
    a = ember.ones(2, device='cuda')
    with pytest.raises(KeyError, match='beta is not declared in function definition'):
        fn(a, a, beta=2.0)
    with pytest.raises(AssertionError, match='^jiterator only supports up to 8 tensor inputs, got 9$'):
        fn(*[a] * 9)
    with pytest.raises(RuntimeError, match='every input must be a CUDA tensor, got cpu'):
        fn(a, ember.ones(2))
