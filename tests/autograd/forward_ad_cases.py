"""Forward-AD cases written once for ember and torch (``T``): each returns the tangents it unpacked."""


def _x(T):
    return T.tensor([0.5, -1.25, 2.0], dtype=T.float64)


def _w(T):
    return T.tensor([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]], dtype=T.float64)


def _run(T, body):
    fwAD = T.autograd.forward_ad
    with fwAD.dual_level():
        return body(fwAD)


def _elementwise(T):
    def body(fwAD):
        d = fwAD.make_dual(_x(T), T.tensor([1.0, 2.0, -0.5], dtype=T.float64))
        return fwAD.unpack_dual(d.exp() * d.sin() / (1 + d ** 2)).tangent
    return _run(T, body)


def _two_duals(T):
    def body(fwAD):
        x = fwAD.make_dual(_x(T), T.ones(3, dtype=T.float64))
        w = fwAD.make_dual(_w(T), _w(T).flip(1))
        y = T.nn.functional.softmax(w @ x, dim=0)
        z = (w.tanh() * x).logsumexp(dim=1)
        return fwAD.unpack_dual(y).tangent, fwAD.unpack_dual(z).tangent
    return _run(T, body)


def _network(T):
    def body(fwAD):
        x = fwAD.make_dual(_w(T), T.full((2, 3), 0.1, dtype=T.float64))
        h = T.nn.functional.gelu(x @ _w(T).t())
        return fwAD.unpack_dual(T.nn.functional.layer_norm(h, (2,))).tangent
    return _run(T, body)


CASES = {'elementwise': _elementwise, 'two_duals': _two_duals, 'network': _network}
