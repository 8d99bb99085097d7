"""The small ``torch._dynamo`` helpers libraries import directly (transformers' masking utilities)."""
import ember
from ember._dynamo._trace_wrapped_higher_order_op import TransformGetItemToIndex


def test_index_with_batched_scalars_under_vmap():
    # what PyTorch 2.13 prints for the same program: mask[b, k] inside two vmaps
    mask = ember.tensor([[True, False, True], [False, True, True]])

    def allowed(b, k):
        return mask[b, k] & (k <= 1 + b)
    with TransformGetItemToIndex():
        out = ember.vmap(ember.vmap(allowed, in_dims=(None, 0)), in_dims=(0, None))(ember.arange(2), ember.arange(3))
    assert out.tolist() == [[True, False, False], [False, True, True]]


def test_indexing_stays_differentiable():
    x = ember.arange(6.).reshape(2, 3).requires_grad_()
    with TransformGetItemToIndex():
        y = x[1, 2] * 2 + x[0][ember.tensor(1)]
    y.backward()
    assert y.item() == 11.0 and x.grad.tolist() == [[0., 1., 0.], [0., 0., 2.]]


def test_pytree_builtin_functions_under_pytorchs_private_names():
    from ember.utils import _pytree as pytree
    assert pytree._dict_flatten({'a': 1, 'b': 2}) == ([1, 2], ['a', 'b'])
    assert pytree._dict_unflatten([1, 2], ['a', 'b']) == {'a': 1, 'b': 2}
    keys, ctx = pytree._dict_flatten_with_keys({'a': 1})
    assert (str(keys[0][0]), keys[0][1], ctx) == ("['a']", 1, ['a'])
    assert pytree._tuple_flatten_with_keys((5, 6))[0][1][1] == 6

    class Output(dict):           # a dict-like node registered with the dict functions, as transformers does
        pass
    pytree.register_pytree_node(Output, pytree._dict_flatten, lambda v, c: Output(zip(c, v)),
                                flatten_with_keys_fn=pytree._dict_flatten_with_keys)
    doubled = pytree.tree_map(lambda t: t * 2, Output(a=ember.tensor(1.), b=ember.tensor(2.)))
    assert type(doubled) is Output and doubled['b'].item() == 4.0
