"""A VAE read from what it computes: the reparameterization ``mu + exp(...) * eps`` and
the Gaussian KL term, whatever the names; a diffusion sampler's identical formula is not
a VAE."""

from __future__ import annotations

import textwrap

from msqd.extract import extract_source

# Plain names on purpose: no "reparameterize", no "logvar", no VAE class.
TORCH = """
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(784, 400)
        self.a = nn.Linear(400, 20)
        self.b = nn.Linear(400, 20)
        self.dec = nn.Linear(20, 784)

    def forward(self, x):
        h = torch.relu(self.enc(x))
        m, s = self.a(h), self.b(h)
        {sample}
        return torch.sigmoid(self.dec(z)), m, s

net = Net()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
for x, _ in loader:
    out, m, s = net(x)
    loss = ((out - x) ** 2).sum()
    loss.backward()
    opt.step()
"""


def _fams(src: str) -> list[str]:
    fams = extract_source(textwrap.dedent(src)).value("arch_family")
    return fams if isinstance(fams, list) else []


def test_mu_plus_exp_times_noise_is_a_vae() -> None:
    sample = "e = torch.randn(m.size()).to(x.device)\n        z = m + e * torch.exp(s / 2)"
    assert _fams(TORCH.replace("{sample}", sample))[:1] == ["vae"]


def test_the_method_chain_form_is_a_vae() -> None:
    sample = (
        "std = s.mul(0.5).exp_()\n        e = torch.randn_like(std)\n        z = e.mul(std).add_(m)"
    )
    assert _fams(TORCH.replace("{sample}", sample))[:1] == ["vae"]


def test_noise_scaled_by_a_constant_is_not_a_vae() -> None:
    # Denoising autoencoders add scaled noise to their input: no exponential, no VAE.
    sample = "z = m + 0.1 * torch.randn_like(m)"
    assert "vae" not in _fams(TORCH.replace("{sample}", sample))


def test_the_gaussian_kl_term_is_vae_evidence_in_any_names() -> None:
    src = """
    import tensorflow as tf

    def loss_fn(x, y, a, b):
        rec = tf.reduce_sum(tf.square(x - y), 1)
        kl = -0.5 * tf.reduce_sum(1 + b - tf.square(a) - tf.exp(b), 1)
        return tf.reduce_mean(rec + kl)

    opt = tf.keras.optimizers.Adam(1e-3)
    for x in ds:
        with tf.GradientTape() as tape:
            y, a, b = m(x)
            loss = loss_fn(x, y, a, b)
        grads = tape.gradient(loss, m.trainable_variables)
        opt.apply_gradients(zip(grads, m.trainable_variables))
    """
    assert "vae" in _fams(src)


def test_a_diffusion_sampler_drawing_the_same_formula_is_not_a_vae() -> None:
    src = """
    import torch

    betas = torch.linspace(1e-4, 0.02, 1000)
    alphas = 1 - betas
    abar = torch.cumprod(alphas, 0)

    def p_sample(model, x, t):
        mean, logvar = model(x, t)
        noise = torch.randn_like(x)
        return mean + torch.exp(0.5 * logvar) * noise

    opt = torch.optim.Adam(model.parameters(), lr=2e-4)
    for x0, _ in loader:
        t = torch.randint(0, 1000, (x0.shape[0],))
        noise = torch.randn_like(x0)
        a = abar[t].view(-1, 1, 1, 1)
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        loss = torch.nn.functional.mse_loss(model(xt, t), noise)
        loss.backward()
        opt.step()
    """
    fams = _fams(src)
    assert fams[:1] == ["diffusion"]
    assert "vae" not in fams and "latent-diffusion" not in fams
