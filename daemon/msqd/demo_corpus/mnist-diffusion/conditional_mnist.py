"""Digit-conditional diffusion on MNIST: ask for a 7, get a 7.

Cosine schedule with 400 steps; the label is added to the time embedding.
"""
import argparse
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision.datasets import MNIST
from torchvision.transforms import ToTensor, Normalize, Compose

parser = argparse.ArgumentParser(description="conditional MNIST diffusion")
parser.add_argument("--epochs", type=int, default=30)
parser.add_argument("--bs", type=int, default=256)
parser.add_argument("--lr", type=float, default=5e-4)
parser.add_argument("--steps", type=int, default=400)
parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
args = parser.parse_args()


def cosine_schedule(n, s=0.008):
    x = torch.linspace(0, n, n + 1)
    ac = torch.cos(((x / n) + s) / (1 + s) * math.pi * 0.5) ** 2
    ac = ac / ac[0]
    return torch.clip(1 - (ac[1:] / ac[:-1]), 0.0001, 0.9999)


class ConditionalDenoiser(nn.Module):
    def __init__(self, n_classes=10, width=64, steps=400):
        super().__init__()
        self.class_emb = nn.Embedding(n_classes, width)
        self.time_emb = nn.Embedding(steps, width)
        self.conv_in = nn.Conv2d(1, width, 3, padding=1)
        self.blocks = nn.ModuleList([
            nn.Sequential(nn.GroupNorm(8, width), nn.SiLU(), nn.Conv2d(width, width, 3, padding=1))
            for _ in range(4)
        ])
        self.conv_out = nn.Conv2d(width, 1, 3, padding=1)

    def forward(self, x, t, y):
        h = self.conv_in(x)
        c = (self.class_emb(y) + self.time_emb(t))[:, :, None, None]
        for blk in self.blocks:
            h = h + blk(h + c)
        return self.conv_out(h)


ds = MNIST("./mnist", train=True, download=True, transform=Compose([ToTensor(), Normalize((0.5,), (0.5,))]))
dl = DataLoader(ds, batch_size=args.bs, shuffle=True, num_workers=2)
betas = cosine_schedule(args.steps).to(args.device)
abar = torch.cumprod(1 - betas, 0)
net = ConditionalDenoiser(steps=args.steps).to(args.device)
opt = torch.optim.Adam(net.parameters(), lr=args.lr)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.epochs * len(dl))

for epoch in range(args.epochs):
    for img, label in dl:
        img, label = img.to(args.device), label.to(args.device)
        t = torch.randint(0, args.steps, (img.size(0),), device=args.device)
        noise = torch.randn_like(img)
        a = abar[t][:, None, None, None]
        loss = F.mse_loss(net(a.sqrt() * img + (1 - a).sqrt() * noise, t, label), noise)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    print(f"epoch {epoch + 1}/{args.epochs} loss {loss.item():.4f}")

torch.save(net.state_dict(), "cond_mnist.pt")
