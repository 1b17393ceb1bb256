"""Character-level LSTM language model on Tiny Shakespeare (Karpathy's char-rnn)."""
import argparse
import os

import torch
import torch.nn as nn


class CharLSTM(nn.Module):
    def __init__(self, vocab_size, embed=128, hidden=512, layers=2, dropout=0.3):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, dropout=dropout, batch_first=True)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


def batches(data, batch_size, seq_len):
    n = (len(data) - 1) // (batch_size * seq_len)
    x = data[: n * batch_size * seq_len].view(batch_size, -1)
    y = data[1 : n * batch_size * seq_len + 1].view(batch_size, -1)
    for i in range(0, x.size(1), seq_len):
        yield x[:, i : i + seq_len], y[:, i : i + seq_len]


@torch.no_grad()
def generate(model, stoi, itos, device, prefix="ROMEO:", length=300):
    idx = torch.tensor([[stoi[c] for c in prefix]], device=device)
    logits, state = model(idx)
    out = list(prefix)
    for _ in range(length):
        nxt = torch.multinomial(torch.softmax(logits[:, -1] / 0.8, -1), 1)
        out.append(itos[nxt.item()])
        logits, state = model(nxt, state)
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/tinyshakespeare/input.txt")
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--seq-len", type=int, default=100)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--clip", type=float, default=5.0)
    args = ap.parse_args()

    device = "cuda" if torch.cuda.is_available() else "cpu"
    text = open(os.path.expanduser(args.data)).read()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    itos = dict(enumerate(chars))
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)

    model = CharLSTM(len(chars)).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.97)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(args.epochs):
        state = None
        for x, y in batches(data, args.batch_size, args.seq_len):
            x, y = x.to(device), y.to(device)
            logits, state = model(x, state)
            state = tuple(s.detach() for s in state)  # truncated BPTT
            loss = loss_fn(logits.reshape(-1, len(chars)), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
        sched.step()
        print(f"epoch {epoch} loss {loss.item():.3f}")
        print(generate(model, stoi, itos, device))
    torch.save(model.state_dict(), "char_lstm.pt")


if __name__ == "__main__":
    main()
