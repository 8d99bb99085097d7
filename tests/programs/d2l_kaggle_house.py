# Dive into Deep Learning (d2l-ai/d2l-en, d2l/torch.py and chapters multilayer-perceptrons/kaggle-house-price,
# numerical-stability-and-init and linear-classification/image-classification-dataset): the house-price
# pipeline on a synthetic CSV written and read with pandas (standardize, fill, one-hot, tensors from
# .values.astype(float)), 5-fold validation of the concise linear regression with the book's Trainer,
# an ensembled submission file; exploding products of Gaussian matrices; and the book's loader with
# num_workers=4 over an in-memory image dataset, read back and checked.
import inspect

import numpy as np
import pandas as pd
import torch
from torch import nn


class HyperParameters:
    def save_hyperparameters(self, ignore=[]):
        frame = inspect.currentframe().f_back
        _, _, _, local_vars = inspect.getargvalues(frame)
        self.hparams = {k: v for k, v in local_vars.items()
                        if k not in set(ignore + ['self']) and not k.startswith('_')}
        for k, v in self.hparams.items():
            setattr(self, k, v)


class DataModule(HyperParameters):
    def __init__(self, root='../data', num_workers=4):
        self.save_hyperparameters()

    def train_dataloader(self):
        return self.get_dataloader(train=True)

    def val_dataloader(self):
        return self.get_dataloader(train=False)

    def get_tensorloader(self, tensors, train, indices=slice(0, None)):
        tensors = tuple(a[indices] for a in tensors)
        dataset = torch.utils.data.TensorDataset(*tensors)
        return torch.utils.data.DataLoader(dataset, self.batch_size, shuffle=train)


class LinearRegression(nn.Module, HyperParameters):
    def __init__(self, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.LazyLinear(1)
        self.net.weight.data.normal_(0, 0.01)
        self.net.bias.data.fill_(0)
        self.val_losses = []

    def forward(self, X):
        return self.net(X)

    def loss(self, y_hat, y):
        fn = nn.MSELoss()
        return fn(y_hat, y)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), self.lr)


class Trainer(HyperParameters):
    def __init__(self, max_epochs):
        self.save_hyperparameters()

    def fit(self, model, data):
        optim = model.configure_optimizers()
        for self.epoch in range(self.max_epochs):
            model.train()
            for X, y in data.train_dataloader():
                loss = model.loss(model(X), y)
                optim.zero_grad()
                with torch.no_grad():
                    loss.backward()
                    optim.step()
            model.eval()
            with torch.no_grad():
                losses = [float(model.loss(model(X), y)) for X, y in data.val_dataloader()]
            model.val_losses.append(sum(losses) / len(losses))


torch.manual_seed(0)
rng = np.random.default_rng(0)


def synthetic_houses(n, start_id, with_price):
    area = rng.normal(1500, 400, n).round()
    rooms = rng.integers(2, 9, n).astype(float)
    rooms[rng.random(n) < 0.05] = np.nan
    year = rng.integers(1900, 2010, n)
    zone = rng.choice(['RL', 'RM', 'FV', None], n, p=[0.5, 0.3, 0.15, 0.05])
    street = rng.choice(['Pave', 'Grvl'], n, p=[0.9, 0.1])
    frame = pd.DataFrame({'Id': np.arange(start_id, start_id + n), 'MSSubClass': rng.integers(20, 190, n),
                          'MSZoning': zone, 'LotArea': area, 'Street': street, 'Rooms': rooms, 'YearBuilt': year})
    if with_price:
        price = 50000 + 80 * area + 9000 * np.nan_to_num(rooms, nan=4) + 300 * (year - 1900)
        frame['SalePrice'] = (price * np.exp(rng.normal(0, 0.1, n))).round()
    return frame


synthetic_houses(200, 1, True).to_csv('kaggle_house_pred_train.csv', index=False)
synthetic_houses(60, 201, False).to_csv('kaggle_house_pred_test.csv', index=False)


class KaggleHouse(DataModule):
    def __init__(self, batch_size, train=None, val=None):
        super().__init__()
        self.save_hyperparameters()
        if self.train is None:
            self.raw_train = pd.read_csv('kaggle_house_pred_train.csv')
            self.raw_val = pd.read_csv('kaggle_house_pred_test.csv')

    def preprocess(self):
        # Remove the ID and label columns
        label = 'SalePrice'
        features = pd.concat((self.raw_train.drop(columns=['Id', label]), self.raw_val.drop(columns=['Id'])))
        # Standardize numerical columns
        # (the book tests dtypes != 'object'; pandas 3 reads text columns with its own string dtype)
        numeric_features = features.select_dtypes('number').columns
        features[numeric_features] = features[numeric_features].apply(lambda x: (x - x.mean()) / (x.std()))
        # Replace NAN numerical features by 0
        features[numeric_features] = features[numeric_features].fillna(0)
        # Replace discrete features by one-hot encoding
        features = pd.get_dummies(features, dummy_na=True)
        # Save preprocessed features
        self.train = features[:self.raw_train.shape[0]].copy()
        self.train[label] = self.raw_train[label]
        self.val = features[self.raw_train.shape[0]:].copy()

    def get_dataloader(self, train):
        label = 'SalePrice'
        data = self.train if train else self.val
        if label not in data: return
        get_tensor = lambda x: torch.tensor(x.values.astype(float), dtype=torch.float32)
        # Logarithm of prices
        tensors = (get_tensor(data.drop(columns=[label])),  # X
                   torch.log(get_tensor(data[label])).reshape((-1, 1)))  # Y
        return self.get_tensorloader(tensors, train)


data = KaggleHouse(batch_size=64)
print(data.raw_train.shape)
print(data.raw_val.shape)
print(data.raw_train.iloc[:4, [0, 1, 2, 3, -3, -2, -1]])
data.preprocess()
print(data.train.shape)
print(list(data.train.columns))


def k_fold_data(data, k):
    rets = []
    fold_size = data.train.shape[0] // k
    for j in range(k):
        idx = range(j * fold_size, (j + 1) * fold_size)
        rets.append(KaggleHouse(data.batch_size, data.train.drop(index=idx), data.train.loc[idx]))
    return rets


def k_fold(trainer, data, k, lr):
    val_loss, models = [], []
    for i, data_fold in enumerate(k_fold_data(data, k)):
        model = LinearRegression(lr)
        trainer.fit(model, data_fold)
        val_loss.append(model.val_losses[-1])
        models.append(model)
    print(f'average validation log mse = {sum(val_loss) / len(val_loss):.4f}')
    return models


trainer = Trainer(max_epochs=10)
models = k_fold(trainer, data, k=5, lr=0.01)
preds = [model(torch.tensor(data.val.values.astype(float), dtype=torch.float32)) for model in models]
# Taking exponentiation of predictions in the logarithm scale
ensemble_preds = torch.exp(torch.cat(preds, 1)).mean(1)
submission = pd.DataFrame({'Id': data.raw_val.Id, 'SalePrice': ensemble_preds.detach().numpy()})
submission.to_csv('submission.csv', index=False)
print(pd.read_csv('submission.csv').shape, preds[0].shape, ensemble_preds.dtype)

# numerical stability
x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
y = torch.sigmoid(x)
y.backward(torch.ones_like(x))
print(x.grad[::20])
M = torch.normal(0, 1, size=(4, 4))
print('a single matrix \n', M)
for i in range(100):
    M = M @ torch.normal(0, 1, size=(4, 4))
print('after multiplying 100 matrices\n', f'{float(M.abs().max()):.3e}')


# the image-classification loader with the book's four workers
class ImageData(DataModule):
    def __init__(self, batch_size=64):
        super().__init__()
        self.save_hyperparameters()
        self.images = torch.rand(300, 1, 8, 8)
        self.labels = torch.randint(0, 10, (300,))

    def text_labels(self, indices):
        labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag',
                  'ankle boot']
        return [labels[int(i)] for i in indices]

    def get_dataloader(self, train):
        data = torch.utils.data.TensorDataset(self.images, self.labels)
        return torch.utils.data.DataLoader(data, self.batch_size, shuffle=train, num_workers=self.num_workers)


data = ImageData()
X, y = next(iter(data.val_dataloader()))
print(X.shape, X.dtype, y.shape, y.dtype)
print(data.text_labels(y[:8]))
print(torch.equal(X, data.images[:64]), len(data.val_dataloader()))
print(sum(len(y) for _, y in data.train_dataloader()))
