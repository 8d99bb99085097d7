import torch
import torchmetrics
from torchmetrics import MetricCollection
from torchmetrics.classification import (BinaryAUROC, MulticlassAccuracy, MulticlassConfusionMatrix,
                                         MulticlassF1Score, MulticlassPrecision)
from torchmetrics.functional import accuracy, mean_squared_error, pearson_corrcoef
from torchmetrics.regression import MeanAbsoluteError, MeanSquaredError, R2Score

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
opt = torch.optim.Adam(model.parameters(), lr=0.05)
x = torch.randn(64, 6)
y = (x[:, 0] > 0).long() + (x[:, 1] > 0.5).long()

metrics = MetricCollection({'acc': MulticlassAccuracy(num_classes=3),
                            'f1': MulticlassF1Score(num_classes=3, average='macro'),
                            'prec': MulticlassPrecision(num_classes=3, average='weighted')}, prefix='train_')
print(metrics)
for epoch in range(3):
    for xb, yb in zip(x.split(16), y.split(16)):
        opt.zero_grad()
        logits = model(xb)
        loss = torch.nn.functional.cross_entropy(logits, yb)
        loss.backward()
        opt.step()
        batch = metrics(logits.softmax(-1), yb)
    print(epoch, f'{loss.item():.5f}', {k: round(v.item(), 5) for k, v in batch.items()})
    print('epoch', {k: round(v.item(), 5) for k, v in metrics.compute().items()})
    metrics.reset()

confmat = MulticlassConfusionMatrix(num_classes=3)
confmat.update(model(x).argmax(-1), y)
print(confmat.compute())
print('functional accuracy', accuracy(model(x), y, task='multiclass', num_classes=3))
print('top-2', accuracy(model(x), y, task='multiclass', num_classes=3, top_k=2))

auroc = BinaryAUROC()
scores = torch.sigmoid(x[:, 0] * 2 + 0.3 * x[:, 2])
auroc.update(scores[:32], (x[:32, 0] > 0).int())
auroc.update(scores[32:], (x[32:, 0] > 0).int())
print('auroc', auroc.compute())
print(BinaryAUROC(thresholds=5)(scores, (x[:, 0] > 0).int()))

target = x[:, 0] * 2.0 + 1.0
pred = target + 0.1 * x[:, 3]
reg = MetricCollection([MeanSquaredError(), MeanAbsoluteError(), R2Score()])
reg.update(pred, target)
print({k: round(v.item(), 6) for k, v in reg.compute().items()})
print('rmse', mean_squared_error(pred, target).sqrt())
print('pearson', pearson_corrcoef(pred, target))

mse = MeanSquaredError()
for p, t in zip(pred.split(20), target.split(20)):
    mse.update(p, t)
mse.persistent(True)
state = mse.state_dict()
print(sorted(state), state['total'])
restored = MeanSquaredError()
restored.persistent(True)
restored.load_state_dict(state)
print('restored', restored.compute(), mse.compute())
print(mse.sum_squared_error.dtype, mse.set_dtype(torch.float64).sum_squared_error.dtype)
print('version ok', isinstance(torchmetrics.__version__, str))

# curves, calibration, rank correlations and wrappers
from torchmetrics import ClasswiseWrapper, MetricTracker
from torchmetrics.aggregation import CatMetric, MaxMetric, MeanMetric, RunningMean
from torchmetrics.classification import (BinaryCalibrationError, BinaryPrecisionRecallCurve, MulticlassROC,
                                         MultilabelAveragePrecision)
from torchmetrics.regression import CosineSimilarity, KendallRankCorrCoef, SpearmanCorrCoef

probs = model(x).softmax(-1).detach()
fpr, tpr, thr = MulticlassROC(num_classes=3, thresholds=6)(probs, y)
print('roc', fpr.shape, tpr[1], thr)
precision, recall, thresholds = BinaryPrecisionRecallCurve()(scores[:10], (x[:10, 0] > 0).int())
print('pr', precision, recall, thresholds, sep='\n')
print('ece', BinaryCalibrationError(n_bins=5, norm='l1')(scores, (x[:, 0] > 0).int()))
print('map', MultilabelAveragePrecision(num_labels=3)(probs, torch.nn.functional.one_hot(y, 3)))
print('spearman', SpearmanCorrCoef()(pred, target), 'kendall', KendallRankCorrCoef()(pred[:20], target[:20]))
print('cosine', CosineSimilarity(reduction='mean')(x[:, :3], x[:, 1:4]))
per_class = ClasswiseWrapper(MulticlassAccuracy(num_classes=3, average=None), labels=['lo', 'mid', 'hi'])
print({k: round(v.item(), 5) for k, v in per_class(probs, y).items()})
mean, cat, best = MeanMetric(), CatMetric(), MaxMetric()
running = RunningMean(window=2)
for value in (1.0, 4.0, 2.5):
    mean.update(value, weight=2.0)
    cat.update(torch.tensor([value, -value]))
    best.update(value)
    print('running', running(torch.tensor(value)))
print(mean.compute(), cat.compute(), best.compute())
tracker = MetricTracker(MeanSquaredError(), maximize=False)
for scale in (0.5, 0.1, 0.3):
    tracker.increment()
    tracker.update(target + scale * x[:, 3], target)
print(tracker.compute_all(), tracker.best_metric(return_step=True))

# images, segmentation, audio and text
from torchmetrics.audio import ScaleInvariantSignalDistortionRatio, SignalNoiseRatio
from torchmetrics.image import PeakSignalNoiseRatio, StructuralSimilarityIndexMeasure, TotalVariation
from torchmetrics.segmentation import DiceScore, MeanIoU
from torchmetrics.text import BLEUScore, CharErrorRate, Perplexity, WordErrorRate

images = torch.rand(2, 3, 24, 24)
noisy = (images + 0.05 * torch.randn(2, 3, 24, 24)).clamp(0, 1)
print('psnr', PeakSignalNoiseRatio(data_range=1.0)(noisy, images))
print('ssim', StructuralSimilarityIndexMeasure(data_range=1.0)(noisy, images))
print('tv', TotalVariation()(images))
masks = torch.randint(0, 3, (2, 8, 8))
guess = torch.where(torch.rand(2, 8, 8) < 0.7, masks, torch.randint(0, 3, (2, 8, 8)))
print('miou', MeanIoU(num_classes=3, input_format='index')(guess, masks))
print('dice', DiceScore(num_classes=3, input_format='index', average='micro')(guess, masks))
signal = torch.sin(torch.linspace(0, 20, 200))
print('snr', SignalNoiseRatio()(signal + 0.1 * torch.randn(200), signal))
print('si-sdr', ScaleInvariantSignalDistortionRatio()(0.5 * signal + 0.05 * torch.randn(200), signal))
print('wer', WordErrorRate()(['the cat sat on the mat', 'hello world'], ['the cat sat on a mat', 'hello big world']))
print('cer', CharErrorRate()(['kitten'], ['sitting']))
print('bleu', BLEUScore(n_gram=2)(['the cat is on the mat'], [['there is a cat on the mat', 'a cat is on the mat']]))
print('ppl', Perplexity()(torch.randn(2, 5, 7).log_softmax(-1), torch.randint(0, 7, (2, 5))))
