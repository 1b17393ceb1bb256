# Fine-tune an ImageNet ResNet-50 on the Oxford-IIIT Pet breeds (37 classes).
# First 3 epochs: only the new head trains; then everything, at a lower LR.
import time

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, models, transforms


def pick_device():
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def main():
    num_classes = 37
    batch_size = 32
    epochs = 15
    warmup_epochs = 3
    lr = 0.01
    device = pick_device()

    norm = transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    train_tf = transforms.Compose([transforms.RandomResizedCrop(224), transforms.RandomHorizontalFlip(),
                                   transforms.ColorJitter(0.2, 0.2, 0.2), transforms.ToTensor(), norm])
    val_tf = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(), norm])
    train_ds = datasets.OxfordIIITPet("data/pets", split="trainval", download=True, transform=train_tf)
    val_ds = datasets.OxfordIIITPet("data/pets", split="test", download=True, transform=val_tf)
    train_dl = DataLoader(train_ds, batch_size=batch_size, shuffle=True, num_workers=8)
    val_dl = DataLoader(val_ds, batch_size=64, num_workers=8)

    model = models.resnet50(weights=models.ResNet50_Weights.IMAGENET1K_V2)
    for p in model.parameters():
        p.requires_grad = False
    model.fc = nn.Linear(model.fc.in_features, num_classes)
    model = model.to(device)

    optimizer = torch.optim.SGD(model.fc.parameters(), lr=lr, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.1)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(epochs):
        if epoch == warmup_epochs:
            for p in model.parameters():
                p.requires_grad = True
            optimizer = torch.optim.SGD(model.parameters(), lr=lr / 10, momentum=0.9, weight_decay=1e-4)
            scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.1)
        start = time.time()
        model.train()
        for images, labels in train_dl:
            images, labels = images.to(device), labels.to(device)
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
        scheduler.step()

        model.eval()
        correct = 0
        with torch.no_grad():
            for images, labels in val_dl:
                correct += (model(images.to(device)).argmax(1).cpu() == labels).sum().item()
        print(f"epoch {epoch} loss {loss.item():.3f} val acc {correct / len(val_ds):.3f} ({time.time() - start:.0f}s)")

    torch.save(model.state_dict(), "resnet50_pets.pt")


if __name__ == "__main__":
    main()
