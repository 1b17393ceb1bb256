"""ResNet-18 on CIFAR-10 as a LightningModule, two GPUs with DDP and bf16."""
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torch.utils.data import DataLoader, random_split
from torchvision import transforms


class LitResNet(L.LightningModule):
    def __init__(self, lr=1e-3, weight_decay=5e-2, max_epochs=40):
        super().__init__()
        self.save_hyperparameters()
        net = torchvision.models.resnet18(num_classes=10)
        # CIFAR images are 32x32: a 3x3 stem without max-pool keeps the resolution.
        net.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
        net.maxpool = nn.Identity()
        self.model = net

    def forward(self, x):
        return self.model(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = F.cross_entropy(self(x), y)
        self.log("train_loss", loss, prog_bar=True)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        self.log("val_loss", F.cross_entropy(logits, y), sync_dist=True)
        self.log("val_acc", (logits.argmax(1) == y).float().mean(), sync_dist=True, prog_bar=True)

    def configure_optimizers(self):
        opt = torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)
        sched = torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=self.hparams.lr * 10, total_steps=self.trainer.estimated_stepping_batches)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}


class CIFARData(L.LightningDataModule):
    def __init__(self, batch_size=256):
        super().__init__()
        self.batch_size = batch_size
        self.tf = transforms.Compose([transforms.RandomCrop(32, 4), transforms.RandomHorizontalFlip(),
                                      transforms.ToTensor()])

    def setup(self, stage=None):
        full = torchvision.datasets.CIFAR10("data", train=True, download=True, transform=self.tf)
        self.train, self.val = random_split(full, [45000, 5000], generator=torch.Generator().manual_seed(42))

    def train_dataloader(self):
        return DataLoader(self.train, batch_size=self.batch_size, shuffle=True, num_workers=8)

    def val_dataloader(self):
        return DataLoader(self.val, batch_size=self.batch_size, num_workers=8)


if __name__ == "__main__":
    L.seed_everything(42)
    trainer = L.Trainer(
        max_epochs=40,
        accelerator="gpu",
        devices=2,
        strategy="ddp",
        precision="bf16-mixed",
        log_every_n_steps=20,
    )
    trainer.fit(LitResNet(lr=1e-3, max_epochs=40), datamodule=CIFARData(batch_size=256))
