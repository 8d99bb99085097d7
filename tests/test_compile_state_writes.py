"""Compiled code that changes tensors in place which it does not reach through its arguments: an optimizer's step
(its parameters and state live in ``param_groups``/``state``), a tensor written by a method call on a global. Each
call must change them again, as in PyTorch (its compiler traces them; ember runs those parts eagerly). Values
checked against PyTorch 2.13 (the numbers here were read from it; the oracle test reruns them when it is
installed)."""
import pytest

import ember

SGD_STEPS = [[0.9, 0.9, 0.9], [0.8, 0.8, 0.8], [0.7, 0.7, 0.7]]
# Adam(lr=tensor(0.01)) with LinearLR(total_iters=5), stepped together in one compiled function (PyTorch's recipe
# "Running the compiled optimizer with an LR Scheduler"): the lr after each call
LINEAR_LR = [0.004667, 0.006, 0.007333, 0.008667, 0.01]


def _sgd_run(torch):
    w = torch.nn.Parameter(torch.ones(3))
    w.grad = torch.ones(3)
    opt = torch.optim.SGD([w], lr=0.1)

    @torch.compile()
    def fn():
        opt.step()
    out = []
    for _ in range(3):
        fn()
        out.append([round(v, 4) for v in w.detach().tolist()])
    return out


def _scheduler_run(torch, tensor_lr):
    torch.manual_seed(0)
    model = torch.nn.Sequential(*[torch.nn.Linear(8, 8, False) for _ in range(3)])
    model(torch.rand(8)).sum().backward()
    opt = torch.optim.Adam(model.parameters(), lr=torch.tensor(0.01) if tensor_lr else 0.01)
    sched = torch.optim.lr_scheduler.LinearLR(opt, total_iters=5)
    eager = torch.nn.Sequential(*[torch.nn.Linear(8, 8, False) for _ in range(3)])
    eager.load_state_dict(model.state_dict())
    for p, q in zip(eager.parameters(), model.parameters()):
        p.grad = q.grad.clone()
    opt_eager = torch.optim.Adam(eager.parameters(), lr=0.01)
    sched_eager = torch.optim.lr_scheduler.LinearLR(opt_eager, total_iters=5)

    @torch.compile(fullgraph=False)
    def fn():
        opt.step()
        sched.step()
    lrs = []
    for _ in range(5):
        fn()
        opt_eager.step()
        sched_eager.step()
        lrs.append(round(float(opt.param_groups[0]["lr"]), 6))
    same = all(torch.allclose(p, q, rtol=1e-4, atol=1e-6) for p, q in zip(model.parameters(), eager.parameters()))
    return lrs, same


def _global_writes(torch):
    state = {'w': torch.ones(3)}
    w = state['w']

    @torch.compile()
    def f():
        w.add_(1)
    for _ in range(3):
        f()
    return w.tolist()


def test_a_compiled_optimizer_step_updates_the_parameters_at_every_call():
    assert _sgd_run(ember) == SGD_STEPS


@pytest.mark.parametrize('tensor_lr', [True, False])
def test_a_compiled_step_and_scheduler_step_move_the_lr_at_every_call(tensor_lr):
    lrs, same = _scheduler_run(ember, tensor_lr)
    assert lrs == LINEAR_LR
    assert same


def test_a_method_writing_a_closure_tensor_in_place_writes_at_every_call():
    assert _global_writes(ember) == [4.0, 4.0, 4.0]


@pytest.mark.parametrize('zeroed_by', ['optimizer', 'model'])
def test_a_compiled_training_step_matches_eager_steps(zeroed_by):
    # zero_grad, forward, backward (a graph break) and step in one compiled function; later calls replay the plan
    def run(compiled):
        ember.manual_seed(0)
        model = ember.nn.Linear(4, 2)
        opt = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x, y = ember.ones(5, 4), ember.zeros(5, 2)

        def step():
            (opt if zeroed_by == 'optimizer' else model).zero_grad()
            loss = ember.nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            return loss
        step = ember.compile(step) if compiled else step
        return [round(step().item(), 6) for _ in range(4)], model.weight.detach().tolist()
    assert run(True) == run(False)


def test_the_numbers_are_pytorchs():
    torch = pytest.importorskip('torch')
    # (PyTorch's compiler turns distributions' argument validation off for the process: put it back after)
    validate = torch.distributions.Distribution._validate_args
    try:
        assert _sgd_run(torch) == SGD_STEPS
        assert _scheduler_run(torch, True) == (LINEAR_LR, True)
        assert _global_writes(torch) == [4.0, 4.0, 4.0]
    finally:
        torch.distributions.Distribution.set_default_validate_args(validate)
