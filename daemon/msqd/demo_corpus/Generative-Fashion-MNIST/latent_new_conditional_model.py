# Latent conditional diffusion on Fashion-MNIST (new version).
# Stage 1: small VAE squeezes 28x28 -> 4x7x7 latents. Stage 2: diffusion in latent
# space, conditioned on the clothing class (t-shirt, trouser, ..., ankle boot).
from dataclasses import dataclass
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


@dataclass
class Config:
    batch_size: int = 64
    lr: float = 5e-4
    weight_decay: float = 1e-2
    vae_epochs: int = 10
    epochs: int = 50
    timesteps: int = 1000
    latent_channels: int = 4
    num_classes: int = 10
    data_dir: str = "./fashion"


cfg = Config()
device = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")


class VAE(nn.Module):
    def __init__(self, zc):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 32, 4, 2, 1), nn.SiLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.SiLU(),
                                 nn.Conv2d(64, 2 * zc, 1))
        self.dec = nn.Sequential(nn.Conv2d(zc, 64, 1), nn.SiLU(), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.SiLU(),
                                 nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Tanh())

    def encode(self, x):
        mu, logvar = self.enc(x).chunk(2, dim=1)
        return mu + torch.randn_like(mu) * (0.5 * logvar).exp(), mu, logvar


class LatentDenoiser(nn.Module):
    def __init__(self, zc, num_classes, hidden=128):
        super().__init__()
        self.y_emb = nn.Embedding(num_classes, hidden)
        self.t_mlp = nn.Sequential(nn.Linear(1, hidden), nn.SiLU(), nn.Linear(hidden, hidden))
        self.inp = nn.Conv2d(zc, hidden, 3, padding=1)
        self.mid = nn.Sequential(nn.GroupNorm(8, hidden), nn.SiLU(), nn.Conv2d(hidden, hidden, 3, padding=1),
                                 nn.GroupNorm(8, hidden), nn.SiLU(), nn.Conv2d(hidden, hidden, 3, padding=1))
        self.out = nn.Conv2d(hidden, zc, 3, padding=1)

    def forward(self, z, t, y):
        c = self.t_mlp(t[:, None].float() / cfg.timesteps) + self.y_emb(y)
        h = self.inp(z) + c[:, :, None, None]
        return self.out(h + self.mid(h))


def cosine_alpha_bar(T, s=0.008):
    t = torch.arange(T + 1) / T
    f = torch.cos((t + s) / (1 + s) * math.pi / 2) ** 2
    return (f / f[0])[1:]


train = datasets.FashionMNIST(cfg.data_dir, train=True, download=True,
                              transform=transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))]))
loader = DataLoader(train, batch_size=cfg.batch_size, shuffle=True, drop_last=True)

vae = VAE(cfg.latent_channels).to(device)
vae_opt = torch.optim.Adam(vae.parameters(), lr=1e-3)
for epoch in range(cfg.vae_epochs):
    for x, _ in loader:
        x = x.to(device)
        z, mu, logvar = vae.encode(x)
        kl = -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp())
        loss = F.mse_loss(vae.dec(z), x) + 1e-3 * kl
        vae_opt.zero_grad(); loss.backward(); vae_opt.step()
vae.eval().requires_grad_(False)

alpha_bar = cosine_alpha_bar(cfg.timesteps).to(device)
denoiser = LatentDenoiser(cfg.latent_channels, cfg.num_classes).to(device)
opt = torch.optim.AdamW(denoiser.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
for epoch in range(cfg.epochs):
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        with torch.no_grad():
            z0, _, _ = vae.encode(x)
        t = torch.randint(0, cfg.timesteps, (x.size(0),), device=device)
        eps = torch.randn_like(z0)
        ab = alpha_bar[t].view(-1, 1, 1, 1)
        loss = F.mse_loss(denoiser(ab.sqrt() * z0 + (1 - ab).sqrt() * eps, t, y), eps)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"latent epoch {epoch}: {loss.item():.4f}")

torch.save({"vae": vae.state_dict(), "denoiser": denoiser.state_dict()}, "latent_cond_fmnist.pt")
