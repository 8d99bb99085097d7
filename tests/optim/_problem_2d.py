"""The problem for optimizers of weight matrices only (Muon): two float64 matrices and a smooth loss, used
through ``_problem``'s functions (``problem=_problem_2d``)."""


def make_params(lib):
    w1 = lib.tensor([[1.0, -2.0, 0.5, 0.25], [0.3, 0.9, -1.1, 0.6], [-0.4, 0.2, 0.7, -1.3]], dtype=lib.float64,
                    requires_grad=True)
    w2 = lib.tensor([[0.3, -0.7], [1.2, 0.1], [0.5, 0.5], [-0.2, 0.8]], dtype=lib.float64, requires_grad=True)
    return w1, w2


def loss(w1, w2):
    return ((w1 @ w2 - 1) ** 2).sum() * 0.5 + (w1 ** 4).sum() * 0.1 + (w2 ** 2).sum() * 0.05
