"""F.ctc_loss and nn.CTCLoss against values recorded from PyTorch 2.13.

CASES are evaluated by tests/nn/_oracle_cases.py (``torch`` in an expression is ember here);
EXPECTED (at the end) is what PyTorch gave: losses, grad_fn names and the gradients reaching the
logits through log_softmax.
"""
import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from tests.nn._oracle_cases import check_case, run_case

_T = 'torch.tensor([[1, 2, 2], [3, 1, 1], [2, 3, 0]])'
CASES = {
    'mean': (f'F.ctc_loss(x.log_softmax(2), {_T}, [6, 5, 4], [3, 3, 2])', {'x': (6, 3, 4)}),
    'sum': (f"F.ctc_loss(x.log_softmax(2), {_T}, [6, 6, 3], [3, 2, 2], reduction='sum')", {'x': (6, 3, 4)}),
    'none_blank2': ("F.ctc_loss(x.log_softmax(2), torch.tensor([[1, 0, 3], [0, 0, 1], [3, 3, 3]]), [7, 5, 7], "
                    "[3, 2, 3], blank=2, reduction='none')", {'x': (7, 3, 4)}),
    'concatenated_targets': ("F.ctc_loss(x.log_softmax(2), torch.tensor([1, 2, 3, 3, 1]), torch.tensor([5, 4]), "
                             "torch.tensor([3, 2]))", {'x': (5, 2, 4)}),
    'empty_target': ("F.ctc_loss(x.log_softmax(2), torch.tensor([[1, 2], [0, 0]]), [4, 3], [2, 0], "
                     "reduction='none')", {'x': (4, 2, 3)}),
    'unbatched': ('F.ctc_loss(x.log_softmax(1), torch.tensor([1, 1, 2]), torch.tensor(6), torch.tensor(3))',
                  {'x': (6, 3)}),
    'zero_infinity': ("F.ctc_loss(x.log_softmax(2), torch.tensor([[1, 1, 1], [1, 2, 1]]), [3, 5], [3, 3], "
                      "reduction='none', zero_infinity=True)", {'x': (5, 2, 3)}),
    'module': ("torch.nn.CTCLoss(blank=1, reduction='sum')(x.log_softmax(2), torch.tensor([[2, 3], [3, 0]]), "
               "[4, 4], [2, 2])", {'x': (4, 2, 4)}),
}


def _make(a):
    return ember.tensor(a, requires_grad=True)


@pytest.mark.parametrize('name', sorted(CASES))
def test_values_and_gradients_match_pytorch(name):
    check_case(EXPECTED[name], run_case(F, _make, *CASES[name], extra={'torch': ember}), rtol=1e-9, atol=1e-12)


def test_impossible_alignment_is_infinite_without_zero_infinity():
    lp = ember.zeros(3, 1, 3).log_softmax(2)
    loss = F.ctc_loss(lp, ember.tensor([[1, 1, 1]]), [3], [3], reduction='none')
    assert loss.tolist() == [float('inf')]


def test_errors_match_pytorch():
    lp = ember.zeros(5, 2, 4)
    t = ember.tensor([[1, 2], [3, 3]])
    with pytest.raises(RuntimeError, match=r'^Expected input_lengths to have value at most 5, but got value 6 \(while '
                                           r'checking arguments for ctc_loss_allocate_outputs\)$'):
        F.ctc_loss(lp, t, [6, 4], [2, 2])
    with pytest.raises(RuntimeError, match=r"^Expected tensor to have size at least 3 at dimension 1, but got size 2 "
                                           r"for argument #2 'targets' \(while checking arguments for "
                                           r"ctc_loss_allocate_outputs\)$"):
        F.ctc_loss(lp, t, [5, 4], [3, 2])
    with pytest.raises(RuntimeError, match='^input_lengths must be of size batch_size$'):
        F.ctc_loss(lp, t, [5], [2, 2])
    with pytest.raises(ValueError, match='^bogus is not a valid value for reduction$'):
        F.ctc_loss(lp, t, [5, 4], [2, 2], reduction='bogus')


def test_module_repr_and_training_step():
    assert repr(nn.CTCLoss(blank=2, zero_infinity=True)) == 'CTCLoss()'
    from ember.nn.modules.loss import CTCLoss
    assert CTCLoss is nn.CTCLoss
    ember.manual_seed(0)
    model = nn.Linear(3, 4)
    opt = ember.optim.SGD(model.parameters(), lr=0.5)
    x = ember.randn(8, 2, 3)
    loss_fn = nn.CTCLoss()
    losses = []
    for _ in range(20):
        opt.zero_grad()
        loss = loss_fn(model(x).log_softmax(2), ember.tensor([[1, 2, 3], [3, 3, 1]]), [8, 8], [3, 3])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] * 0.8 and np.all(np.isfinite(losses))


EXPECTED = {'mean': {'shape': [],
          'out': [1.54691686],
          'grad_fn': 'MeanBackward0',
          'x': [-0.00094162444, -0.00647232484, 0.00393326389, 0.00348068539, -0.00218224217, 0.0028406955,
                0.00168751388, -0.00234596721, -0.000669667117, 0.00289000118, -0.00985432864, 0.00763399458,
                0.00064301871, -0.00171592686, 7.06291355e-05, 0.00100227902, 0.000721322166, 0.000254246577,
                0.00309510517, -0.00407067392, -0.0025137096, 0.00578126236, -0.00365827353, 0.000390720773,
                -0.00137335383, 2.27974162e-05, -0.00379599185, 0.00514654826, 0.00199614025, -0.00710845062,
                0.00324142703, 0.00187088333, -0.00139732955, 0.0035560284, 0.00108424272, -0.00324294158,
                -0.00109004354, 0.00289987514, -0.00512275471, 0.00331292311, -0.00576998099, 0.00244438907,
                0.00171693535, 0.00160865657, -6.83547122e-05, 0.00298475446, 0.00556063597, -0.00847703572,
                -0.00487318576, 0.00326813259, 0.000584984708, 0.00102006846, 0.000941810242, -0.00991692148,
                0.00314492787, 0.00583018337, 0.0, 0.0, 0.0, 0.0, 0.00115624234, 0.00180187186, -0.00824341361,
                0.00528529941, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]},
 'sum': {'shape': [],
         'out': [11.7147388],
         'grad_fn': 'SumBackward0',
         'x': [-0.00847461996, -0.0582509235, 0.035399375, 0.0313261685, -0.0318765252, 0.0255662595, 0.015187625,
               -0.00887735924, 0.00245296912, 0.0173400071, -0.0655969437, 0.0458039675, 0.00578716839, -0.0154433418,
               0.000635662219, 0.00902051116, -0.00484570307, 0.0129963348, 0.0278559465, -0.0360065782,
               -0.00762483429, 0.0346875741, -0.0104507502, -0.0166119897, -0.0123601844, 0.000205176746,
               -0.0341639267, 0.0463189344, -0.01790166, 0.0107242697, 0.0291728433, -0.021995453, 0.020414536,
               0.0213361704, 0.0197626283, -0.0615133347, -0.00981039184, 0.0260988763, -0.0461047924, 0.029816308,
               -0.00416259811, -0.0105372246, 0.0154524181, -0.000752595471, 0.0, 0.0, 0.0, 0.0, -0.0438586718,
               0.0294131933, 0.00526486237, 0.00918061614, -0.0188973671, -0.047661284, 0.0283043509, 0.0382543003,
               0.0, 0.0, 0.0, 0.0, 0.010406181, 0.0162168468, -0.0741907225, 0.0475676947, -0.0160927081,
               -0.0280654355, 0.0282669492, 0.0158911944, 0.0, 0.0, 0.0, 0.0]},
 'none_blank2': {'shape': [3],
                 'out': [4.14001161, 4.10545081, 6.16024971],
                 'grad_fn': 'CtcLossBackward0',
                 'x': [0.0132135714, -0.0309907811, -0.0135489588, 0.0313261685, 0.259548504, -0.136281609,
                       -0.0508054937, -0.0724614008, -0.0830239576, -0.15873081, -0.200397859, 0.442152626,
                       0.0295326373, -0.0340480606, -0.00450508789, 0.00902051116, 0.0586301609, -0.0773806085,
                       0.299213806, -0.280463359, -0.367027004, -0.317530825, 0.579074584, 0.105483245,
                       -0.00801442458, -0.016652468, -0.0164230648, 0.0410899574, 0.0967452215, -0.181780321,
                       0.174790228, -0.0897551291, -0.321252954, -0.195311778, 0.200780695, 0.315784037, -0.016859671,
                       0.0111644865, -0.0138430932, 0.0195382777, 0.217812383, -0.134402963, -0.0062345497,
                       -0.0771748703, -0.0845870198, -0.163935052, 0.0319249688, 0.216597103, -0.0161643747,
                       0.0282291516, -0.00463028409, -0.00743449273, 0.10731415, -0.0776210864, 0.250008429,
                       -0.279701493, -0.379975291, -0.314354777, 0.55264935, 0.141680718, 0.00644331018, 0.0162168468,
                       0.00296058756, -0.0256207445, 0.0, 0.0, 0.0, 0.0, -0.304181337, -0.191106752, 0.17674011,
                       0.318547979, 0.0147356619, 0.027034962, -0.0130660909, -0.028704533, 0.0, 0.0, 0.0, 0.0,
                       -0.0865900401, -0.169608201, -0.0271540607, 0.283352301]},
 'concatenated_targets': {'shape': [],
                          'out': [1.30321489],
                          'grad_fn': 'MeanBackward0',
                          'x': [0.000810948318, -0.0119318722, 0.00589989584, 0.00522102808, 0.00240355542,
                                0.00639156487, 0.00379690624, -0.0125920265, 0.000226139478, -0.000997518098,
                                -0.00686261596, 0.00763399458, -6.2339731e-05, 0.0026100329, 0.00376754378,
                                -0.00631523694, 0.000134838237, 0.00207299261, -0.00412465876, 0.00191682791,
                                0.00158573126, -0.00485149099, 0.00504026517, -0.00177450543, 0.000520833311,
                                0.00276694179, 0.00193064426, -0.00521841936, -0.00106977553, -0.0104329228,
                                0.00729321083, 0.00420948749, -0.00245573872, 0.0035560284, 0.00329377139,
                                -0.00439406107, 0.0, 0.0, 0.0, 0.0]},
 'empty_target': {'shape': [2],
                  'out': [1.91158958, 3.51098274],
                  'grad_fn': 'CtcLossBackward0',
                  'x': [-0.00519749079, -0.0452324431, 0.0504299339, 0.263302266, -0.175102745, -0.0881995215,
                        7.0758591e-05, -0.0228282001, 0.0227574415, 0.459100554, -0.191882519, -0.267218036,
                        0.000811058672, 0.0113611747, -0.0121722333, 0.385412365, -0.15829182, -0.227120545,
                        0.00175516872, 0.0361432687, -0.0378984374, 0.0, 0.0, 0.0]},
 'unbatched': {'shape': [],
               'out': [1.08338277],
               'grad_fn': 'MeanBackward0',
               'x': [0.00254676139, -0.0193567394, 0.016809978, -0.00724215368, 0.00172678037, 0.00551537331,
                     -0.00641685097, -0.00765199626, 0.0140688472, -0.000141809075, -0.0104339896, 0.0105757987,
                     0.00253415385, 0.000943891856, -0.0034780457, 0.00337507313, 0.00989844919, -0.0132735223]},
 'zero_infinity': {'shape': [2],
                   'out': [0.0, 2.12476376],
                   'grad_fn': 'WhereBackward0',
                   'x': [0.0, 0.0, 0.0, -0.123982495, 0.212182017, -0.0881995215, 0.0, 0.0, 0.0, -0.0467074403,
                         0.0722113339, -0.0255038936, 0.0, 0.0, 0.0, -0.0716187083, -0.0790667224, 0.150685431, 0.0,
                         0.0, 0.0, -0.0663472844, 0.0484958461, 0.0178514383, 0.0, 0.0, 0.0, -0.00636081562,
                         0.270314802, -0.263953986]},
 'module': {'shape': [],
            'out': [4.99933191],
            'grad_fn': 'SumBackward0',
            'x': [0.0132135714, -0.00171070105, -0.0428290388, 0.0313261685, 0.0507567631, 0.00541277475, 0.015187625,
                  -0.0713571628, 0.00906966965, 0.000934882194, -0.0244006064, 0.0143960546, 0.00132690002,
                  -0.000548736348, 0.0150701751, -0.0158483388, 0.0101172884, 0.00282890981, 0.0107669699,
                  -0.0237131682, -0.0294204841, 0.00482520917, 0.0201610607, 0.00443421425, 0.0181298746,
                  -0.00566874813, 0.024053856, -0.0365149824, -0.0234219016, -0.0225888917, 0.0291728433,
                  0.01683795]}}


def test_node_keeps_pytorchs_saved_attributes():
    # recorded from PyTorch (tests/fixtures/saved_attrs/saved.json's ctc_loss row): F.ctc_loss with
    # reduction='none' gives the per-sequence losses straight from its CtcLossBackward0 node
    import json
    import pathlib
    from tests._grad_fn_names import ember_inputs, sample_key
    from tests._saved_attrs import describe, flat_tensors, matches
    from tests.opinfo.ctc import _samples
    recorded = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'saved_attrs' / 'saved.json').read_text())
    sample = _samples(np.random.default_rng(2))[2]
    assert sample.kwargs == {'reduction': 'none'}
    want = recorded['ctc_loss'][sample_key(sample)]
    args, kwargs = ember_inputs(sample)
    out = F.ctc_loss(*args, **kwargs)
    node = out.grad_fn
    assert node.name() == want['node'] == 'CtcLossBackward0'
    assert [f.name() for f, _ in node.next_functions] == ['ember::autograd::AccumulateGrad']
    assert matches(describe(out, flat_tensors(list(args), []), ember._C._autograd.SavedTensor), want)
    # log_alpha (result1): each sequence's forward variables over its frames and extended target, -inf beyond
    # (the second sequence: 3 frames, a target of one label, so an extended target of 3)
    alpha = node._saved_result1.numpy()
    assert alpha.shape == (2, 4, 5) and np.isneginf(alpha[1, 3:]).all() and np.isneginf(alpha[1, :, 3:]).all()
    assert np.isfinite(alpha[0, 3]).all()
