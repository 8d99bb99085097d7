import os

import torch
import torch.nn.functional as F
from ignite.contrib.handlers import PiecewiseLinear
from ignite.engine import Events, create_supervised_evaluator, create_supervised_trainer
from ignite.handlers import Checkpoint, DiskSaver, EarlyStopping, LRScheduler, ModelCheckpoint, global_step_from_engine
from ignite.metrics import (Accuracy, ConfusionMatrix, Fbeta, IoU, Loss, MeanAbsoluteError, Precision, Recall,
                            RunningAverage, TopKCategoricalAccuracy)
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
x = torch.randn(96, 10)
y = (x[:, :3].sum(1) > 0).long() + (x[:, 3] > 1).long()
train_loader = DataLoader(TensorDataset(x[:64], y[:64]), batch_size=16, shuffle=True)
val_loader = DataLoader(TensorDataset(x[64:], y[64:]), batch_size=16)

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
trainer = create_supervised_trainer(model, optimizer, F.cross_entropy, gradient_accumulation_steps=2)
RunningAverage(output_transform=lambda loss: loss, alpha=0.9).attach(trainer, 'running_loss')
scheduler = PiecewiseLinear(optimizer, 'lr', milestones_values=[(0, 0.1), (8, 0.01)])
trainer.add_event_handler(Events.ITERATION_STARTED, scheduler)

precision = Precision(average=False)
recall = Recall(average=False)
metrics = {'accuracy': Accuracy(), 'loss': Loss(F.cross_entropy), 'precision': precision, 'recall': recall,
           'f1': Fbeta(beta=1.0, precision=precision, recall=recall), 'cm': ConfusionMatrix(num_classes=3),
           'top2': TopKCategoricalAccuracy(k=2)}
metrics['iou'] = IoU(metrics['cm'])
evaluator = create_supervised_evaluator(model, metrics=metrics)


@trainer.on(Events.EPOCH_COMPLETED)
def validate(engine):
    evaluator.run(val_loader)
    m = evaluator.state.metrics
    print(f"epoch {engine.state.epoch} it {engine.state.iteration} running {engine.state.metrics['running_loss']:.4f} "
          f"acc {m['accuracy']:.4f} loss {m['loss']:.4f} top2 {m['top2']:.4f} "
          f"lr {optimizer.param_groups[0]['lr']:.4f}")


@trainer.on(Events.ITERATION_COMPLETED(every=5))
def log(engine):
    print('iteration', engine.state.iteration, f'{engine.state.output:.4f}')


stopper = EarlyStopping(patience=2, score_function=lambda e: -e.state.metrics['loss'], trainer=trainer)
evaluator.add_event_handler(Events.COMPLETED, stopper)
os.makedirs('ckpt', exist_ok=True)
checkpoint = ModelCheckpoint('ckpt', 'best', n_saved=1, score_function=lambda e: e.state.metrics['accuracy'],
                             score_name='accuracy', global_step_transform=global_step_from_engine(trainer))
evaluator.add_event_handler(Events.COMPLETED, checkpoint, {'model': model})
state = trainer.run(train_loader, max_epochs=3)
m = evaluator.state.metrics
print('precision', [round(v, 4) for v in m['precision'].tolist()], 'recall', [round(v, 4) for v in m['recall'].tolist()])
print('f1', round(m['f1'], 4), 'iou', [round(v, 4) for v in m['iou'].tolist()])
print('confusion', m['cm'].tolist())
print('saved', sorted(os.listdir('ckpt')), state.epoch, state.iteration)

# a full checkpoint of trainer, model and optimizer, restored into fresh objects
to_save = {'model': model, 'optimizer': optimizer, 'trainer': trainer}
saver = Checkpoint(to_save, DiskSaver('full', create_dir=True, require_empty=False), n_saved=1)
saver(trainer)
print('full', sorted(os.listdir('full')))
fresh = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
fresh_opt = torch.optim.SGD(fresh.parameters(), lr=0.1, momentum=0.9)
fresh_trainer = create_supervised_trainer(fresh, fresh_opt, F.cross_entropy)
objects = {'model': fresh, 'optimizer': fresh_opt, 'trainer': fresh_trainer}
Checkpoint.load_objects(to_load=objects, checkpoint=torch.load(saver.last_checkpoint, weights_only=False))
print('restored', torch.equal(fresh(x[:4]), model(x[:4])), fresh_trainer.state.epoch, fresh_trainer.state.iteration)

# a torch scheduler wrapped for ignite, and a regression metric computed by hand
reg = nn.Linear(10, 1)
reg_opt = torch.optim.Adam(reg.parameters(), lr=0.05)
reg_trainer = create_supervised_trainer(reg, reg_opt, nn.MSELoss(), output_transform=lambda x, y, y_pred, loss: loss.item())
reg_trainer.add_event_handler(Events.EPOCH_COMPLETED, LRScheduler(torch.optim.lr_scheduler.StepLR(reg_opt, 1, 0.5)))
target = x[:, :1] * 2 - 1
reg_loader = DataLoader(TensorDataset(x, target), batch_size=32)
reg_trainer.run(reg_loader, max_epochs=2)
mae = MeanAbsoluteError()
mae.update((reg(x).detach(), target))
print('regression', f'{reg_trainer.state.output:.4f}', f'{mae.compute():.4f}', reg_opt.param_groups[0]['lr'])
