# Unconditional DDPM on Fashion-MNIST, v2: trained on the laptop (CPU only),
# so a small net, 400 steps and DDIM sampling with 50 steps for previews.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

EPOCHS = 15
BATCH = 32
LR = 2e-4
N_STEPS = 400
DDIM_STEPS = 50
torch.set_num_threads(8)
device = torch.device("cpu")


class Denoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.t_proj = nn.Linear(1, 64)
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, stride=2, padding=1)
        self.c3 = nn.Conv2d(64, 64, 3, padding=1)
        self.u1 = nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1)
        self.c4 = nn.Conv2d(64, 1, 3, padding=1)
        self.bn = nn.BatchNorm2d(64)

    def forward(self, x, t):
        h1 = F.gelu(self.c1(x))
        h2 = F.gelu(self.c2(h1)) + self.t_proj(t.float().unsqueeze(1) / N_STEPS)[:, :, None, None]
        h2 = F.gelu(self.bn(self.c3(h2)))
        return self.c4(torch.cat([F.gelu(self.u1(h2)), h1], 1))


@torch.no_grad()
def ddim_sample(model, abar, n=25):
    x = torch.randn(n, 1, 28, 28)
    ts = torch.linspace(N_STEPS - 1, 0, DDIM_STEPS).long()
    for i, t in enumerate(ts):
        eps = model(x, t.repeat(n))
        x0 = (x - (1 - abar[t]).sqrt() * eps) / abar[t].sqrt()
        prev = abar[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0)
        x = prev.sqrt() * x0 + (1 - prev).sqrt() * eps
    return x


if __name__ == "__main__":
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.5], [0.5])])
    ds = datasets.FashionMNIST("~/data", download=True, train=True, transform=tf)
    dl = DataLoader(ds, batch_size=BATCH, shuffle=True)
    betas = torch.linspace(1e-4, 0.02, N_STEPS)
    abar = torch.cumprod(1 - betas, 0)
    model = Denoiser().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(0.9, 0.99))
    for epoch in range(EPOCHS):
        for x, _ in dl:
            t = torch.randint(0, N_STEPS, (x.size(0),))
            e = torch.randn_like(x)
            a = abar[t].view(-1, 1, 1, 1)
            loss = F.l1_loss(model(a.sqrt() * x + (1 - a).sqrt() * e, t), e)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(epoch, float(loss))
        torch.save(ddim_sample(model, abar), f"preview_{epoch}.pt")
    torch.save(model.state_dict(), "ddpm_fashion_v2.pt")
