import numpy as np
import torch
from skorch import NeuralNetClassifier, NeuralNetRegressor
from skorch.callbacks import Checkpoint, EarlyStopping, EpochScoring, GradientNormClipping, LRScheduler
from skorch.dataset import ValidSplit
from skorch.helper import predefined_split

torch.manual_seed(0)
rng = np.random.RandomState(0)
X = rng.randn(120, 6).astype(np.float32)
y = ((X[:, 0] + X[:, 1] * X[:, 2]) > 0).astype(np.int64)


class Classifier(torch.nn.Module):
    def __init__(self, hidden=16, dropout=0.0):
        super().__init__()
        self.body = torch.nn.Sequential(torch.nn.Linear(6, hidden), torch.nn.ReLU(), torch.nn.Dropout(dropout),
                                        torch.nn.Linear(hidden, 2))

    def forward(self, x):
        return self.body(x)


net = NeuralNetClassifier(
    Classifier, module__hidden=12, max_epochs=8, lr=0.1, batch_size=16,
    optimizer=torch.optim.SGD, optimizer__momentum=0.9, criterion=torch.nn.CrossEntropyLoss,
    train_split=ValidSplit(4, stratified=True), iterator_train__shuffle=True,
    callbacks=[EpochScoring('accuracy', name='train_acc', on_train=True, lower_is_better=False),
               LRScheduler(policy=torch.optim.lr_scheduler.StepLR, step_size=3, gamma=0.5),
               GradientNormClipping(gradient_clip_value=1.0),
               EarlyStopping(patience=20),
               Checkpoint(monitor='valid_loss_best', dirname='checkpoints')],
    verbose=0,
)
net.fit(X, y)
for row in net.history:
    print(row['epoch'], f"{row['train_loss']:.5f}", f"{row['valid_loss']:.5f}", f"{row['valid_acc']:.4f}",
          f"{row['train_acc']:.4f}", row['valid_loss_best'], row['event_lr'] if 'event_lr' in row else None,
          row.get('event_cp'))
print('history', net.history[:, 'valid_loss'][-1] == net.history[-1, 'valid_loss'], len(net.history))
proba = net.predict_proba(X[:5])
print('proba', proba.dtype, proba.shape, np.round(proba.astype(np.float64), 5).tolist())
print('predict', net.predict(X[:10]).tolist(), f'score {net.score(X, y):.4f}')
print('module', net.module_)
print('optimizer', type(net.optimizer_).__name__, net.optimizer_.param_groups[0]['lr'])

net.save_params(f_params='params.pt', f_optimizer='opt.pt', f_history='history.json')
restored = NeuralNetClassifier(Classifier, module__hidden=12, lr=0.1, optimizer=torch.optim.SGD,
                               optimizer__momentum=0.9, criterion=torch.nn.CrossEntropyLoss)
restored.initialize()
restored.load_params(f_params='params.pt', f_optimizer='opt.pt', f_history='history.json')
print('restored', f'{np.abs(restored.predict_proba(X) - net.predict_proba(X)).max():.2e}', len(restored.history))
state = torch.load('params.pt')
print('saved keys', list(state))

# set_params re-initialises; partial_fit continues training
net.set_params(max_epochs=2, callbacks__EarlyStopping__patience=5)
net.partial_fit(X, y)
print('partial_fit', len(net.history), f"{net.history[-1, 'train_loss']:.5f}")
net.set_params(module__dropout=0.1, max_epochs=1)
print('reinitialised', net.module_.body[2])

# a regressor with a fixed validation set and tensors as input
X_t, y_t = torch.from_numpy(X), torch.from_numpy(X[:, :1] * 2 - X[:, 1:2])
reg = NeuralNetRegressor(torch.nn.Linear, module__in_features=6, module__out_features=1, max_epochs=5, lr=0.05,
                         train_split=predefined_split(torch.utils.data.TensorDataset(X_t[:20], y_t[:20])),
                         verbose=0, device='cpu')
reg.fit(X_t[20:], y_t[20:])
print('regressor', [f'{v:.5f}' for v in reg.history[:, 'valid_loss']], reg.predict(X_t[:3]).astype(np.float64).round(4).tolist())
print('forward', reg.forward(X_t[:2]).shape, type(reg.infer(X_t[:2])).__name__)
