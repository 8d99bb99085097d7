import torch
import torch.nn.functional as F
from torch_geometric.data import Batch, Data
from torch_geometric.loader import DataLoader
from torch_geometric.nn import GATConv, GCNConv, GINConv, MessagePassing, SAGEConv, global_mean_pool
from torch_geometric.utils import add_self_loops, degree, dropout_edge, softmax, to_dense_adj, to_undirected

torch.manual_seed(0)
# a two-community graph for node classification
edge_index = torch.tensor([[0, 1, 1, 2, 2, 0, 3, 4, 4, 5, 5, 3, 2, 3],
                           [1, 0, 2, 1, 0, 2, 4, 3, 5, 4, 3, 5, 3, 2]])
x = torch.randn(6, 4)
y = torch.tensor([0, 0, 0, 1, 1, 1])
data = Data(x=x, edge_index=edge_index, y=y, train_mask=torch.tensor([True, False, True, True, False, True]))
print(data)
print(data.num_nodes, data.num_edges, data.has_self_loops(), data.is_undirected(), data.num_node_features)


class GCN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = GCNConv(4, 8)
        self.conv2 = GCNConv(8, 2)

    def forward(self, x, edge_index):
        return self.conv2(F.relu(self.conv1(x, edge_index)), edge_index)


model = GCN()
print(model)
opt = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=5e-4)
for epoch in range(5):
    opt.zero_grad()
    out = model(data.x, data.edge_index)
    loss = F.cross_entropy(out[data.train_mask], data.y[data.train_mask])
    loss.backward()
    opt.step()
    print(epoch, f'{loss.item():.5f}')
print('pred', model(data.x, data.edge_index).argmax(-1).tolist())

for conv in (SAGEConv(4, 3, aggr='max'), GATConv(4, 3, heads=2), GINConv(torch.nn.Linear(4, 3), train_eps=True)):
    h = conv(x, edge_index)
    h.sum().backward()
    print(type(conv).__name__, tuple(h.shape), f'{h.sum().item():.5f}')
_, (att_index, att) = GATConv(4, 3, heads=2)(x, edge_index, return_attention_weights=True)
print('attention', tuple(att_index.shape), tuple(att.shape))


class EdgeWeightedMean(MessagePassing):
    def __init__(self):
        super().__init__(aggr='add')

    def forward(self, x, edge_index):
        edge_index, _ = add_self_loops(edge_index, num_nodes=x.size(0))
        row, col = edge_index
        norm = degree(col, x.size(0), dtype=x.dtype).pow(-1)[col]
        return self.propagate(edge_index, x=x, norm=norm)

    def message(self, x_j, norm):
        return norm.view(-1, 1) * x_j


print('custom', [round(v, 5) for v in EdgeWeightedMean()(x, edge_index)[0].tolist()])
print('softmax', [round(v, 4) for v in softmax(torch.ones(14), edge_index[1]).tolist()[:5]])
print('dense adj', to_dense_adj(edge_index)[0, :3].tolist())
print('undirected', to_undirected(torch.tensor([[0, 1], [1, 2]])).tolist())
kept, edge_mask = dropout_edge(edge_index, p=0.5)
print('dropout', kept.shape[1] == int(edge_mask.sum()))

# graph classification on a mini-batched dataset
graphs = []
for i in range(8):
    n = 3 + i % 3
    ring = torch.stack([torch.arange(n), (torch.arange(n) + 1) % n])
    graphs.append(Data(x=torch.randn(n, 4), edge_index=to_undirected(ring), y=torch.tensor([i % 2])))
loader = DataLoader(graphs, batch_size=4, shuffle=False)
batch = next(iter(loader))
print(batch)
print(batch.batch.tolist(), batch.ptr.tolist(), batch.num_graphs)
pool_conv = GCNConv(4, 8)
head = torch.nn.Linear(8, 2)
opt = torch.optim.SGD(list(pool_conv.parameters()) + list(head.parameters()), lr=0.1)
for epoch in range(2):
    for b in loader:
        opt.zero_grad()
        logits = head(global_mean_pool(pool_conv(b.x, b.edge_index).relu(), b.batch))
        loss = F.cross_entropy(logits, b.y)
        loss.backward()
        opt.step()
    print('graph epoch', epoch, f'{loss.item():.5f}')
print(Batch.from_data_list(graphs[:2]).to_data_list()[1])
