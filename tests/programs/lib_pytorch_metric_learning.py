import torch
from pytorch_metric_learning import distances, losses, miners, reducers, regularizers
from pytorch_metric_learning.utils import loss_and_miner_utils as lmu

torch.manual_seed(0)
num_classes, per_class = 4, 6
centers = torch.randn(num_classes, 8) * 2
labels = torch.arange(num_classes).repeat_interleave(per_class)
data = centers[labels] + 0.7 * torch.randn(len(labels), 8)

embedder = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))
emb = embedder(data)
print('pairs', [t.shape for t in lmu.get_all_pairs_indices(labels)])
print('triplets', lmu.get_all_triplets_indices(labels)[0].shape)

cosine = distances.CosineSimilarity()
for name, loss_fn in [
        ('contrastive', losses.ContrastiveLoss(pos_margin=0, neg_margin=1)),
        ('triplet', losses.TripletMarginLoss(margin=0.2)),
        ('triplet_cos', losses.TripletMarginLoss(margin=0.1, distance=cosine, reducer=reducers.ThresholdReducer(low=0))),
        ('ntxent', losses.NTXentLoss(temperature=0.1)),
        ('multisimilarity', losses.MultiSimilarityLoss(alpha=2, beta=50, base=0.5)),
        ('circle', losses.CircleLoss(m=0.4, gamma=80)),
        ('lifted', losses.GeneralizedLiftedStructureLoss(neg_margin=1)),
        ('supcon', losses.SupConLoss(temperature=0.1)),
        ('margin', losses.MarginLoss(margin=0.2, nu=0, beta=1.2)),
        ('npairs', losses.NPairsLoss()),
        ('fastap', losses.FastAPLoss(num_bins=10)),
        ('contrastive_l2reg', losses.ContrastiveLoss(embedding_regularizer=regularizers.LpRegularizer())),
        ('tuplet', losses.TupletMarginLoss()),
        ('intrapair', losses.IntraPairVarianceLoss()),
        ('snr', losses.SignalToNoiseRatioContrastiveLoss()),
        ('histogram', losses.HistogramLoss(n_bins=10)),
        ('pnp', losses.PNPLoss()),
        ('lpdist_sq', losses.TripletMarginLoss(distance=distances.LpDistance(power=2), reducer=reducers.MeanReducer())),
        ('selfsup', losses.SelfSupervisedLoss(losses.NTXentLoss())),
        ('xbm', losses.CrossBatchMemory(losses.ContrastiveLoss(), embedding_size=4, memory_size=48)),
]:
    value = loss_fn(emb, emb.flip(0)) if name == 'selfsup' else loss_fn(emb, labels)
    print(name, f'{value.item():.5f}')

for name, miner in [('multisimilarity', miners.MultiSimilarityMiner(epsilon=0.1)),
                    ('triplet_semihard', miners.TripletMarginMiner(margin=0.2, type_of_triplets='semihard')),
                    ('triplet_hard', miners.TripletMarginMiner(margin=0.2, type_of_triplets='hard')),
                    ('pair_margin', miners.PairMarginMiner(pos_margin=0.2, neg_margin=0.8)),
                    ('batch_hard', miners.BatchHardMiner()),
                    ('angular', miners.AngularMiner(angle=20)),
                    ('batch_easy_hard', miners.BatchEasyHardMiner()),
                    ('hdc', miners.HDCMiner(filter_percentage=0.5)),
                    ('uniform_histogram', miners.UniformHistogramMiner(num_bins=10, pos_per_bin=5, neg_per_bin=5))]:
    tuples = miner(emb, labels)
    print('miner', name, [len(t) for t in tuples], int(sum(t.sum().item() for t in tuples)))

# losses with their own weights train alongside the embedder
arcface = losses.ArcFaceLoss(num_classes=num_classes, embedding_size=4, margin=28.6, scale=16)
proxy = losses.ProxyAnchorLoss(num_classes=num_classes, embedding_size=4, margin=0.1, alpha=32)
normsoftmax = losses.NormalizedSoftmaxLoss(num_classes=num_classes, embedding_size=4, temperature=0.05)
print('arcface weights', arcface.W.shape, 'proxy', proxy.proxies.shape)

miner = miners.MultiSimilarityMiner(epsilon=0.1)
triplet = losses.TripletMarginLoss(margin=0.2, distance=cosine)
optimizer = torch.optim.SGD(list(embedder.parameters()) + list(arcface.parameters()) + list(proxy.parameters())
                            + list(normsoftmax.parameters()), lr=0.05, momentum=0.9)
for step in range(6):
    optimizer.zero_grad()
    emb = embedder(data)
    pairs = miner(emb, labels)
    loss = triplet(emb, labels, pairs) + arcface(emb, labels) + 0.5 * proxy(emb, labels) + 0.1 * normsoftmax(emb, labels)
    loss.backward()
    optimizer.step()
    print('step', step, f'{loss.item():.4f}', sum(len(t) for t in pairs))

with torch.no_grad():
    emb = torch.nn.functional.normalize(embedder(data))
    nearest = (emb @ emb.T).fill_diagonal_(-2).argmax(1)
    print('1-NN accuracy', f'{(labels[nearest] == labels).float().mean().item():.4f}')
    print('arcface logits', arcface.get_logits(emb[:2]).shape)
