"""DDPM on CIFAR-10 with self-attention at the 16x16 and 8x8 resolutions.

Cosine noise schedule (Nichol & Dhariwal 2021), AdamW, mixed precision.
Run:  python train_unet_attn.py --epochs 300 --batch-size 64
"""
import argparse
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


def cosine_beta_schedule(timesteps, s=0.008):
    steps = torch.arange(timesteps + 1, dtype=torch.float64) / timesteps
    f = torch.cos((steps + s) / (1 + s) * math.pi / 2) ** 2
    alpha_bar = f / f[0]
    betas = 1 - alpha_bar[1:] / alpha_bar[:-1]
    return betas.clamp(max=0.999).float()


class SelfAttention(nn.Module):
    def __init__(self, channels, heads=4):
        super().__init__()
        self.norm = nn.GroupNorm(32, channels)
        self.attn = nn.MultiheadAttention(channels, heads, batch_first=True)

    def forward(self, x):
        b, c, h, w = x.shape
        seq = self.norm(x).flatten(2).transpose(1, 2)
        out, _ = self.attn(seq, seq, seq)
        return x + out.transpose(1, 2).reshape(b, c, h, w)


class Block(nn.Module):
    def __init__(self, cin, cout, tdim, attn=False):
        super().__init__()
        self.net = nn.Sequential(nn.GroupNorm(32, cin), nn.SiLU(), nn.Conv2d(cin, cout, 3, padding=1))
        self.t = nn.Linear(tdim, cout)
        self.out = nn.Sequential(nn.GroupNorm(32, cout), nn.SiLU(), nn.Dropout(0.1), nn.Conv2d(cout, cout, 3, padding=1))
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        self.attn = SelfAttention(cout) if attn else nn.Identity()

    def forward(self, x, temb):
        h = self.net(x) + self.t(temb)[:, :, None, None]
        return self.attn(self.out(h) + self.skip(x))


class AttnUNet(nn.Module):
    def __init__(self, base=128, tdim=512):
        super().__init__()
        self.tdim = tdim
        self.temb = nn.Sequential(nn.Linear(base, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.stem = nn.Conv2d(3, base, 3, padding=1)
        self.d1 = Block(base, base, tdim)
        self.d2 = Block(base, base * 2, tdim, attn=True)     # 16x16
        self.mid = Block(base * 2, base * 2, tdim, attn=True)  # 8x8
        self.u2 = Block(base * 4, base, tdim, attn=True)
        self.u1 = Block(base * 2, base, tdim)
        self.head = nn.Sequential(nn.GroupNorm(32, base), nn.SiLU(), nn.Conv2d(base, 3, 3, padding=1))
        self.base = base

    def forward(self, x, t):
        half = self.base // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, device=x.device) / half)
        emb = torch.cat([torch.sin(t[:, None] * freqs), torch.cos(t[:, None] * freqs)], 1)
        temb = self.temb(emb)
        h0 = self.stem(x)
        h1 = self.d1(h0, temb)
        h2 = self.d2(F.avg_pool2d(h1, 2), temb)
        m = self.mid(F.avg_pool2d(h2, 2), temb)
        u2 = self.u2(torch.cat([F.interpolate(m, scale_factor=2.0), h2], 1), temb)
        u1 = self.u1(torch.cat([F.interpolate(u2, scale_factor=2.0), h1], 1), temb)
        return self.head(u1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--timesteps", type=int, default=1000)
    p.add_argument("--data", default="~/datasets/cifar10")
    args = p.parse_args()

    device = "cuda" if torch.cuda.is_available() else "cpu"
    tf = transforms.Compose([transforms.RandomHorizontalFlip(), transforms.ToTensor(),
                             transforms.Normalize([0.5] * 3, [0.5] * 3)])
    train = datasets.CIFAR10(args.data, train=True, download=True, transform=tf)
    loader = DataLoader(train, batch_size=args.batch_size, shuffle=True, num_workers=8, drop_last=True)

    betas = cosine_beta_schedule(args.timesteps).to(device)
    alpha_bar = torch.cumprod(1 - betas, 0)

    model = AttnUNet().to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    scaler = torch.cuda.amp.GradScaler()

    for epoch in range(args.epochs):
        for x, _ in loader:
            x = x.to(device, non_blocking=True)
            t = torch.randint(0, args.timesteps, (x.shape[0],), device=device)
            eps = torch.randn_like(x)
            ab = alpha_bar[t].view(-1, 1, 1, 1)
            with torch.autocast(device_type="cuda", dtype=torch.float16):
                pred = model(ab.sqrt() * x + (1 - ab).sqrt() * eps, t.float())
                loss = F.mse_loss(pred, eps)
            opt.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            scaler.step(opt)
            scaler.update()
        print(f"[{epoch + 1}/{args.epochs}] loss={loss.item():.4f}")
        if (epoch + 1) % 50 == 0:
            torch.save(model.state_dict(), f"attn_unet_e{epoch + 1}.pt")


if __name__ == "__main__":
    main()
