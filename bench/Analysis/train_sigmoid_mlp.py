"""Trains the neuron-importance paper's network shape (784-100-100-10, sigmoid) on Fashion-MNIST
and exports it the way shared/models were exported (opset 13, input `input` [N,1,28,28],
output `logits`, dynamic batch), so `infoprune analyze` can be checked on a sigmoid net.

Run with Debian's python (python3-torch 1.13):  /usr/bin/python3 train_sigmoid_mlp.py OUT.onnx
"""
import gzip
import sys

import numpy as np
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(split):
    images = read_idx(f"{DATA}/{split}-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0
    labels = read_idx(f"{DATA}/{split}-labels-idx1-ubyte.gz", 8).astype(np.int64)
    return torch.from_numpy(images), torch.from_numpy(labels)


def main(out_path, epochs=5, seed=1):
    torch.manual_seed(seed)
    x_train, y_train = load("train")
    x_test, y_test = load("t10k")
    model = nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 100), nn.Sigmoid(),
        nn.Linear(100, 100), nn.Sigmoid(),
        nn.Linear(100, 10),
    )
    # The paper: Adam, learning rate 0.001, batch size 32, cross-entropy with L2 regularization.
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x_train))
        total = 0.0
        for start in range(0, len(order), 32):
            idx = order[start:start + 32]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
        print(f"epoch {epoch + 1}: loss {total / len(x_train):.4f}, test accuracy {accuracy:.4f}", flush=True)

    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), out_path, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True)
    print(f"wrote {out_path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sigmoid_mlp.onnx")
