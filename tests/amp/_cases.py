"""Autocast and GradScaler scenarios written once for ``lib`` (ember or torch): the tests run them under
ember and compare with what ``record_pytorch.py`` recorded from PyTorch."""


def _args(lib):
    g = lib.Generator().manual_seed(0)
    r = lambda *shape: lib.rand(*shape, generator=g) - 0.5   # noqa: E731
    return r, g


def op_cases(lib):
    """name -> a function of the input dtype returning the op's output (a tensor)."""
    F = lib.nn.functional
    r, g = _args(lib)
    m, v, b3, x4, x5 = r(4, 4), r(4), r(2, 4, 4), r(2, 3, 6, 6), r(1, 2, 4, 4, 4)
    w4, w3, w5 = r(5, 3, 3, 3), r(5, 3, 3), r(3, 2, 2, 2, 2)
    x3 = r(2, 3, 8)
    # NOTE: every random tensor is drawn here, before any op runs, so each case sees the same inputs
    # whichever cases run and in whatever order
    wl, bl, b5, wt1, wt2 = r(3, 4), r(3), r(5), r(3, 2, 3), r(3, 2, 3, 3)
    wb, wq, bq = r(2, 4, 4), r(12, 4), r(12)
    tgt = lib.tensor([0, 2, 1, 3])
    prob = lib.rand(4, 4, generator=g) * 0.8 + 0.1
    c = lambda t, dt: t.to(dt)   # noqa: E731
    return {
        # lower precision
        'matmul': lambda dt: lib.matmul(c(m, dt), c(m, dt)),
        'matmul_operator': lambda dt: c(m, dt) @ c(m, dt),
        'mm': lambda dt: lib.mm(c(m, dt), c(m, dt)),
        'bmm': lambda dt: lib.bmm(c(b3, dt), c(b3, dt)),
        'addmm': lambda dt: lib.addmm(c(m, dt), c(m, dt), c(m, dt)),
        'baddbmm': lambda dt: lib.baddbmm(c(b3, dt), c(b3, dt), c(b3, dt)),
        'addbmm': lambda dt: lib.addbmm(c(m, dt), c(b3, dt), c(b3, dt)),
        'linear': lambda dt: F.linear(c(m, dt), c(wl, dt), c(bl, dt)),
        'conv1d': lambda dt: F.conv1d(c(x3, dt), c(w3, dt)),
        'conv2d': lambda dt: F.conv2d(c(x4, dt), c(w4, dt), c(b5, dt), padding=1),
        'conv3d': lambda dt: F.conv3d(c(x5, dt), c(w5, dt)),
        'conv_transpose1d': lambda dt: F.conv_transpose1d(c(x3, dt), c(wt1, dt)),
        'conv_transpose2d': lambda dt: F.conv_transpose2d(c(x4, dt), c(wt2, dt)),
        'prelu': lambda dt: F.prelu(c(m, dt), c(lib.tensor([0.25]), dt)),
        'scaled_dot_product_attention': lambda dt: F.scaled_dot_product_attention(c(b3, dt), c(b3, dt), c(b3, dt)),
        'einsum_reaches_bmm': lambda dt: lib.einsum('bij,bjk->bik', c(b3, dt), c(b3, dt)),
        'einsum_one_operand': lambda dt: lib.einsum('bii->bi', c(b3, dt)),
        'tensordot': lambda dt: lib.tensordot(c(m, dt), c(m, dt), 1),
        'bilinear': lambda dt: F.bilinear(c(m, dt), c(m, dt), c(wb, dt)),
        'normalize': lambda dt: F.normalize(c(m, dt)),
        'cosine_similarity': lambda dt: F.cosine_similarity(c(m, dt), c(m.flip(0), dt)),
        'multi_head_attention_forward': lambda dt: F.multi_head_attention_forward(
            c(b3, dt), c(b3, dt), c(b3, dt), 4, 2, c(wq, dt), c(bq, dt), None, None, False, 0.0, c(m, dt), c(v, dt),
            need_weights=False)[0],
        # float32
        'mse_loss': lambda dt: F.mse_loss(c(m, dt), c(v.expand(4, 4), dt)),
        'l1_loss': lambda dt: F.l1_loss(c(m, dt), c(prob, dt)),
        'smooth_l1_loss': lambda dt: F.smooth_l1_loss(c(m, dt), c(prob, dt)),
        'huber_loss': lambda dt: F.huber_loss(c(m, dt), c(prob, dt)),
        'cross_entropy': lambda dt: F.cross_entropy(c(m, dt), tgt),
        'nll_loss': lambda dt: F.nll_loss(c(m, dt), tgt),
        'binary_cross_entropy': lambda dt: F.binary_cross_entropy(c(prob, dt), c(prob.flip(0), dt)),
        'binary_cross_entropy_with_logits': lambda dt: F.binary_cross_entropy_with_logits(c(m, dt), c(prob, dt)),
        'kl_div': lambda dt: F.kl_div(c(m, dt), c(prob, dt), reduction='batchmean'),
        'soft_margin_loss': lambda dt: F.soft_margin_loss(c(m, dt), c(prob.sign(), dt)),
        'prod': lambda dt: lib.prod(c(m, dt) + 1),
        'cdist': lambda dt: lib.cdist(c(m, dt), c(m, dt)),
        'trace': lambda dt: lib.trace(c(m, dt)),
        'avg_pool3d': lambda dt: F.avg_pool3d(c(x5, dt), 2),
        'max_pool3d': lambda dt: F.max_pool3d(c(x5, dt), 2),
        'pad_reflect': lambda dt: F.pad(c(x3, dt), (2, 2), mode='reflect'),
        # not listed: keep their input dtype (or promote as usual)
        'pad_constant': lambda dt: F.pad(c(x3, dt), (2, 2)),
        'relu': lambda dt: lib.relu(c(m, dt)),
        'softmax': lambda dt: lib.softmax(c(m, dt), 0),
        'sum': lambda dt: c(m, dt).sum(),
        'exp': lambda dt: lib.exp(c(m, dt)),
        'layer_norm': lambda dt: F.layer_norm(c(m, dt), (4,)),
        'mv': lambda dt: lib.mv(c(m, dt), c(v, dt)),
        'add_mixed': lambda dt: c(m, dt) + m,
        # promote
        'cat_mixed': lambda dt: lib.cat([c(m, dt), m]),
        'stack_mixed': lambda dt: lib.stack([c(m, dt), m]),
    }


def float64_cases(lib):
    """Ops that autocast would lower, called on float64: they stay float64."""
    r, _ = _args(lib)
    m = r(3, 3).double()
    return {'mm_float64': lambda: lib.mm(m, m), 'linear_float64': lambda: lib.nn.functional.linear(m, m)}


def grad_scaler_trajectory(lib, device='cpu'):
    """Train a 2-parameter model for 12 steps with a small growth_interval, injecting inf/NaN gradients at
    some steps; returns the scale, growth tracker, parameters and whether each step ran."""
    w = lib.tensor([1.0, -2.0], requires_grad=True)
    opt = lib.optim.SGD([w], lr=0.01)
    scaler = lib.amp.GradScaler(device, init_scale=1024.0, growth_factor=4.0, backoff_factor=0.25,
                                growth_interval=3)
    bad = {2: float('inf'), 6: float('nan'), 7: float('-inf')}
    out = []
    for step in range(12):
        opt.zero_grad()
        loss = (w * w).sum() * 0.5
        scaler.scale(loss).backward()
        if step in bad:
            with lib.no_grad():
                w.grad[0] = bad[step]
        before = w.detach().clone()
        if step % 4 == 3:          # the clipping pattern: unscale first, then step
            scaler.unscale_(opt)
        scaler.step(opt)
        scaler.update()
        out.append([scaler.get_scale(), scaler._get_growth_tracker(), w.detach().tolist(),
                    not bool((w.detach() == before).all())])
    out.append(scaler.state_dict())
    return out
