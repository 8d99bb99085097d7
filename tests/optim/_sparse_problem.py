"""The sparse-gradient problem SparseAdam is compared on (shared by record_sparse_adam.py, run under PyTorch, and
test_sparse_adam.py): a float64 embedding whose rows each step looks up differ, so some rows miss steps."""
WEIGHT = [[0.5, -1.0, 0.25], [1.5, 0.75, -0.5], [-0.25, 2.0, 1.0], [0.125, -0.75, 0.5], [1.0, 1.0, -1.25]]
LOOKUPS = [[1, 2, 1], [0, 4], [2, 3, 3, 1], [4, 1], [0, 2, 2]]
TARGET = [0.25, -0.5, 1.0]
CONFIG = dict(lr=0.05, betas=(0.8, 0.95), eps=1e-6)


def make(lib, optimizer_cls):
    emb = lib.nn.Embedding(5, 3, sparse=True, dtype=lib.float64)
    with lib.no_grad():
        emb.weight.copy_(lib.tensor(WEIGHT, dtype=lib.float64))
    return emb, optimizer_cls(emb.parameters(), **CONFIG)


def run(lib, emb, opt, steps, start=0):
    """The weights after each of ``steps`` steps (starting at lookup ``start``), as nested lists."""
    weights = []
    for k in range(start, start + steps):
        opt.zero_grad()
        rows = emb(lib.tensor(LOOKUPS[k]))
        ((rows - lib.tensor(TARGET, dtype=lib.float64)) ** 2).sum().backward()
        opt.step()
        weights.append(emb.weight.detach().tolist())
    return weights
