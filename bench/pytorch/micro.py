#!/usr/bin/python3
"""The ops of InfoPrune.Bench's `micro` command, at the same shapes, in PyTorch: median ms of forward + backward."""
import json
import sys
import time

import torch
import torch.nn.functional as F


def leaf(*shape):
    return torch.randn(*shape).requires_grad_(True)


def cases():
    yield "conv1_lenet", [leaf(128, 1, 28, 28), leaf(6, 1, 5, 5), leaf(6)], lambda t: F.conv2d(t[0], t[1], t[2], padding=2)
    yield "conv2_lenet", [leaf(128, 6, 14, 14), leaf(16, 6, 5, 5), leaf(16)], lambda t: F.conv2d(t[0], t[1], t[2])
    yield "maxpool_lenet", [leaf(128, 6, 28, 28)], lambda t: F.max_pool2d(t[0], 2, 2)
    yield "relu_lenet", [leaf(128, 6, 28, 28)], lambda t: F.relu(t[0])
    yield "linear_fc1", [leaf(128, 400), leaf(120, 400), leaf(120)], lambda t: F.linear(t[0], t[1], t[2])
    yield "conv_16x32x32", [leaf(128, 16, 28, 28), leaf(16, 16, 3, 3)], lambda t: F.conv2d(t[0], t[1], None, padding=1)
    yield "conv_64x7x7", [leaf(128, 64, 7, 7), leaf(64, 64, 3, 3)], lambda t: F.conv2d(t[0], t[1], None, padding=1)
    mean, var = torch.zeros(16), torch.ones(16)
    yield "batchnorm_16x28x28", [leaf(128, 16, 28, 28), leaf(16), leaf(16)], \
        lambda t: F.batch_norm(t[0], mean, var, t[1], t[2], training=True, momentum=0.1, eps=1e-5)


def main():
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    torch.manual_seed(0)
    results = {}
    for name, inputs, run in cases():
        def once():
            for t in inputs:
                if t.grad is not None:
                    t.grad.zero_()
            start = time.perf_counter()
            run(inputs).sum().backward()
            return (time.perf_counter() - start) * 1000
        for _ in range(5):
            once()
        times = sorted(once() for _ in range(50))
        results[name] = round(times[len(times) // 2], 3)
    print(json.dumps({"bench": "micro", "runtime": "pytorch", "median_ms": results}))


if __name__ == "__main__":
    main()
