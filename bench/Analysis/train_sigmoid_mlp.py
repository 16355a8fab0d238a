"""Trains the neuron-importance paper's network shape (784-100-100-10, sigmoid) on Fashion-MNIST
and exports it the way shared/models were exported (opset 13, input `input` [N,1,28,28],
output `logits`, dynamic batch), so `infoprune analyze` can be checked on sigmoid nets we did not
tune the method on.

The paper's protocol (Section 5): 50,000 training images (10,000 held back as the validation set
the measures are computed on), Adam with learning rate 0.001, batch size 32, cross-entropy plus
L2 regularization, implemented in Keras. Keras' `l2(λ)` adds λ·Σw² of each kernel to the batch's
mean loss; `--l2` does exactly that here, so the λ values match what a Keras user would write.

Run with Debian's python (python3-torch 1.13):
  /usr/bin/python3 train_sigmoid_mlp.py OUT.onnx [--l2 1e-4] [--epochs 10] [--seed 1] [--init keras]
      [--optimizer sgd --lr 0.1 --batch 64] [--npz WEIGHTS.npz]
"""
import argparse
import gzip

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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--l2", type=float, default=0.0, help="Keras-style λ: loss += λ·Σw² over the kernels")
    parser.add_argument("--weight-decay", type=float, default=1e-5, help="Adam's own weight decay (PyTorch style)")
    parser.add_argument("--train-size", type=int, default=50000)
    parser.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--init", choices=["torch", "keras"], default="torch",
                        help="keras: Glorot-uniform kernels and zero biases, Keras' defaults (the paper used Keras)")
    parser.add_argument("--npz", help="also save the weights here, for cross-checks in numpy")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    x_train, y_train = load("train")
    x_train, y_train = x_train[:args.train_size], y_train[:args.train_size]
    x_test, y_test = load("t10k")
    model = nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 100), nn.Sigmoid(),
        nn.Linear(100, 100), nn.Sigmoid(),
        nn.Linear(100, 10),
    )
    if args.init == "keras":
        for layer in model:
            if isinstance(layer, nn.Linear):
                nn.init.xavier_uniform_(layer.weight)
                nn.init.zeros_(layer.bias)
    kernels = [m.weight for m in model if isinstance(m, nn.Linear)]
    if args.optimizer == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(x_train))
        total = 0.0
        for start in range(0, len(order), args.batch):
            idx = order[start:start + args.batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            if args.l2 > 0:
                loss = loss + args.l2 * sum((w * w).sum() for w in kernels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
        print(f"epoch {epoch + 1}: loss {total / len(x_train):.4f}, test accuracy {accuracy:.4f}", flush=True)

    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), args.out, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True)
    if args.npz:
        np.savez(args.npz, **{k.replace(".", "_"): v.detach().numpy() for k, v in model.state_dict().items()})
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
