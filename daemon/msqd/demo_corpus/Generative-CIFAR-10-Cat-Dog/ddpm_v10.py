# DDPM v10: cats and dogs only. v9 collapsed to brown blobs after ~80 epochs,
# going back to the plain linear schedule and a longer run.
import os
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms
from torchvision.utils import save_image

BATCH_SIZE = 128
LEARNING_RATE = 2e-4
EPOCHS = 200
TIMESTEPS = 1000
BETA_START = 1e-4
BETA_END = 0.02
IMG_SIZE = 32
CAT, DOG = 3, 5  # CIFAR-10 class indices
OUT_DIR = "samples_v10"

if torch.cuda.is_available():
    device = torch.device("cuda")
elif torch.backends.mps.is_available():
    device = torch.device("mps")
else:
    device = torch.device("cpu")


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, device=t.device) / half)
    args = t[:, None].float() * freqs[None]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.norm1 = nn.GroupNorm(8, cout)
        self.norm2 = nn.GroupNorm(8, cout)
        self.temb = nn.Linear(tdim, cout)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, t):
        h = F.silu(self.norm1(self.conv1(x)))
        h = h + self.temb(t)[:, :, None, None]
        h = F.silu(self.norm2(self.conv2(h)))
        return h + self.skip(x)


class UNet(nn.Module):
    def __init__(self, ch=64, tdim=256):
        super().__init__()
        self.tdim = tdim
        self.tmlp = nn.Sequential(nn.Linear(tdim, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.inc = nn.Conv2d(3, ch, 3, padding=1)
        self.down1 = ResBlock(ch, ch * 2, tdim)
        self.down2 = ResBlock(ch * 2, ch * 4, tdim)
        self.mid = ResBlock(ch * 4, ch * 4, tdim)
        self.up2 = ResBlock(ch * 8, ch * 2, tdim)
        self.up1 = ResBlock(ch * 4, ch, tdim)
        self.outc = nn.Conv2d(ch, 3, 1)

    def forward(self, x, t):
        temb = self.tmlp(timestep_embedding(t, self.tdim))
        x0 = self.inc(x)
        d1 = self.down1(x0, temb)
        d2 = self.down2(F.avg_pool2d(d1, 2), temb)
        m = self.mid(F.avg_pool2d(d2, 2), temb)
        u2 = self.up2(torch.cat([F.interpolate(m, scale_factor=2), d2], 1), temb)
        u1 = self.up1(torch.cat([F.interpolate(u2, scale_factor=2), d1], 1), temb)
        return self.outc(u1)


betas = torch.linspace(BETA_START, BETA_END, TIMESTEPS, device=device)
alphas = 1.0 - betas
alpha_bar = torch.cumprod(alphas, dim=0)


@torch.no_grad()
def sample(model, n=16):
    x = torch.randn(n, 3, IMG_SIZE, IMG_SIZE, device=device)
    for i in reversed(range(TIMESTEPS)):
        t = torch.full((n,), i, device=device, dtype=torch.long)
        eps = model(x, t)
        mean = (x - betas[i] / torch.sqrt(1 - alpha_bar[i]) * eps) / torch.sqrt(alphas[i])
        x = mean + (torch.sqrt(betas[i]) * torch.randn_like(x) if i > 0 else 0)
    return (x.clamp(-1, 1) + 1) / 2


transform = transforms.Compose([
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
])
full = datasets.CIFAR10("./data", train=True, download=True, transform=transform)
keep = [i for i, y in enumerate(full.targets) if y in (CAT, DOG)]
loader = DataLoader(Subset(full, keep), batch_size=BATCH_SIZE, shuffle=True, num_workers=4)

model = UNet().to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
os.makedirs(OUT_DIR, exist_ok=True)

for epoch in range(EPOCHS):
    for x, _ in loader:
        x = x.to(device)
        t = torch.randint(0, TIMESTEPS, (x.size(0),), device=device)
        noise = torch.randn_like(x)
        ab = alpha_bar[t][:, None, None, None]
        x_t = torch.sqrt(ab) * x + torch.sqrt(1 - ab) * noise
        loss = F.mse_loss(model(x_t, t), noise)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")
    if epoch % 20 == 0:
        save_image(sample(model), f"{OUT_DIR}/epoch_{epoch:03d}.png", nrow=4)

torch.save(model.state_dict(), "ddpm_v10_catdog.pt")
