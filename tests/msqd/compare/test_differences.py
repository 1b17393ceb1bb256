"""Key differences, asserted line by line."""

from __future__ import annotations

from msqd.compare.differences import key_differences

from .cards import cifar_ddpm, fashion_ldm, mnist_ddpm

CIFAR = "Generative-CIFAR-10-Cat-Dog/v10"
MNIST = "Generative-MNIST/ddpm_mnist"
FASHION = "Generative-Fashion-MNIST/latent_new_conditional_model"


def test_cifar_vs_mnist_exact():
    diffs = key_differences([(cifar_ddpm(), 0), (mnist_ddpm(), 1)])
    assert [(d.category, d.text) for d in diffs] == [
        ("architecture", f"Attention: present in {CIFAR} (AttnBlock; MultiheadAttention x1) "
                         f"and absent in {MNIST}."),
        ("architecture", f"Residual blocks: present in {CIFAR} (ResBlock) and absent in {MNIST}."),
        ("architecture", f"Components: {CIFAR} defines UNet, ResBlock, AttnBlock; "
                         f"{MNIST} defines SimpleUNet."),
        ("architecture", f"Layer counts: {CIFAR} has Conv2d x4, GroupNorm x3, Linear x3, "
                         f"MultiheadAttention x1; {MNIST} has Conv2d x6, BatchNorm2d x4, "
                         "ConvTranspose2d x2, Linear x1."),
        ("architecture", f"Timesteps: {CIFAR} uses 1000, {MNIST} uses 500 (-500)."),
        ("architecture", f"Beta schedule: {CIFAR} uses cosine, {MNIST} uses linear."),
        ("data", f"Dataset: {CIFAR} uses CIFAR-10 (cat, dog); {MNIST} uses MNIST."),
        ("data", f"Image size: {CIFAR} uses 32, {MNIST} uses 28 (-4)."),
        ("training", f"Batch size: {CIFAR} uses 128, {MNIST} uses 64 (-64)."),
        ("training", f"Learning rate: {CIFAR} uses 2e-4, {MNIST} uses 1e-3 (x5)."),
        ("training", f"Scheduler: {CIFAR} uses CosineAnnealingLR; none found in {MNIST}."),
        ("training", f"Epochs: {CIFAR} uses 300, {MNIST} uses 100 (-200, /3)."),
        ("hardware", f"Device: {CIFAR} uses cuda, mps, cpu; {MNIST} uses cuda, cpu."),
    ]  # fmt: skip
    assert all(d.model_ids == [CIFAR, MNIST] for d in diffs)


def test_reversed_order_reverses_ratios():
    diffs = {
        d.text.split(":")[0]: d.text
        for d in key_differences([(mnist_ddpm(), 0), (cifar_ddpm(), 1)])
    }
    assert diffs["Learning rate"] == f"Learning rate: {MNIST} uses 1e-3, {CIFAR} uses 2e-4 (/5)."
    assert diffs["Epochs"] == f"Epochs: {MNIST} uses 100, {CIFAR} uses 300 (+200, x3)."
    assert diffs["Attention"] == (
        f"Attention: present in {CIFAR} (AttnBlock; MultiheadAttention x1) and absent in {MNIST}."
    )


def test_three_models_grouped_by_side():
    cols = [(cifar_ddpm(), 0), (mnist_ddpm(), 1), (fashion_ldm(), 1)]
    texts = [d.text for d in key_differences(cols, ["diffusion + CIFAR-10", "diffusion + MNIST"])]
    side2 = f"side 2 ({MNIST}, {FASHION})"
    assert texts == [
        f"Architecture family: {CIFAR}, {MNIST} use diffusion; {FASHION} uses latent-diffusion.",
        f"Attention: present in {CIFAR} (AttnBlock; MultiheadAttention x1) and absent in {side2}.",
        f"Residual blocks: present in {CIFAR} (ResBlock), {FASHION} (ResBlock) "
        f"and absent in {MNIST}.",
        f"Latent autoencoder: present in {FASHION} (VAE) and absent in {CIFAR}, {MNIST}.",
        f"Class conditioning: present in {FASHION} and absent in {CIFAR}, {MNIST}.",
        f"Components: {CIFAR} defines UNet, ResBlock, AttnBlock; {MNIST} defines SimpleUNet; "
        f"{FASHION} defines VAE, LatentUNet, ResBlock.",
        f"Layer counts: {CIFAR} has Conv2d x4, GroupNorm x3, Linear x3; {MNIST} has Conv2d x6, "
        f"BatchNorm2d x4, ConvTranspose2d x2, Linear x1; {FASHION} has Conv2d x10, GroupNorm x6, "
        "Linear x4, ConvTranspose2d x2, Embedding x1.",
        f"Timesteps: {CIFAR}, {FASHION} use 1000; {MNIST} uses 500 (-500).",
        f"Beta schedule: {CIFAR} uses cosine; {side2} use linear.",
        f"Dataset: {CIFAR} uses CIFAR-10 (cat, dog); {MNIST} uses MNIST; "
        f"{FASHION} uses Fashion-MNIST.",
        f"Image size: {CIFAR} uses 32; {side2} use 28 (-4).",
        f"Batch size: {CIFAR} uses 128; {side2} use 64 (-64).",
        f"Learning rate: {CIFAR} uses 2e-4, {MNIST} uses 1e-3 (x5), {FASHION} uses 1e-4 (/2).",
        f"Optimizer: {CIFAR}, {MNIST} use Adam; {FASHION} uses AdamW (also Adam).",
        f"Weight decay: {FASHION} uses 0.01; none found in {CIFAR}, {MNIST}.",
        f"Scheduler: {CIFAR} uses CosineAnnealingLR; none found in {side2}.",
        f"Epochs: {CIFAR} uses 300, {MNIST} uses 100 (-200, /3), {FASHION} uses 50 (-250, /6).",
        f"Loss: {CIFAR}, {MNIST} use MSELoss; {FASHION} uses MSELoss, CrossEntropyLoss.",
        f"Device: {CIFAR} uses cuda, mps, cpu; {side2} use cuda, cpu.",
    ]  # fmt: skip


def test_missing_components_are_unknown_not_absent():
    bare = mnist_ddpm()
    bare.components = []
    texts = [d.text for d in key_differences([(cifar_ddpm(), 0), (bare, 1)])]
    # Without components nothing can be said about attention or layer counts...
    assert not any(t.startswith(("Attention:", "Layer counts:", "Components:")) for t in texts)
    # ...but the values still differ.
    assert f"Learning rate: {CIFAR} uses 2e-4, {MNIST} uses 1e-3 (x5)." in texts


def test_same_model_twice_has_no_differences():
    a, b = cifar_ddpm(), cifar_ddpm()
    b.model_id = "Copy/v10"
    assert key_differences([(a, 0), (b, 1)]) == []
    assert key_differences([(a, 0)]) == []


def test_deterministic():
    cols = [(cifar_ddpm(), 0), (mnist_ddpm(), 1), (fashion_ldm(), 1)]
    assert key_differences(cols) == key_differences(cols)
