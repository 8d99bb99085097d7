"""Two GANs on 16x16 digit-like images, written the way eriklindernoren/PyTorch-GAN writes them:
Variable-wrapped FloatTensor targets, NumPy noise turned into tensors, BatchNorm with its momentum
passed where eps goes, weights initialised by class name, BCELoss and a WGAN-GP gradient penalty,
and image grids saved with save_image (their bytes hashed)."""
import hashlib

import numpy as np
import torch
import torch.nn as nn
from torch.autograd import Variable
from torch.utils.data import DataLoader, TensorDataset
from torchvision.utils import save_image

img_shape = (1, 16, 16)
latent_dim = 8
Tensor = torch.FloatTensor


def weights_init_normal(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        torch.nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm2d") != -1:
        torch.nn.init.normal_(m.weight.data, 1.0, 0.02)
        torch.nn.init.constant_(m.bias.data, 0.0)


class Generator(nn.Module):
    def __init__(self):
        super(Generator, self).__init__()
        self.init_size = 4
        self.l1 = nn.Sequential(nn.Linear(latent_dim, 16 * self.init_size ** 2))
        self.conv_blocks = nn.Sequential(
            nn.BatchNorm2d(16),
            nn.Upsample(scale_factor=2),
            nn.Conv2d(16, 16, 3, stride=1, padding=1),
            nn.BatchNorm2d(16, 0.8),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Upsample(scale_factor=2),
            nn.Conv2d(16, 8, 3, stride=1, padding=1),
            nn.BatchNorm2d(8, 0.8),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(8, 1, 3, stride=1, padding=1),
            nn.Tanh(),
        )

    def forward(self, z):
        out = self.l1(z)
        out = out.view(out.shape[0], 16, self.init_size, self.init_size)
        return self.conv_blocks(out)


class Discriminator(nn.Module):
    def __init__(self, sigmoid=True):
        super(Discriminator, self).__init__()

        def block(in_filters, out_filters, bn=True):
            layers = [nn.Conv2d(in_filters, out_filters, 3, 2, 1), nn.LeakyReLU(0.2, inplace=True), nn.Dropout2d(0.25)]
            if bn:
                layers.append(nn.BatchNorm2d(out_filters, 0.8))
            return layers

        self.model = nn.Sequential(*block(1, 8, bn=False), *block(8, 16))
        head = [nn.Linear(16 * 4 * 4, 1)]
        self.adv_layer = nn.Sequential(*(head + [nn.Sigmoid()] if sigmoid else head))

    def forward(self, img):
        out = self.model(img)
        return self.adv_layer(out.view(out.shape[0], -1))


def compute_gradient_penalty(D, real_samples, fake_samples):
    alpha = Tensor(np.random.random((real_samples.size(0), 1, 1, 1)))
    interpolates = (alpha * real_samples + ((1 - alpha) * fake_samples)).requires_grad_(True)
    d_interpolates = D(interpolates)
    fake = Variable(Tensor(real_samples.shape[0], 1).fill_(1.0), requires_grad=False)
    gradients = torch.autograd.grad(outputs=d_interpolates, inputs=interpolates, grad_outputs=fake,
                                    create_graph=True, retain_graph=True, only_inputs=True)[0]
    gradients = gradients.view(gradients.size(0), -1)
    return ((gradients.norm(2, dim=1) - 1) ** 2).mean()


def digest(path):
    return hashlib.md5(open(path, 'rb').read()).hexdigest()


np.random.seed(0)
torch.manual_seed(0)
images = torch.from_numpy(np.random.rand(16, *img_shape).astype(np.float32) ** 3) * 2 - 1
labels = torch.from_numpy(np.random.randint(0, 10, 16))
dataloader = DataLoader(TensorDataset(images, labels), batch_size=8, shuffle=True)

# DCGAN with BCELoss
adversarial_loss = torch.nn.BCELoss()
generator, discriminator = Generator(), Discriminator()
generator.apply(weights_init_normal)
discriminator.apply(weights_init_normal)
optimizer_G = torch.optim.Adam(generator.parameters(), lr=0.0002, betas=(0.5, 0.999))
optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=0.0002, betas=(0.5, 0.999))
for epoch in range(2):
    for i, (imgs, _) in enumerate(dataloader):
        valid = Variable(Tensor(imgs.shape[0], 1).fill_(1.0), requires_grad=False)
        fake = Variable(Tensor(imgs.shape[0], 1).fill_(0.0), requires_grad=False)
        real_imgs = Variable(imgs.type(Tensor))
        optimizer_G.zero_grad()
        z = Variable(Tensor(np.random.normal(0, 1, (imgs.shape[0], latent_dim))))
        gen_imgs = generator(z)
        g_loss = adversarial_loss(discriminator(gen_imgs), valid)
        g_loss.backward()
        optimizer_G.step()
        optimizer_D.zero_grad()
        real_loss = adversarial_loss(discriminator(real_imgs), valid)
        fake_loss = adversarial_loss(discriminator(gen_imgs.detach()), fake)
        d_loss = (real_loss + fake_loss) / 2
        d_loss.backward()
        optimizer_D.step()
        print("[Epoch %d/%d] [Batch %d/%d] [D loss: %f] [G loss: %f]"
              % (epoch, 2, i, len(dataloader), d_loss.item(), g_loss.item()))
save_image(gen_imgs.data[:8], "dcgan.png", nrow=4, normalize=True)
print("dcgan.png", digest("dcgan.png"))

# WGAN-GP: RMS-free Adam, critic without sigmoid, gradient penalty through autograd.grad
generator, critic = Generator(), Discriminator(sigmoid=False)
optimizer_G = torch.optim.Adam(generator.parameters(), lr=0.0002, betas=(0.5, 0.999))
optimizer_D = torch.optim.Adam(critic.parameters(), lr=0.0002, betas=(0.5, 0.999))
for i, (imgs, _) in enumerate(dataloader):
    real_imgs = Variable(imgs.type(Tensor))
    optimizer_D.zero_grad()
    z = Variable(Tensor(np.random.normal(0, 1, (imgs.shape[0], latent_dim))))
    fake_imgs = generator(z)
    gradient_penalty = compute_gradient_penalty(critic, real_imgs.data, fake_imgs.data)
    d_loss = -torch.mean(critic(real_imgs)) + torch.mean(critic(fake_imgs)) + 10 * gradient_penalty
    d_loss.backward()
    optimizer_D.step()
    optimizer_G.zero_grad()
    g_loss = -torch.mean(critic(generator(z)))
    g_loss.backward()
    optimizer_G.step()
    print("[WGAN-GP batch %d] [D loss: %.4f] [G loss: %.4f] [GP: %.4f]" % (i, d_loss.item(), g_loss.item(),
                                                                    gradient_penalty.item()))
save_image(fake_imgs.data[:8], "wgan.png", nrow=4, normalize=True, value_range=(-1, 1), padding=1)
print("wgan.png", digest("wgan.png"))
