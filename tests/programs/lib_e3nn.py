import torch
from e3nn import o3
from e3nn.math import soft_one_hot_linspace
from e3nn.nn import BatchNorm, FullyConnectedNet, Gate, NormActivation

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

irreps = o3.Irreps('2x0e + 1x1o + 1x2e')


def tiny(error):
    # (rounding-level errors differ in their digits between implementations; their size is what is checked)
    return 'ok' if error.abs().max().item() < 1e-10 else f'{error.abs().max().item():.2e}'


print(irreps, irreps.dim, irreps.num_irreps, irreps.lmax, irreps.ls)
print('simplify', (irreps + o3.Irreps('3x0e')).sort().irreps.simplify())
print('slices', irreps.slices())
R = o3.rand_matrix()
D = irreps.D_from_matrix(R)
print('D', D.shape, tiny(D @ D.T - torch.eye(irreps.dim)))
alpha, beta, gamma = o3.matrix_to_angles(R)
print('angles round trip', tiny(o3.angles_to_matrix(alpha, beta, gamma) - R))
print('wigner_3j', o3.wigner_3j(1, 1, 2).shape, f'{o3.wigner_3j(1, 1, 2).norm().item():.6f}')

# spherical harmonics are equivariant: Y(R x) = D(R) Y(x)
vectors = torch.randn(5, 3)
sh_irreps = o3.Irreps.spherical_harmonics(2)
sh = o3.spherical_harmonics(sh_irreps, vectors, normalize=True, normalization='component')
rotated = o3.spherical_harmonics(sh_irreps, vectors @ R.T, normalize=True, normalization='component')
print('sh', sh_irreps, sh.shape, tiny(rotated - sh @ sh_irreps.D_from_matrix(R).T))
print('sh values', sh[0, :4])

tp = o3.FullyConnectedTensorProduct('2x0e + 1x1o', '1x0e + 1x1o', '2x0e + 1x1o + 1x1e')
print(tp)
print('tp weights', tp.weight_numel, tp.weight.shape)
x1, x2 = tp.irreps_in1.randn(4, -1), tp.irreps_in2.randn(4, -1)
out = tp(x1, x2)
out_rot = tp(x1 @ tp.irreps_in1.D_from_matrix(R).T, x2 @ tp.irreps_in2.D_from_matrix(R).T)
print('tp equivariance', tiny(out_rot - out @ tp.irreps_out.D_from_matrix(R).T))
print('tp out', out[0])
product = o3.FullTensorProduct('1x1o', '1x1o')
print('full', product.irreps_out, product(torch.tensor([[1.0, 0.0, 0.0]]), torch.tensor([[0.0, 1.0, 0.0]])))
elementwise = o3.ElementwiseTensorProduct('2x1o', '2x1o', ['0e'])
print('elementwise', elementwise.irreps_out, elementwise(x1[:, :1].repeat(1, 6), x1[:, 2:].repeat(1, 2)).shape)
linear = o3.Linear('2x0e + 1x1o', '3x0e + 2x1o')
print('linear', linear.weight_numel, linear(x1).shape)
norm = o3.Norm('2x0e + 1x1o')
print('norm', norm(x1)[0])

# a small equivariant network: radial basis -> tensor product with learned weights -> gate
scalars, gated = o3.Irreps('4x0e'), o3.Irreps('2x1o')
gate = Gate(scalars, [torch.tanh], o3.Irreps('2x0e'), [torch.sigmoid], gated)
conv_tp = o3.FullyConnectedTensorProduct('1x0e', sh_irreps, gate.irreps_in, shared_weights=False)
radial = FullyConnectedNet([6, 16, conv_tp.weight_numel], torch.nn.functional.silu)
head = o3.Linear(gate.irreps_out, '1x0e + 1x1o')
bn = BatchNorm(gate.irreps_out)
params = list(radial.parameters()) + list(head.parameters()) + list(bn.parameters())
optimizer = torch.optim.Adam(params, lr=1e-2)
positions = torch.randn(6, 3)
edge_src, edge_dst = torch.meshgrid(torch.arange(6), torch.arange(6), indexing='ij')
mask = edge_src != edge_dst
edge_src, edge_dst = edge_src[mask], edge_dst[mask]


def network(pos):
    edge_vec = pos[edge_dst] - pos[edge_src]
    length = edge_vec.norm(dim=1)
    basis = soft_one_hot_linspace(length, 0.0, 3.0, 6, basis='smooth_finite', cutoff=True)
    edge_sh = o3.spherical_harmonics(sh_irreps, edge_vec, normalize=True, normalization='component')
    messages = conv_tp(torch.ones(len(length), 1), edge_sh, radial(basis))
    nodes = torch.zeros(6, gate.irreps_in.dim).index_add(0, edge_dst, messages)
    return head(bn(gate(nodes)))


target = torch.tensor([1.0, 0.0, 0.0, 0.0])
for step in range(5):
    optimizer.zero_grad()
    out = network(positions)
    loss = (out.sum(0) / 6 - target).pow(2).sum()
    loss.backward()
    optimizer.step()
    print('step', step, f'{loss.item():.6f}', f'{radial.layer0.weight.grad.norm().item():.6f}')
bn.eval()
with torch.no_grad():
    out = network(positions)
    out_rot = network(positions @ R.T)
    print('network equivariance', tiny(out_rot - out @ head.irreps_out.D_from_matrix(R).T))
    print('network out', out[0])
activation = NormActivation('1x1o + 2x0e', torch.sigmoid)
print('norm activation', activation(x1).shape)
positions.requires_grad_(True)
forces = -torch.autograd.grad(network(positions)[:, 0].sum(), positions)[0]
print('forces', forces.shape, f'{forces.norm().item():.6f}')

from e3nn.io import CartesianTensor
from e3nn.util.jit import compile_mode
cartesian = CartesianTensor('ij=ji')
matrix = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 5.0], [3.0, 5.0, 6.0]])
irreducible = cartesian.from_cartesian(matrix)
print('cartesian', cartesian, irreducible, tiny(cartesian.to_cartesian(irreducible) - matrix))
reduced = o3.ReducedTensorProducts('ij=-ji', i='1o')
print('reduced', reduced.irreps_out, reduced(torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0])))
custom = o3.TensorProduct('1x1o', '1x1o', '1x0e + 1x1e',
                          [(0, 0, 0, 'uuu', True), (0, 0, 1, 'uuu', False)], irrep_normalization='norm')
print('custom', custom.weight_numel, custom(torch.tensor([[1.0, 2.0, 3.0]]), torch.tensor([[0.5, -1.0, 2.0]])).shape)
sh_module = o3.SphericalHarmonics('1x0e + 1x1o', normalize=True, normalization='norm')
print('sh module', sh_module(torch.tensor([[0.0, 3.0, 4.0]])))
print('compile mode', compile_mode('script')(o3.Linear).__name__)
print('to_angle', [f'{v.item():.6f}' for v in o3.xyz_to_angles(torch.tensor([1.0, 1.0, 1.0]))])
print('irrep', o3.Irrep('2e'), list(o3.Irrep('1o') * o3.Irrep('1o')), o3.Irrep(1, -1).dim, o3.Irrep('1o').is_scalar())

# TorchScript: e3nn compiles its fx-generated tensor-product code and its spherical harmonics with torch.jit
from e3nn.util.jit import compile as compile_module
from e3nn.util.test import equivariance_error
scripted_linear = compile_module(o3.Linear('2x0e + 1x1o', '1x0e + 2x1o'))
print('compiled', type(scripted_linear).__name__, scripted_linear(torch.ones(2, 5)).shape)
small_tp = o3.FullyConnectedTensorProduct('1x1o', '1x1o', '1x0e + 1x1e')
scripted_tp = torch.jit.script(small_tp)
a, b = torch.randn(2, 3), torch.randn(2, 3)
print('scripted tp', tiny(scripted_tp(a, b) - small_tp(a, b)))
errors = equivariance_error(scripted_tp, args_in=[a, b], irreps_in=[small_tp.irreps_in1, small_tp.irreps_in2],
                            irreps_out=[small_tp.irreps_out])
print('scripted equivariance', {k: v.item() < 1e-10 for k, v in errors.items()})
scripted_sh = torch.jit.script(o3.SphericalHarmonics([0, 1, 2], normalize=True, normalization='component'))
print('scripted sh', tiny(scripted_sh(vectors) - sh))
