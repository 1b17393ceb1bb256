"""A labelled query set over the demo corpus and the test fixture corpus, indexed together.

Keys name files, not model ids (both corpora have projects called
``mnist-diffusion``, so ids get ``~2`` suffixes in index order): ``demo/<path>``
is under daemon/msqd/demo_corpus, ``fix/<path>`` under tests/fixtures/corpus.

Grades: 2 = exactly what was asked, 1 = related (a reasonable person would not
mind seeing it lower down). Unlisted files are 0. A query with ``labels = {}`` has
no right answer: the table must be empty (rows hidden under the floor).
For comparisons ``sides`` holds one label dict per side, in question order.
Facts come from daemon/msqd/demo_corpus/README.md and the fixture files' own code.
"""

from __future__ import annotations

from typing import Any

# Demo corpus.
D_CATDOG = "demo/Generative-CIFAR-10-Cat-Dog/ddpm_v10.py"
D_ATTN = "demo/cifar10-diffusion-attention/train_unet_attn.py"
D_COND = "demo/cifar10-conditional-diffusion/cond_ddpm.py"
D_MNISTD = "demo/mnist-diffusion/train.py"
D_MNISTC = "demo/mnist-diffusion/conditional_mnist.py"
D_LATENT = "demo/Generative-Fashion-MNIST/latent_new_conditional_model.py"
D_FDDPM = "demo/Generative-Fashion-MNIST/ddpm_fashion_v2.py"
D_DCGAN = "demo/gan-celeba/dcgan.py"
D_VAE = "demo/vae-mnist/vae.py"
D_CNN = "demo/cifar-classifier/train.py"
D_RESNET = "demo/resnet-finetune/finetune_resnet50.py"
D_KERAS = "demo/keras-cnn/fashion_cnn_keras.py"
D_LIT = "demo/lightning-cifar/lit_resnet.py"
D_JAX = "demo/jax-mlp/flax_mlp.py"
D_SST = "demo/hf-text-classifier/train_sst2.py"
D_SK = "demo/sklearn-newsgroups/tfidf_pipeline.py"
D_CHAR = "demo/char-rnn/train.py"
D_DQN = "demo/rl-dqn/dqn_cartpole.py"
# Fixture corpus.
F_V10 = "fix/Generative-CIFAR-10-Cat-Dog/v10.py"
F_V7 = "fix/Generative-CIFAR-10-Cat-Dog/v7.py"
F_FDDPM = "fix/Generative-Fashion-MNIST/ddpm_fmnist.py"
F_LATENT = "fix/Generative-Fashion-MNIST/latent_new_conditional_model.py"
F_GRU = "fix/char-rnn/char_gru.py"
F_LSTM = "fix/char-rnn/char_lstm.py"
F_CNN = "fix/cnn-cifar10/train.py"
F_CNNAMP = "fix/cnn-cifar10/train_amp.py"
F_DCGAN = "fix/dcgan-celeba/dcgan.py"
F_FLOWERS = "fix/diffusers-flowers/train_unet.py"
F_CGAN = "fix/gan-experiments/cgan_mnist.py"
F_WGAN = "fix/gan-experiments/wgan_gp.py"
F_BERT = "fix/hf-nlp/bert_imdb.py"
F_GPT2 = "fix/hf-nlp/gpt2_wikitext.py"
F_IMDBLSTM = "fix/keras-experiments/imdb_lstm.py"
F_KMNIST = "fix/keras-experiments/mnist_cnn.py"
F_KRES = "fix/keras-experiments/resnet50_transfer.py"
F_LITMNIST = "fix/lightning-mnist/lit_classifier.py"
F_MNISTMODELS = "fix/mnist-diffusion/models.py"
F_MNISTD = "fix/mnist-diffusion/train.py"
F_RESNET = "fix/resnet-finetune/finetune_resnet50.py"
F_DQN = "fix/rl-cartpole/dqn.py"
F_PPO = "fix/rl-cartpole/ppo.py"
F_SB3 = "fix/rl-cartpole/sb3_lunar.py"
F_S2S = "fix/seq2seq-translation/seq2seq_gru.py"
F_NMT = "fix/seq2seq-translation/transformer_nmt.py"
F_SIAM = "fix/siamese-nets/siamese_mnist.py"
F_TRIP = "fix/siamese-nets/triplet_fmnist.py"
F_STYLE = "fix/style-transfer/neural_style.py"
F_ESPCN = "fix/super-resolution/espcn.py"
F_SRCNN = "fix/super-resolution/srcnn.py"
F_CVAE = "fix/vae-celeba/conv_vae_lightning.py"
F_VAE = "fix/vae-mnist/vae.py"
F_VIT = "fix/vit-cifar100/vit.py"
F_JAXCNN = "fix/jax-mnist/flax_cnn.py"

CIFAR_DIFFUSION = {D_CATDOG: 2, D_ATTN: 2, D_COND: 2, F_V10: 2, F_V7: 2}
MNIST_DIFFUSION = {D_MNISTD: 2, D_MNISTC: 2, F_MNISTD: 2, F_MNISTMODELS: 1}
FASHION_DIFFUSION = {D_LATENT: 2, D_FDDPM: 2, F_FDDPM: 2, F_LATENT: 2}
ALL_DIFFUSION = {**CIFAR_DIFFUSION, **MNIST_DIFFUSION, **FASHION_DIFFUSION, F_FLOWERS: 2}


def _related(labels: dict[str, int]) -> dict[str, int]:
    return {k: 1 for k in labels}


QUERIES: list[dict[str, Any]] = [
    # ---- comparisons, as people phrase them
    {"q": "diffusion cifar vs mnist", "sides": [CIFAR_DIFFUSION, MNIST_DIFFUSION]},
    {
        "q": "Can you please compare differences in architecture between my diffusion "
        "models on CIFAR-10 and MNIST?",
        "sides": [CIFAR_DIFFUSION, MNIST_DIFFUSION],
    },
    {
        "q": "diffusion models on the mnist family vs cifar",
        "sides": [{**MNIST_DIFFUSION, **FASHION_DIFFUSION}, CIFAR_DIFFUSION],
    },
    {"q": "gan vs vae on mnist", "sides": [{F_CGAN: 2}, {D_VAE: 2, F_VAE: 2}]},
    # ---- loose questions
    {
        "q": "which of my models used SGD with lr above 0.01?",
        "labels": {D_CNN: 2, F_CNN: 2, F_CNNAMP: 2},
    },
    {"q": "diffusion models trained on cifar", "labels": {**CIFAR_DIFFUSION}},
    {"q": "gan on celeba faces", "labels": {D_DCGAN: 2, F_DCGAN: 2, F_WGAN: 1, F_CGAN: 1}},
    {
        "q": "variational autoencoder",
        "labels": {D_VAE: 2, F_VAE: 2, F_CVAE: 2, D_LATENT: 1, F_LATENT: 1},
    },
    {"q": "vae trained on mnist", "labels": {D_VAE: 2, F_VAE: 2, F_CVAE: 1}},
    {"q": "reinforcement learning on cartpole", "labels": {D_DQN: 2, F_DQN: 2, F_PPO: 2, F_SB3: 1}},
    {"q": "replay buffer and target network", "labels": {D_DQN: 2, F_DQN: 2}},
    {
        "q": "character level language model on shakespeare",
        "labels": {D_CHAR: 2, F_LSTM: 2, F_GRU: 2, F_GPT2: 1},
    },
    {"q": "sentiment classification", "labels": {D_SST: 2, F_BERT: 2, F_IMDBLSTM: 2}},
    {"q": "fine-tune bert with hugging face", "labels": {F_BERT: 2, D_SST: 2, F_GPT2: 1}},
    {"q": "keras models", "labels": {D_KERAS: 2, F_IMDBLSTM: 2, F_KMNIST: 2, F_KRES: 2}},
    {"q": "pytorch lightning", "labels": {D_LIT: 2, F_LITMNIST: 2, F_CVAE: 2}},
    {"q": "jax flax", "labels": {D_JAX: 2, F_JAXCNN: 2}},
    {"q": "scikit-learn text classification pipeline", "labels": {D_SK: 2}},
    {"q": "resnet fine-tuning on oxford pets", "labels": {D_RESNET: 2, F_RESNET: 2, F_KRES: 1}},
    {
        "q": "class-conditional diffusion",
        "labels": {
            D_COND: 2,
            D_MNISTC: 2,
            D_LATENT: 2,
            F_V10: 2,
            F_LATENT: 2,
            **_related({D_CATDOG: 1, D_ATTN: 1, D_MNISTD: 1, F_V7: 1, F_MNISTD: 1}),
        },
    },
    {"q": "latent diffusion with a vae", "labels": {D_LATENT: 2, F_LATENT: 2}},
    {"q": "unet with self-attention", "labels": {D_ATTN: 2, F_V10: 2, F_FLOWERS: 1}},
    {
        "q": "mnist family",
        "labels": {
            k: 2
            for k in (
                D_MNISTD,
                D_MNISTC,
                D_LATENT,
                D_FDDPM,
                D_VAE,
                D_KERAS,
                D_JAX,
                F_FDDPM,
                F_LATENT,
                F_CGAN,
                F_KMNIST,
                F_LITMNIST,
                F_MNISTD,
                F_SIAM,
                F_TRIP,
                F_VAE,
                F_JAXCNN,
            )
        },
    },
    {"q": "translation model with a transformer", "labels": {F_NMT: 2, F_S2S: 1}},
    {"q": "seq2seq encoder-decoder with attention", "labels": {F_S2S: 2, F_NMT: 1}},
    {"q": "siamese network with contrastive loss", "labels": {F_SIAM: 2, F_TRIP: 1}},
    {"q": "neural style transfer", "labels": {F_STYLE: 2}},
    {"q": "super resolution", "labels": {F_ESPCN: 2, F_SRCNN: 2}},
    {"q": "vision transformer on cifar-100", "labels": {F_VIT: 2, F_CNNAMP: 1}},
    {"q": "wasserstein gan with gradient penalty", "labels": {F_WGAN: 2, F_DCGAN: 1}},
    {"q": "ppo agent", "labels": {F_PPO: 2, F_SB3: 2, D_DQN: 1, F_DQN: 1}},
    {"q": "gpt-2 language model", "labels": {F_GPT2: 2, D_CHAR: 1, F_LSTM: 1}},
    {"q": "flower generation with diffusers", "labels": {F_FLOWERS: 2}},
    # ---- typos
    {"q": "difusion cifr", "labels": {**CIFAR_DIFFUSION, **_related(MNIST_DIFFUSION)}},
    {"q": "varational autoencoder", "labels": {D_VAE: 2, F_VAE: 2, F_CVAE: 2, D_LATENT: 1}},
    {"q": "reinforcment learning", "labels": {D_DQN: 2, F_DQN: 2, F_PPO: 2, F_SB3: 2}},
    # ---- no right answer: the table must say so, not pad with noise
    {"q": "diffusion on ImageNet with TPUs", "labels": {}},
    {"q": "speech recognition with wav2vec on librispeech", "labels": {}},
    {"q": "graph neural network for molecules", "labels": {}},
    {"q": "object detection with yolo on coco", "labels": {}},
]
