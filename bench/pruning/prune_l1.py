#!/usr/bin/python3
"""The PyTorch side of the pruning benchmark: InfoPrune's `l1` recipe written by hand.

    /usr/bin/python3 bench/pruning/prune_l1.py lenet5 --weights lenet5.npz [--epochs 2] [--threads 2]

Load the trained weights (an .npz from `InfoPrune.Bench export-weights MODEL OUT.npz`, in the
order the ONNX graph reads them), evaluate on the 10k test set, score channel groups by L1 norm,
remove channels by global ranking until MACs <= target, slice the tensors into a new smaller
module, fine-tune (Adam, cosine per step, batch 128, seed 42), evaluate again. Prints one JSON
line: seconds per phase, MACs/params and accuracy before and after, channels kept per group.

The recipe follows InfoPrune's own rules so the two sides do the same work:
- a channel group is every slice removed together: a layer's output channels (weight rows,
  bias), the BatchNorm after it, and the next layers' input slices (a Flatten turns a channel
  into a block of H*W inputs of the Gemm); the residual stages of ResNet couple the producers
  of every branch added together into one group, whose consumers are all the readers of the sum;
- a channel's score is the L1 norm of every parameter slice it owns (producers, per-channel
  parameters and consumer inputs), summed over coupled producers;
- scores are normalised by their group's mean and ranked across the whole model; the lowest
  channel anywhere goes first until MACs <= target * original; every group keeps
  max(1, ceil(10% of its size)) channels; groups that reach the output (the last layer) stay;
- MACs count Conv and Gemm/Linear only (one MAC per weight element per output position).
Run with Debian's /usr/bin/python3 (python3-torch 1.13).
"""
import time

# Started before torch is imported, so the import counts like the .NET side's start-up does.
T0 = time.perf_counter()

import argparse  # noqa: E402
import copy  # noqa: E402
import heapq  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pytorch"))
from train_throughput import MODELS, read_idx  # noqa: E402

T_IMPORT = time.perf_counter()


# ---------------------------------------------------------------------------------------------
# Channel groups. A member is (parameter name, axis, block): channel i owns the indices
# [i*block, (i+1)*block) of that axis. Written out per architecture rather than traced: the two
# models are fixed, and InfoPrune's report (channels per group) is the check that they agree.

def conv_out(layer, bn=None):
    members = [(f"{layer}.weight", 0, 1), (f"{layer}.bias", 0, 1)]
    if bn:
        # Running statistics are initializers in ONNX, so InfoPrune's L1 sums them too.
        members += [(f"{bn}.{p}", 0, 1) for p in ("weight", "bias", "running_mean", "running_var")]
    return members


def reads(layer, block=1):
    return [(f"{layer}.weight", 1, block)]


def lenet5_groups(model):
    return [
        {"name": "conv1", "producers": ["conv1"], "members": conv_out("conv1") + reads("conv2")},
        {"name": "conv2", "producers": ["conv2"], "members": conv_out("conv2") + reads("fc1", block=25)},
        {"name": "fc1", "producers": ["fc1"], "members": conv_out("fc1") + reads("fc2")},
        {"name": "fc2", "producers": ["fc2"], "members": conv_out("fc2") + reads("fc3")},
        # fc3 makes the logits: frozen.
    ]


def resnet20_groups(model):
    has_bn = isinstance(model.bn1, nn.BatchNorm2d)
    bn = (lambda name: name) if has_bn else (lambda name: None)
    groups, stage_input = [], None
    # Stage s's residual stream: the stem (stage 1) or block 0's projection shortcut, and every
    # block's conv2, all added together; read by each block's conv1, the next stage's first conv1
    # and shortcut, and after the last stage by the fc through the global average pool.
    for s in (1, 2, 3):
        stage = f"layer{s}"
        producers = ["conv1"] if s == 1 else [f"{stage}.0.shortcut.0"]
        members = conv_out("conv1", bn("bn1")) if s == 1 else conv_out(f"{stage}.0.shortcut.0", bn(f"{stage}.0.shortcut.1"))
        for b in range(3):
            producers.append(f"{stage}.{b}.conv2")
            members += conv_out(f"{stage}.{b}.conv2", bn(f"{stage}.{b}.bn2"))
        for b in range(1, 3):
            members += reads(f"{stage}.{b}.conv1")
        if s < 3:
            members += reads(f"layer{s + 1}.0.conv1") + reads(f"layer{s + 1}.0.shortcut.0")
        else:
            members += reads("fc")
        if s == 1:
            members += reads("layer1.0.conv1")
        # Inside each block: conv1's output channels, read by conv2 only.
        for b in range(3):
            block = f"{stage}.{b}"
            groups.append({"name": f"{block}.conv1", "producers": [f"{block}.conv1"],
                           "members": conv_out(f"{block}.conv1", bn(f"{block}.bn1")) + reads(f"{block}.conv2")})
        groups.append({"name": f"{stage} (residual)", "producers": producers, "members": members})
    return groups


GROUPS = {"lenet5": lenet5_groups, "resnet20": resnet20_groups, "resnet20_bn": resnet20_groups}


# ---------------------------------------------------------------------------------------------
# Weights, data, evaluation.

def load_weights(model, path):
    """Maps the ONNX initializers onto the module by order: both follow the layers' order."""
    arrays = np.load(path)
    names = list(arrays.files)
    targets = [(k, v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")]
    if len(names) != len(targets):
        raise SystemExit(f"{path}: {len(names)} arrays for {len(targets)} tensors of the module")
    state = {}
    for source, (target, tensor) in zip(names, targets):
        value = torch.from_numpy(arrays[source].copy())
        if tuple(value.shape) != tuple(tensor.shape):
            raise SystemExit(f"{path}: '{source}' {tuple(value.shape)} does not fit '{target}' {tuple(tensor.shape)}")
        state[target] = value
    model.load_state_dict(state, strict=False)


def load_split(directory, prefix):
    images = read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz"))
    # uint8 kept as is; batches are scaled by 1/255 when used, as InfoPrune's stream does.
    return torch.from_numpy(images.copy()).unsqueeze(1), torch.from_numpy(labels.astype(np.int64))


def evaluate(model, images, labels, batch=500):
    # 500: the fastest of 64..1000 for resnet20 on 2 threads here (1000 was twice as slow).
    model.eval()
    correct = 0
    with torch.inference_mode():
        for start in range(0, labels.shape[0], batch):
            x = images[start:start + batch].float().div_(255.0)
            correct += int((model(x).argmax(1) == labels[start:start + batch]).sum())
    return correct / labels.shape[0]


def count_macs(model):
    """MACs per sample of Conv2d and Linear layers, by running one 28x28 image (as InfoPrune traces)."""
    total = [0]

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            total[0] += output.numel() * module.weight[0].numel()
        elif isinstance(module, nn.Linear):
            total[0] += output.numel() * module.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()
    with torch.inference_mode():
        model(torch.zeros(1, 1, 28, 28))
    for h in handles:
        h.remove()
    return total[0]


# ---------------------------------------------------------------------------------------------
# Scoring and selection.

def l1_scores(model, groups):
    tensors = {**dict(model.named_parameters()), **dict(model.named_buffers())}
    scores = []
    for g in groups:
        size = None
        total = None
        for name, axis, block in g["members"]:
            t = tensors[name].detach().abs().double()
            per_index = t.sum(dim=[d for d in range(t.dim()) if d != axis]) if t.dim() > 1 else t
            per_channel = per_index.reshape(-1, block).sum(1)
            if size is None:
                size, total = per_channel.numel(), torch.zeros(per_channel.numel(), dtype=torch.float64)
            elif per_channel.numel() != size:
                raise SystemExit(f"group {g['name']}: '{name}' has {per_channel.numel()} channels, expected {size}")
            total += per_channel
        g["size"] = size
        scores.append(total.numpy())
    return scores


def layer_costs(model, groups):
    """(original MACs, group owning the output axis, group owning the input axis) per Conv/Linear."""
    owner = {}
    for gi, g in enumerate(groups):
        for name, axis, block in g["members"]:
            owner[(name, axis)] = (gi, block)
    macs = {}

    def hook_for(name):
        def hook(module, inputs, output):
            per_output = module.weight[0].numel() if isinstance(module, nn.Conv2d) else module.in_features
            macs[name] = output.numel() * per_output
        return hook

    handles = [m.register_forward_hook(hook_for(n)) for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()
    with torch.inference_mode():
        model(torch.zeros(1, 1, 28, 28))
    for h in handles:
        h.remove()
    layers = []
    for name, original in macs.items():
        weight = f"{name}.weight"
        layers.append((original, owner.get((weight, 0)), owner.get((weight, 1))))
    return layers


def cost(layers, groups, kept):
    """MACs of the model the kept counts would give: each layer scales by its kept in/out fractions."""
    total = 0.0
    for original, out_owner, in_owner in layers:
        fraction = 1.0
        for owned in (out_owner, in_owner):
            if owned is not None:
                gi, _ = owned
                fraction *= kept[gi] / groups[gi]["size"]
        total += original * fraction
    return round(total)


def global_ranking(groups, scores, layers, target, max_ratio=0.9, min_channels=1):
    original = cost(layers, groups, [g["size"] for g in groups])
    goal = target * original
    kept = [g["size"] for g in groups]
    normalised = []
    heap = []
    for gi, s in enumerate(scores):
        mean = s.mean()
        n = np.sort(s / mean if mean > 0 else s)
        normalised.append(n)
        heapq.heappush(heap, (n[0], gi, 0))
    minimum = [min(g["size"], max(min_channels, 1, math.ceil(g["size"] * (1 - max_ratio) - 1e-9))) for g in groups]
    while cost(layers, groups, kept) > goal and heap:
        _, gi, rank = heapq.heappop(heap)
        if kept[gi] - 1 < minimum[gi]:
            continue  # the group is at its floor: it leaves the ranking
        kept[gi] -= 1
        if rank + 1 < groups[gi]["size"]:
            heapq.heappush(heap, (normalised[gi][rank + 1], gi, rank + 1))
    # Each group keeps its highest-scoring channels (ties: the lower index is removed first).
    keep = []
    for gi, s in enumerate(scores):
        ascending = sorted(range(len(s)), key=lambda i: (s[i], i))
        keep.append(sorted(ascending[len(s) - kept[gi]:]))
    return keep


# ---------------------------------------------------------------------------------------------
# Surgery: a new module whose layers are smaller, with the kept slices copied in.

def sliced_model(model, groups, keep):
    selection = {}
    for g, indices in zip(groups, keep):
        for name, axis, block in g["members"]:
            index = torch.tensor([i * block + j for i in indices for j in range(block)], dtype=torch.long)
            if (name, axis) in selection:
                raise SystemExit(f"'{name}' axis {axis} is in two groups")
            selection[(name, axis)] = index

    def cut(name, tensor):
        for axis in range(tensor.dim()):
            index = selection.get((name, axis))
            if index is not None:
                tensor = tensor.index_select(axis, index)
        return tensor.clone()

    pruned = copy.deepcopy(model)
    for name, module in list(pruned.named_modules()):
        if isinstance(module, nn.Conv2d):
            w = cut(f"{name}.weight", module.weight.data)
            new = nn.Conv2d(w.shape[1], w.shape[0], module.kernel_size, module.stride, module.padding,
                            bias=module.bias is not None)
            new.weight.data.copy_(w)
            if module.bias is not None:
                new.bias.data.copy_(cut(f"{name}.bias", module.bias.data))
        elif isinstance(module, nn.Linear):
            w = cut(f"{name}.weight", module.weight.data)
            new = nn.Linear(w.shape[1], w.shape[0])
            new.weight.data.copy_(w)
            new.bias.data.copy_(cut(f"{name}.bias", module.bias.data))
        elif isinstance(module, nn.BatchNorm2d):
            weight = cut(f"{name}.weight", module.weight.data)
            new = nn.BatchNorm2d(weight.shape[0], eps=module.eps, momentum=module.momentum)
            new.weight.data.copy_(weight)
            new.bias.data.copy_(cut(f"{name}.bias", module.bias.data))
            new.running_mean.copy_(cut(f"{name}.running_mean", module.running_mean))
            new.running_var.copy_(cut(f"{name}.running_var", module.running_var))
        else:
            continue
        parent_name, _, child = name.rpartition(".")
        setattr(pruned.get_submodule(parent_name) if parent_name else pruned, child, new)
    return pruned


# ---------------------------------------------------------------------------------------------
# Fine-tuning: InfoPrune's Trainer recipe (Adam, cosine annealed per step to 0 over the run,
# shuffled each epoch, the short last batch dropped).

def fine_tune(model, images, labels, epochs, batch, lr, seed):
    torch.manual_seed(seed)
    shuffle = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps_per_epoch = labels.shape[0] // batch
    total = epochs * steps_per_epoch
    model.train()
    step, losses = 0, []
    for _ in range(epochs):
        order = torch.randperm(labels.shape[0], generator=shuffle)
        loss_sum = torch.zeros((), dtype=torch.float64)
        for b in range(steps_per_epoch):
            index = order[b * batch:(b + 1) * batch]
            x = images.index_select(0, index).float().div_(255.0)
            y = labels.index_select(0, index)
            for group in optimizer.param_groups:
                group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * step / total))
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            # Summed without a sync per step, as InfoPrune keeps its epoch sums on the device.
            loss_sum += loss.detach()
            step += 1
        losses.append(round(float(loss_sum) / steps_per_epoch, 4))
    return step, losses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(GROUPS))
    parser.add_argument("--weights", required=True, help=".npz from `InfoPrune.Bench export-weights`")
    parser.add_argument("--target", type=float, default=0.5, help="fraction of MACs to keep")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()

    # Debian's build defaults to one thread here; InfoPrune runs with --threads of the same count.
    torch.set_num_threads(args.threads)
    phases = {"import": T_IMPORT - T0}
    clock = [time.perf_counter()]

    def lap(name):
        now = time.perf_counter()
        phases[name] = now - clock[0]
        clock[0] = now

    train_x, train_y = load_split(args.data, "train")
    test_x, test_y = load_split(args.data, "t10k")
    model = MODELS[args.model]()
    load_weights(model, args.weights)
    lap("load")
    accuracy_before = evaluate(model, test_x, test_y)
    lap("eval-original")
    groups = GROUPS[args.model](model)
    scores = l1_scores(model, groups)
    layers = layer_costs(model, groups)
    keep = global_ranking(groups, scores, layers, args.target)
    lap("plan")
    pruned = sliced_model(model, groups, keep)
    lap("surgery")
    steps, losses = fine_tune(pruned, train_x, train_y, args.epochs, args.batch, args.lr, args.seed)
    lap("fine-tune")
    accuracy_after = evaluate(pruned, test_x, test_y)
    lap("eval-pruned")

    print(json.dumps({
        "side": "pytorch", "model": args.model, "torch": torch.__version__, "threads": torch.get_num_threads(),
        "seconds": round(time.perf_counter() - T0, 3),
        "phases": {k: round(v, 3) for k, v in phases.items()},
        "macs_before": count_macs(model), "macs_after": count_macs(pruned),
        "params_before": sum(p.numel() for p in model.parameters()),
        "params_after": sum(p.numel() for p in pruned.parameters()),
        "accuracy_before": accuracy_before, "accuracy_after": accuracy_after,
        "epochs": args.epochs, "steps": steps, "epoch_loss": losses,
        "groups": {g["name"]: [g["size"], len(k)] for g, k in zip(groups, keep)},
    }), flush=True)


if __name__ == "__main__":
    main()
