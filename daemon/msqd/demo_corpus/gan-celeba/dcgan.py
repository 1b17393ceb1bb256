"""DCGAN on CelebA faces at 64x64 (Radford et al. 2015 hyper-parameters)."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms, utils

DATAROOT = "/data/celeba"
IMAGE_SIZE = 64
BATCH_SIZE = 128
NZ = 100          # latent size
NGF = NDF = 64
NUM_EPOCHS = 25
LR = 0.0002
BETA1 = 0.5

device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")


def weights_init(m):
    if "Conv" in m.__class__.__name__:
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif "BatchNorm" in m.__class__.__name__:
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(NZ, NGF * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(NGF * 8), nn.ReLU(True),
            nn.ConvTranspose2d(NGF * 8, NGF * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(NGF * 4), nn.ReLU(True),
            nn.ConvTranspose2d(NGF * 4, NGF * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(NGF * 2), nn.ReLU(True),
            nn.ConvTranspose2d(NGF * 2, NGF, 4, 2, 1, bias=False), nn.BatchNorm2d(NGF), nn.ReLU(True),
            nn.ConvTranspose2d(NGF, 3, 4, 2, 1, bias=False), nn.Tanh(),
        )

    def forward(self, z):
        return self.main(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(3, NDF, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(NDF, NDF * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(NDF * 2), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(NDF * 2, NDF * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(NDF * 4), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(NDF * 4, NDF * 8, 4, 2, 1, bias=False), nn.BatchNorm2d(NDF * 8), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(NDF * 8, 1, 4, 1, 0, bias=False), nn.Sigmoid(),
        )

    def forward(self, x):
        return self.main(x).view(-1)


dataset = datasets.CelebA(DATAROOT, split="train", download=False, transform=transforms.Compose([
    transforms.Resize(IMAGE_SIZE), transforms.CenterCrop(IMAGE_SIZE), transforms.ToTensor(),
    transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
]))
loader = DataLoader(dataset, batch_size=BATCH_SIZE, shuffle=True, num_workers=4)

netG, netD = Generator().to(device), Discriminator().to(device)
netG.apply(weights_init)
netD.apply(weights_init)
criterion = nn.BCELoss()
optD = torch.optim.Adam(netD.parameters(), lr=LR, betas=(BETA1, 0.999))
optG = torch.optim.Adam(netG.parameters(), lr=LR, betas=(BETA1, 0.999))
fixed_noise = torch.randn(64, NZ, 1, 1, device=device)

for epoch in range(NUM_EPOCHS):
    for i, (real, _) in enumerate(loader):
        real = real.to(device)
        b = real.size(0)
        noise = torch.randn(b, NZ, 1, 1, device=device)
        fake = netG(noise)
        # D: maximize log(D(x)) + log(1 - D(G(z)))
        netD.zero_grad()
        errD = criterion(netD(real), torch.ones(b, device=device)) + \
            criterion(netD(fake.detach()), torch.zeros(b, device=device))
        errD.backward()
        optD.step()
        # G: maximize log(D(G(z)))
        netG.zero_grad()
        errG = criterion(netD(fake), torch.ones(b, device=device))
        errG.backward()
        optG.step()
        if i % 200 == 0:
            print(f"[{epoch}/{NUM_EPOCHS}][{i}] Loss_D {errD.item():.3f} Loss_G {errG.item():.3f}")
    with torch.no_grad():
        utils.save_image(netG(fixed_noise), f"fake_epoch_{epoch:02d}.png", normalize=True)
