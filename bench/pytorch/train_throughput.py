#!/usr/bin/python3
"""Training throughput of lenet5 and resnet20 in PyTorch: the baseline for InfoPrune's executor.

Standalone it prints one JSON line per model. With --serve it is driven by the C# benchmark
(`InfoPrune.Bench training --pytorch`), which alternates short blocks of PyTorch steps and
InfoPrune steps in the same minute so that load from other users of the machine falls on both
alike; the protocol is one command per line on stdin, one JSON reply per line on stdout:
  load <model>           -> {"ok": true, "params": n}
  steps <first> <count>  -> {"step_seconds": [...], "loss": x}   (batches first .. first+count-1)
  quit

The architectures are those of ../shared/models (checked against the ONNX graphs with
`InfoPrune.Bench describe`); the steps are the C# benchmark's: batch 128 of real Fashion-MNIST
train images (consecutive batches from the start, x = pixel/255), cross-entropy, backward, SGD
(lr 0.01, momentum 0.9), warm-up steps then timed steps, on the same thread count. Prints one
JSON line per model. Run with Debian's /usr/bin/python3 (python3-torch).
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    # lenet5.onnx: Conv(6,5x5,pad 2)-Relu-MaxPool(2)-Conv(16,5x5)-Relu-MaxPool(2)-Flatten-Gemm(120)-Relu-Gemm(84)-Relu-Gemm(10)
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class BasicBlock(nn.Module):
    # resnet20_bn.onnx: conv3x3-BN-Relu-conv3x3-BN, + identity or (1x1 conv stride s)-BN shortcut, Relu; convs without bias.
    def __init__(self, cin, cout, stride, batch_norm):
        super().__init__()
        norm = (lambda c: nn.BatchNorm2d(c)) if batch_norm else (lambda c: nn.Identity())
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=not batch_norm)
        self.bn1 = norm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=not batch_norm)
        self.bn2 = norm(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=not batch_norm), norm(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


class ResNet20(nn.Module):
    # 16/32/64 channels, 3 blocks per stage, stride 2 at stages 2 and 3, global average pool, fc 64->10.
    # batch_norm=False is resnet20.onnx: BN folded into the convs, which then carry biases.
    def __init__(self, batch_norm=True):
        super().__init__()
        norm = (lambda c: nn.BatchNorm2d(c)) if batch_norm else (lambda c: nn.Identity())
        self.conv1 = nn.Conv2d(1, 16, 3, 1, 1, bias=not batch_norm)
        self.bn1 = norm(16)
        layers, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            blocks = []
            for i in range(3):
                blocks.append(BasicBlock(cin, cout, stride if i == 0 else 1, batch_norm))
                cin = cout
            layers.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = layers
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(x)


MODELS = {
    "lenet5": LeNet5,
    "resnet20_bn": lambda: ResNet20(batch_norm=True),
    "resnet20": lambda: ResNet20(batch_norm=False),
}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        zero, dtype, rank = struct.unpack(">HBB", f.read(4))
        if zero != 0 or dtype != 0x08:
            raise ValueError(f"{path}: not an unsigned-byte IDX file")
        shape = struct.unpack(">" + "I" * rank, f.read(4 * rank))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(shape)


def load_train(directory):
    images = torch.from_numpy(read_idx(os.path.join(directory, "train-images-idx3-ubyte.gz")).copy()).unsqueeze(1)
    labels = torch.from_numpy(read_idx(os.path.join(directory, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    return images, labels


def batch_at(images, labels, index, size):
    # Same batches as the C# bench: consecutive, wrapping, scaled per batch.
    batches = labels.shape[0] // size
    start = index % batches * size
    return images[start:start + size].float().div_(255.0), labels[start:start + size]


class Trainer:
    def __init__(self, name, images, labels, batch):
        self.model = MODELS[name]()
        self.model.train()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.01, momentum=0.9)
        self.images, self.labels, self.batch = images, labels, batch

    def steps(self, first, count):
        """Runs `count` training steps; returns each step's wall time and the last loss."""
        times, last_loss = [], float("nan")
        for step in range(first, first + count):
            start = time.perf_counter()
            x, y = batch_at(self.images, self.labels, step, self.batch)
            self.optimizer.zero_grad()
            loss = F.cross_entropy(self.model(x), y)
            loss.backward()
            self.optimizer.step()
            # item() as a logging loop would; on the CPU it also ends the step's work.
            last_loss = loss.item()
            times.append(time.perf_counter() - start)
        return times, last_loss


def run_model(name, images, labels, batch, warmup, steps):
    trainer = Trainer(name, images, labels, batch)
    trainer.steps(0, warmup)
    times, last_loss = trainer.steps(warmup, steps)
    seconds = sum(times)
    return {
        "bench": "training", "runtime": "pytorch", "model": name, "batch": batch,
        "warmup": warmup, "steps": steps, "seconds": round(seconds, 4),
        "images_per_s": round(steps * batch / seconds, 1),
        "images_per_s_median_step": round(batch / sorted(times)[len(times) // 2], 1),
        "last_loss": round(last_loss, 4),
        "threads": torch.get_num_threads(), "torch": torch.__version__,
    }


def serve(images, labels, batch):
    trainer = None
    for line in iter(input_line, None):
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "load":
            trainer = Trainer(words[1], images, labels, batch)
            reply = {"ok": True, "params": sum(p.numel() for p in trainer.model.parameters()),
                     "threads": torch.get_num_threads(), "torch": torch.__version__}
        elif words[0] == "steps":
            times, last_loss = trainer.steps(int(words[1]), int(words[2]))
            reply = {"step_seconds": times, "loss": last_loss}
        else:
            reply = {"error": f"unknown command {words[0]}"}
        print(json.dumps(reply), flush=True)


def input_line():
    try:
        return input()
    except EOFError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", default=["lenet5", "resnet20_bn", "resnet20"])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int)
    parser.add_argument("--steps", type=int)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--serve", action="store_true", help="take commands on stdin (see the module doc)")
    args = parser.parse_args()

    # Debian's build defaults to one thread here; the C# side runs on the same count.
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    images, labels = load_train(args.data)
    if args.serve:
        serve(images, labels, args.batch)
        return
    for name in args.models:
        small = name.startswith("lenet")
        warmup = args.warmup if args.warmup is not None else (5 if small else 3)
        steps = args.steps if args.steps is not None else (30 if small else 10)
        print(json.dumps(run_model(name, images, labels, args.batch, warmup, steps)), flush=True)


if __name__ == "__main__":
    main()
