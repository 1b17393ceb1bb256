import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import datasets, transforms
from torch.utils.data import DataLoader


class TinyUNet(nn.Module):
    """Two-level U-Net for 28x28 digits; time enters as a learned embedding."""

    def __init__(self, T, ch=32):
        super().__init__()
        self.t_embed = nn.Embedding(T, ch * 2)
        self.down1 = nn.Sequential(nn.Conv2d(1, ch, 3, padding=1), nn.ReLU(), nn.Conv2d(ch, ch, 3, padding=1), nn.ReLU())
        self.down2 = nn.Sequential(nn.Conv2d(ch, ch * 2, 3, padding=1), nn.ReLU())
        self.up1 = nn.Sequential(nn.Conv2d(ch * 3, ch, 3, padding=1), nn.ReLU())
        self.out = nn.Conv2d(ch, 1, 1)

    def forward(self, x, t):
        h1 = self.down1(x)                                      # 28x28
        h2 = self.down2(F.max_pool2d(h1, 2))                    # 14x14
        h2 = h2 + self.t_embed(t)[:, :, None, None]
        u = F.interpolate(h2, scale_factor=2, mode="nearest")
        return self.out(self.up1(torch.cat([u, h1], dim=1)))


def main():
    T = 300
    epochs = 20
    batch_size = 128
    lr = 1e-3
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    data = datasets.MNIST("data", train=True, download=True,
                          transform=transforms.Compose([transforms.ToTensor(), lambda x: x * 2 - 1]))
    loader = DataLoader(data, batch_size=batch_size, shuffle=True)

    beta = torch.linspace(1e-4, 0.02, T).to(device)
    alpha = 1 - beta
    alpha_hat = torch.cumprod(alpha, 0)

    model = TinyUNet(T).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)

    for ep in range(epochs):
        total = 0.0
        for x, _ in loader:
            x = x.to(device)
            t = torch.randint(0, T, (x.shape[0],), device=device)
            n = torch.randn_like(x)
            a = alpha_hat[t].view(-1, 1, 1, 1)
            loss = F.mse_loss(model(a.sqrt() * x + (1 - a).sqrt() * n, t), n)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {ep}: {total / len(loader):.4f}")

    # sample a grid of 64 digits
    model.eval()
    with torch.no_grad():
        x = torch.randn(64, 1, 28, 28, device=device)
        for i in reversed(range(T)):
            t = torch.full((64,), i, device=device, dtype=torch.long)
            z = torch.randn_like(x) if i > 0 else torch.zeros_like(x)
            x = 1 / alpha[i].sqrt() * (x - beta[i] / (1 - alpha_hat[i]).sqrt() * model(x, t)) + beta[i].sqrt() * z
    torch.save({"model": model.state_dict(), "samples": x.cpu()}, "mnist_ddpm.pt")


if __name__ == "__main__":
    main()
