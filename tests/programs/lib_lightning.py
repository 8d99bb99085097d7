import logging
import os
import warnings

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
import lightning as L
from lightning.fabric import Fabric
from lightning.pytorch.callbacks import EarlyStopping, LearningRateMonitor, ModelCheckpoint
from lightning.pytorch.loggers import CSVLogger
from lightning.pytorch.utilities.model_summary import ModelSummary

logging.getLogger('lightning').setLevel(logging.ERROR)
warnings.filterwarnings('ignore')          # (the data loaders' worker-count hints)


class Regressor(L.LightningModule):
    def __init__(self, hidden=16, lr=0.05):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(4, hidden), nn.ReLU(), nn.Linear(hidden, 1))
        self.example_input_array = torch.zeros(2, 4)

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = nn.functional.mse_loss(self(x), y)
        self.log('train_loss', loss, on_step=False, on_epoch=True)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log('val_loss', nn.functional.mse_loss(self(x), y), prog_bar=True)

    def test_step(self, batch, batch_idx):
        x, y = batch
        self.log('test_mae', (self(x) - y).abs().mean())

    def predict_step(self, batch, batch_idx):
        return self(batch[0])

    def configure_optimizers(self):
        opt = torch.optim.Adam(self.parameters(), lr=self.hparams.lr)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        return {'optimizer': opt, 'lr_scheduler': {'scheduler': sched, 'interval': 'epoch'}}


L.seed_everything(0, verbose=False)
x = torch.randn(96, 4)
y = x @ torch.tensor([[1.0], [-2.0], [0.5], [0.0]]) + 0.1 * torch.randn(96, 1)
train = DataLoader(TensorDataset(x[:64], y[:64]), batch_size=16, shuffle=True)
val = DataLoader(TensorDataset(x[64:], y[64:]), batch_size=32)

model = Regressor()
print(ModelSummary(model, max_depth=2))
checkpoint = ModelCheckpoint(dirpath='ckpt', monitor='val_loss', filename='best-{epoch}', save_top_k=1)
trainer = L.Trainer(max_epochs=4, accelerator='cpu', devices=1, enable_progress_bar=False, enable_model_summary=False,
                    logger=CSVLogger('logs', name='run'), deterministic=True,
                    callbacks=[checkpoint, EarlyStopping('val_loss', patience=3), LearningRateMonitor()])
trainer.fit(model, train, val)
print('epochs', trainer.current_epoch, 'steps', trainer.global_step)
print({k: round(v.item(), 5) for k, v in sorted(trainer.callback_metrics.items())})
print('best', os.path.relpath(checkpoint.best_model_path), f'{checkpoint.best_model_score.item():.5f}')
print('lr', trainer.optimizers[0].param_groups[0]['lr'])
print([{k: round(v, 5) for k, v in r.items()} for r in trainer.validate(model, val, verbose=False)])
print([{k: round(v, 5) for k, v in r.items()} for r in trainer.test(model, val, verbose=False)])
predictions = trainer.predict(model, DataLoader(TensorDataset(x[:8]), batch_size=4))
print('predict', len(predictions), predictions[0].shape)

restored = Regressor.load_from_checkpoint(checkpoint.best_model_path)
print('hparams', dict(restored.hparams))
state = torch.load(checkpoint.best_model_path, weights_only=False)
print(sorted(state)[:6], state['epoch'], state['global_step'])
with open('logs/run/version_0/metrics.csv') as f:
    print(f.readline().strip())

# Fabric: the same model in a plain loop
L.seed_everything(1, verbose=False)
fabric = Fabric(accelerator='cpu', devices=1)
fabric.launch()
net = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
net, opt = fabric.setup(net, opt)
loader = fabric.setup_dataloaders(DataLoader(TensorDataset(x, y), batch_size=32))
for epoch in range(3):
    for xb, yb in loader:
        opt.zero_grad()
        loss = nn.functional.mse_loss(net(xb), yb)
        fabric.backward(loss)
        fabric.clip_gradients(net, opt, max_norm=1.0)
        opt.step()
    fabric.print(epoch, f'{loss.item():.5f}')
print(type(net).__name__, fabric.device, fabric.global_rank, fabric.world_size)
fabric.save('fabric.ckpt', {'model': net, 'optimizer': opt, 'epoch': 3})
other = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
other_opt = torch.optim.SGD(other.parameters(), lr=0.1, momentum=0.9)
other, other_opt = fabric.setup(other, other_opt)
remainder = fabric.load('fabric.ckpt', {'model': other, 'optimizer': other_opt})
print('remainder', remainder, torch.equal(other(x[:4]), net(x[:4])))
print(fabric.all_reduce(torch.tensor(3.0), reduce_op='mean'), fabric.to_device(torch.ones(2)).device)
