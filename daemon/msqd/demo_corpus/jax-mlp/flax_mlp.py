# MLP on MNIST with JAX + Flax + Optax. Runs on CPU on purpose: the GPU box is busy.
import jax

jax.config.update("jax_platform_name", "cpu")

import jax.numpy as jnp
import numpy as np
import optax
import tensorflow_datasets as tfds
from flax import linen as nn
from flax.training import train_state

LEARNING_RATE = 1e-3
BATCH_SIZE = 256
NUM_EPOCHS = 10
HIDDEN = (512, 256)


class MLP(nn.Module):
    hidden: tuple = HIDDEN
    num_classes: int = 10

    @nn.compact
    def __call__(self, x, train: bool = True):
        x = x.reshape((x.shape[0], -1))
        for width in self.hidden:
            x = nn.relu(nn.Dense(width)(x))
            x = nn.Dropout(0.2, deterministic=not train)(x)
        return nn.Dense(self.num_classes)(x)


def load():
    ds = tfds.as_numpy(tfds.load("mnist", split=["train", "test"], batch_size=-1))
    (xtr, ytr), (xte, yte) = [(d["image"].astype(np.float32) / 255.0, d["label"]) for d in ds]
    return xtr, ytr, xte, yte


@jax.jit
def train_step(state, x, y, rng):
    def loss_fn(params):
        logits = state.apply_fn({"params": params}, x, rngs={"dropout": rng})
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()
    loss, grads = jax.value_and_grad(loss_fn)(state.params)
    return state.apply_gradients(grads=grads), loss


@jax.jit
def accuracy(state, x, y):
    logits = state.apply_fn({"params": state.params}, x, train=False)
    return jnp.mean(jnp.argmax(logits, -1) == y)


def main():
    xtr, ytr, xte, yte = load()
    rng = jax.random.PRNGKey(0)
    model = MLP()
    params = model.init(rng, jnp.ones((1, 28, 28, 1)), train=False)["params"]
    state = train_state.TrainState.create(apply_fn=model.apply, params=params, tx=optax.adam(LEARNING_RATE))
    steps = len(xtr) // BATCH_SIZE
    for epoch in range(NUM_EPOCHS):
        perm = np.random.permutation(len(xtr))
        for i in range(steps):
            idx = perm[i * BATCH_SIZE:(i + 1) * BATCH_SIZE]
            rng, sub = jax.random.split(rng)
            state, loss = train_step(state, xtr[idx], ytr[idx], sub)
        print(f"epoch {epoch}: loss {loss:.4f} test acc {accuracy(state, xte, yte):.4f}")


if __name__ == "__main__":
    main()
