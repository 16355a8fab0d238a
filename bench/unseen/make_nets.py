#!/usr/bin/python3
"""Networks InfoPrune has not seen, trained on Fashion-MNIST and exported twice, as users ship them.

    /usr/bin/python3 bench/unseen/make_nets.py OUT_DIR [--epochs 3] [--threads 2] [--nets vgg,inception,mobilenet]

For each net, OUT_DIR gets
  NAME.onnx      eval-mode export with constant folding: PyTorch folds every BatchNorm into the
                 convolution before it (the file teams ship);
  NAME_bn.onnx   the same weights exported keeping BatchNormalization nodes;
  NAME.json      the architecture's name, test accuracy, parameter count, training time.

The nets are small (28x28 inputs, CPU training in minutes) but have the shapes that matter:
  vgg        conv-BN-ReLU pairs, max-pooling, a fully connected head behind a Flatten;
  inception  parallel branches (1x1, 1x1-3x3, pool-1x1) joined by Concat, twice, global pooling;
  mobilenet  depthwise-separable blocks (depthwise 3x3 + pointwise 1x1, BN, ReLU6 exported as Clip),
             strided depthwise downsampling, global pooling.
Training: Adam 1e-3, cosine to 0 per step, batch 128, seed 42, input pixel/255 (as ../shared/models).
Run with Debian's /usr/bin/python3 (python3-torch 1.13).
"""
import argparse
import gzip
import json
import math
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        zero, dtype, rank = struct.unpack(">HBB", f.read(4))
        if zero != 0 or dtype != 0x08:
            raise ValueError(f"{path}: not an unsigned-byte IDX file")
        shape = struct.unpack(">" + "I" * rank, f.read(4 * rank))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(shape)


def split(prefix):
    images = torch.from_numpy(read_idx(os.path.join(DATA, f"{prefix}-images-idx3-ubyte.gz")).copy()).unsqueeze(1).float() / 255
    labels = torch.from_numpy(read_idx(os.path.join(DATA, f"{prefix}-labels-idx1-ubyte.gz")).astype(np.int64))
    return images, labels


def conv_bn(cin, cout, k=3, stride=1, groups=1, act=nn.ReLU):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout), act())


class Vgg(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(conv_bn(1, 16), conv_bn(16, 16), nn.MaxPool2d(2),
                                      conv_bn(16, 32), conv_bn(32, 32), nn.MaxPool2d(2),
                                      conv_bn(32, 64), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(64 * 3 * 3, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return self.head(self.features(x))


class InceptionBlock(nn.Module):
    def __init__(self, cin, b1, b2_mid, b2, b3):
        super().__init__()
        self.one = conv_bn(cin, b1, k=1)
        self.three = nn.Sequential(conv_bn(cin, b2_mid, k=1), conv_bn(b2_mid, b2))
        self.pool = nn.Sequential(nn.MaxPool2d(3, 1, 1), conv_bn(cin, b3, k=1))

    def forward(self, x):
        return torch.cat([self.one(x), self.three(x), self.pool(x)], 1)


class Inception(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(1, 24), nn.MaxPool2d(2))
        self.a = InceptionBlock(24, 16, 16, 24, 8)    # 48 out
        self.down = nn.MaxPool2d(2)
        self.b = InceptionBlock(48, 24, 24, 32, 16)   # 72 out
        self.head = nn.Linear(72, 10)

    def forward(self, x):
        x = self.b(self.down(self.a(self.stem(x))))
        return self.head(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class MobileNet(nn.Module):
    def __init__(self):
        super().__init__()

        def separable(cin, cout, stride):
            return nn.Sequential(conv_bn(cin, cin, stride=stride, groups=cin, act=nn.ReLU6), conv_bn(cin, cout, k=1, act=nn.ReLU6))

        self.features = nn.Sequential(conv_bn(1, 16, act=nn.ReLU6), separable(16, 32, 1), separable(32, 64, 2),
                                      separable(64, 64, 1), separable(64, 128, 2), separable(128, 128, 1))
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        return self.head(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


NETS = {"vgg": Vgg, "inception": Inception, "mobilenet": MobileNet}


def train(model, images, labels, epochs, batch=128, lr=1e-3, seed=42):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    steps_per_epoch = len(images) // batch
    total = steps_per_epoch * epochs
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    step = 0
    for _ in range(epochs):
        order = torch.randperm(len(images), generator=generator)
        for i in range(steps_per_epoch):
            index = order[i * batch:(i + 1) * batch]
            for group in optimizer.param_groups:
                group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * step / total))
            loss = F.cross_entropy(model(images[index]), labels[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
    model.eval()


@torch.no_grad()
def accuracy(model, images, labels):
    model.eval()
    correct = sum((model(images[i:i + 1000]).argmax(1) == labels[i:i + 1000]).sum().item() for i in range(0, len(images), 1000))
    return correct / len(images)


def export(model, path, keep_bn):
    example = torch.zeros(1, 1, 28, 28)
    kwargs = dict(input_names=["input"], output_names=["logits"], opset_version=13,
                  dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    if keep_bn:
        # Training mode PRESERVE on an eval-mode module with folding off keeps the normalisers as nodes.
        torch.onnx.export(model, example, path, do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE, **kwargs)
    else:
        torch.onnx.export(model, example, path, do_constant_folding=True, **kwargs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--nets", default=",".join(NETS))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    train_images, train_labels = split("train")
    test_images, test_labels = split("t10k")
    for name in args.nets.split(","):
        torch.manual_seed(42)
        model = NETS[name]()
        start = time.perf_counter()
        train(model, train_images, train_labels, args.epochs)
        seconds = time.perf_counter() - start
        acc = accuracy(model, test_images, test_labels)
        export(model, os.path.join(args.out, f"{name}.onnx"), keep_bn=False)
        export(model, os.path.join(args.out, f"{name}_bn.onnx"), keep_bn=True)
        info = {"net": name, "test_accuracy": acc, "params": sum(p.numel() for p in model.parameters()),
                "epochs": args.epochs, "train_seconds": round(seconds, 1)}
        with open(os.path.join(args.out, f"{name}.json"), "w") as f:
            json.dump(info, f, indent=1)
        print(json.dumps(info), flush=True)


if __name__ == "__main__":
    main()
