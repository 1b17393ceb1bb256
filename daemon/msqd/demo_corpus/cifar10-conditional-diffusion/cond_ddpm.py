# Class-conditional DDPM for CIFAR-10 with classifier-free guidance.
# Labels are dropped 10% of the time so the same net learns p(x) and p(x|y).
import torch
from torch import nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
import torchvision
import torchvision.transforms as T

config = {
    "dataset": "cifar10",
    "num_classes": 10,
    "image_size": 32,
    "batch_size": 256,
    "lr": 3e-4,
    "epochs": 100,
    "timesteps": 500,
    "beta_schedule": "linear",
    "beta_1": 1e-4,
    "beta_T": 0.02,
    "p_uncond": 0.1,
    "guidance_scale": 3.0,
    "channels": 96,
}

device = torch.device("cuda")


class CondUNet(nn.Module):
    def __init__(self, ch, num_classes):
        super().__init__()
        self.label_emb = nn.Embedding(num_classes + 1, ch * 4)  # last index = "no label"
        self.time_emb = nn.Sequential(nn.Linear(1, ch * 4), nn.SiLU(), nn.Linear(ch * 4, ch * 4))
        self.enc1 = nn.Sequential(nn.Conv2d(3, ch, 3, padding=1), nn.BatchNorm2d(ch), nn.ReLU())
        self.enc2 = nn.Sequential(nn.Conv2d(ch, ch * 2, 4, 2, 1), nn.BatchNorm2d(ch * 2), nn.ReLU())
        self.enc3 = nn.Sequential(nn.Conv2d(ch * 2, ch * 4, 4, 2, 1), nn.BatchNorm2d(ch * 4), nn.ReLU())
        self.dec3 = nn.Sequential(nn.ConvTranspose2d(ch * 4, ch * 2, 4, 2, 1), nn.BatchNorm2d(ch * 2), nn.ReLU())
        self.dec2 = nn.Sequential(nn.ConvTranspose2d(ch * 4, ch, 4, 2, 1), nn.BatchNorm2d(ch), nn.ReLU())
        self.dec1 = nn.Conv2d(ch * 2, 3, 3, padding=1)

    def forward(self, x, t, y):
        cond = self.time_emb(t[:, None].float() / config["timesteps"]) + self.label_emb(y)
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        e3 = self.enc3(e2) + cond[:, :, None, None]
        d3 = self.dec3(e3)
        d2 = self.dec2(torch.cat([d3, e2], 1))
        return self.dec1(torch.cat([d2, e1], 1))


def get_loader():
    tfm = T.Compose([T.ToTensor(), T.Normalize((0.5,) * 3, (0.5,) * 3)])
    ds = torchvision.datasets.CIFAR10(root="data", train=True, transform=tfm, download=True)
    return DataLoader(ds, batch_size=config["batch_size"], shuffle=True, num_workers=6, pin_memory=True)


@torch.no_grad()
def sample(model, labels, betas, alpha_bar):
    x = torch.randn(len(labels), 3, 32, 32, device=device)
    null = torch.full_like(labels, config["num_classes"])
    w = config["guidance_scale"]
    for i in reversed(range(config["timesteps"])):
        t = torch.full_like(labels, i)
        eps = (1 + w) * model(x, t, labels) - w * model(x, t, null)
        x = (x - betas[i] / (1 - alpha_bar[i]).sqrt() * eps) / (1 - betas[i]).sqrt()
        if i > 0:
            x = x + betas[i].sqrt() * torch.randn_like(x)
    return x


def train():
    betas = torch.linspace(config["beta_1"], config["beta_T"], config["timesteps"], device=device)
    alpha_bar = torch.cumprod(1.0 - betas, dim=0)
    model = CondUNet(config["channels"], config["num_classes"]).to(device)
    optim = torch.optim.Adam(model.parameters(), lr=config["lr"])
    loader = get_loader()
    for epoch in range(config["epochs"]):
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            drop = torch.rand(y.shape, device=device) < config["p_uncond"]
            y = torch.where(drop, torch.full_like(y, config["num_classes"]), y)
            t = torch.randint(0, config["timesteps"], (x.size(0),), device=device)
            noise = torch.randn_like(x)
            ab = alpha_bar[t].view(-1, 1, 1, 1)
            loss = F.mse_loss(model(ab.sqrt() * x + (1 - ab).sqrt() * noise, t, y), noise)
            optim.zero_grad()
            loss.backward()
            optim.step()
        print(epoch, loss.item())
    torch.save(model.state_dict(), "cond_ddpm_cifar10.pt")
    imgs = sample(model, torch.arange(10, device=device).repeat_interleave(8), betas, alpha_bar)
    torchvision.utils.save_image((imgs + 1) / 2, "cond_samples.png", nrow=8)


if __name__ == "__main__":
    train()
