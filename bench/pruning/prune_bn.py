#!/usr/bin/python3
"""The PyTorch side of the BatchNorm pruning benchmark: resnet20 pruned as InfoPrune pruned it.

    /usr/bin/python3 bench/pruning/prune_bn.py --folded resnet20.npz --bn resnet20_bn.npz \
        --report pruned.onnx.report.json [--variant bn-module] [--epochs 2] [--threads 2]

InfoPrune prunes the BN-folded export (resnet20.onnx). This script prunes the same network as a
PyTorch user would, on the module that still has its BatchNorm (weights of resnet20_bn.onnx), so
that the accuracy gap measures what fine-tuning without BatchNorm costs and how much of it
InfoPrune's re-inserted BatchNorm wins back:

- The channels: the same widths InfoPrune chose (its report's groups[].channelsAfter, matched to
  this module's groups by their producer layers), and within each group the channels of highest
  L1 score on the folded weights, which is InfoPrune's `l1` ranking (bench/pruning/prune_l1.py
  reproduces it; its global ranking also runs here as a check that the widths agree). Without
  --report, the widths come from that global ranking at --target.
- The cut: conv weights (output and input slices) and the BatchNorm scale, shift, running mean
  and running variance of every kept channel.
- Fine-tuning: prune_l1.py's recipe (Adam, cosine per step to 0, batch 128, seed 42, shuffled
  each epoch, short last batch dropped), BatchNorm in train mode (batch statistics).

--variant picks what is fine-tuned (all start from the same channels):
  bn-module        the BN-bearing module (the reference);
  folded           the folded module as it is (InfoPrune's "batchNorm": "off");
  reinsert-after   the folded module with a BatchNorm put after every conv once the channels are
                   cut, its running statistics measured on 2048 training samples of the pruned
                   net and scale/shift set so it starts as the identity: what InfoPrune's
                   "batchNorm": "auto" does (emulated, to tell its design from its implementation);
  reinsert-before  the same, but the statistics measured on the unpruned net and then sliced with
                   the channels, so that in train mode each layer's output is brought back to the
                   distribution it had before the cut, as a kept BatchNorm does.

Prints one JSON line: seconds per phase (the checks apart), MACs, accuracies, channels per group,
per-epoch loss. Run with Debian's /usr/bin/python3 (python3-torch 1.13).
"""
import time

# Started before torch is imported, so the import counts like the .NET side's start-up does.
T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prune_l1 as recipe  # noqa: E402

T_IMPORT = time.perf_counter()

VARIANTS = ("bn-module", "folded", "reinsert-after", "reinsert-before")
# InfoPrune's defaults: data.calibration.samples, and BatchNormalization's epsilon.
CALIBRATION_SAMPLES = 2048
EPSILON = 1e-5


def onnx_node_name(module_name, op="Conv"):
    """The node name PyTorch's exporter gives a module's op: every scope on the path, a Sequential
    child's scope spelled with its parent's ('layer2.0.shortcut.0' -> /layer2/layer2.0/shortcut/shortcut.0/Conv)."""
    scopes = []
    for part in module_name.split("."):
        scopes.append(f"{scopes[-1]}.{part}" if part.isdigit() and scopes else part)
    return "/" + "/".join(scopes) + "/" + op


def widths_from_report(report, groups):
    """Kept channels per group (in this module's group order), from InfoPrune's report JSON."""
    by_producers = {}
    for g in report["groups"]:
        if g["prunable"]:
            by_producers[frozenset(g["producers"])] = g
    widths, unmatched = [], []
    for g in groups:
        key = frozenset(onnx_node_name(p) for p in g["producers"])
        found = by_producers.pop(key, None)
        if found is None:
            unmatched.append(g["name"])
            continue
        if found["channelsBefore"] != g["size"]:
            raise SystemExit(f"group {g['name']}: {g['size']} channels here, {found['channelsBefore']} in the report")
        widths.append(found["channelsAfter"])
    if unmatched or by_producers:
        raise SystemExit(f"groups do not match the report: here only {unmatched}, "
                         f"report only {[g['name'] for g in by_producers.values()]}")
    return widths


def top_channels(scores, widths):
    """Each group keeps its `width` highest-scoring channels (ties: the lower index goes first), as InfoPrune's selector."""
    keep = []
    for s, width in zip(scores, widths):
        ascending = sorted(range(len(s)), key=lambda i: (s[i], i))
        keep.append(sorted(ascending[len(s) - width:]))
    return keep


def norm_slots(model):
    """(parent, attribute, conv) of every place a BatchNorm follows a conv in the ResNet20 module."""
    slots = [(model, "bn1", model.conv1)]
    for stage in (model.layer1, model.layer2, model.layer3):
        for block in stage:
            slots += [(block, "bn1", block.conv1), (block, "bn2", block.conv2)]
            if len(block.shortcut) == 2:
                slots.append((block.shortcut, "1", block.shortcut[0]))
    return slots


def conv_output_statistics(model, images, seed):
    """Per-channel mean and population variance of every conv's output over CALIBRATION_SAMPLES seeded training samples."""
    convs = {id(conv): conv for _, _, conv in norm_slots(model)}
    sums = {}

    def hook(module, inputs, output):
        flat = output.detach().double().transpose(0, 1).reshape(output.shape[1], -1)
        s, q, n = sums.get(id(module), (0.0, 0.0, 0))
        sums[id(module)] = (s + flat.sum(1), q + flat.square().sum(1), n + flat.shape[1])

    handles = [conv.register_forward_hook(hook) for conv in convs.values()]
    subset = torch.randperm(images.shape[0], generator=torch.Generator().manual_seed(seed))[:CALIBRATION_SAMPLES]
    model.eval()
    with torch.inference_mode():
        for start in range(0, subset.numel(), 256):
            model(images.index_select(0, subset[start:start + 256]).float().div_(255.0))
    for h in handles:
        h.remove()
    stats = {}
    for key, (s, q, n) in sums.items():
        mean = s / n
        stats[key] = (mean, (q / n - mean.square()).clamp_min(0))
    return stats


def reinsert_batch_norm(model, stats):
    """A BatchNorm in every norm slot, identity in eval mode: running (mean, var) from `stats`,
    scale sqrt(var + eps), shift mean (InfoPrune's BatchNormReinsertion.Insert)."""
    for parent, attribute, conv in norm_slots(model):
        mean, var = stats[id(conv)]
        bn = nn.BatchNorm2d(mean.numel(), eps=EPSILON)
        bn.running_mean.copy_(mean.float())
        bn.running_var.copy_(var.float())
        bn.weight.data.copy_((var + EPSILON).sqrt().float())
        bn.bias.data.copy_(mean.float())
        setattr(parent, attribute, bn)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folded", required=True, help="resnet20.onnx's weights (.npz from `InfoPrune.Bench export-weights`)")
    parser.add_argument("--bn", required=True, help="resnet20_bn.onnx's weights (.npz)")
    parser.add_argument("--report", help="InfoPrune's report JSON: the kept widths to use")
    parser.add_argument("--target", type=float, default=0.475, help="fraction of MACs to keep (own ranking's check, or the widths without --report)")
    parser.add_argument("--variant", choices=VARIANTS, default="bn-module")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--no-check", action="store_true", help="skip the accuracy of the cut before fine-tuning")
    args = parser.parse_args()

    # Debian's build defaults to one thread here; InfoPrune runs with --threads of the same count.
    torch.set_num_threads(args.threads)
    phases = {"import": T_IMPORT - T0}
    checks = {}
    clock = [time.perf_counter()]

    def lap(name, into=phases):
        now = time.perf_counter()
        into[name] = now - clock[0]
        clock[0] = now

    train_x, train_y = recipe.load_split(args.data, "train")
    test_x, test_y = recipe.load_split(args.data, "t10k")
    folded = recipe.MODELS["resnet20"]()
    recipe.load_weights(folded, args.folded)
    with_bn = recipe.MODELS["resnet20_bn"]()
    recipe.load_weights(with_bn, args.bn)
    original = with_bn if args.variant == "bn-module" else folded
    lap("load")
    accuracy_before = recipe.evaluate(original, test_x, test_y)
    lap("eval-original")

    # The channels: InfoPrune's ranking (L1 on the folded weights), at InfoPrune's widths.
    groups = recipe.resnet20_groups(folded)
    scores = recipe.l1_scores(folded, groups)
    own = [len(k) for k in recipe.global_ranking(groups, scores, recipe.layer_costs(folded, groups), args.target)]
    widths = widths_from_report(json.load(open(args.report)), groups) if args.report else own
    keep = top_channels(scores, widths)
    stats = conv_output_statistics(folded, train_x, args.seed) if args.variant == "reinsert-before" else None
    lap("plan")

    if args.variant == "bn-module":
        pruned = recipe.sliced_model(with_bn, recipe.resnet20_groups(with_bn), keep)
    elif args.variant == "reinsert-before":
        # BatchNorm first (statistics of the unpruned net), then cut with the channels.
        reinsert_batch_norm(folded, stats)
        pruned = recipe.sliced_model(folded, recipe.resnet20_groups(folded), keep)
    else:
        pruned = recipe.sliced_model(folded, groups, keep)
    lap("surgery")
    if not args.no_check:
        # The cut in eval mode: the BN module's and the folded module's must agree (same weights, same channels).
        other = recipe.sliced_model(folded if args.variant == "bn-module" else with_bn,
                                    groups if args.variant == "bn-module" else recipe.resnet20_groups(with_bn), keep)
        checks["accuracy_cut"] = recipe.evaluate(pruned, test_x, test_y)
        checks["accuracy_cut_other"] = recipe.evaluate(other, test_x, test_y)
        lap("check-cut", checks)
    if args.variant == "reinsert-after":
        reinsert_batch_norm(pruned, conv_output_statistics(pruned, train_x, args.seed))
        lap("prepare")

    steps, losses = recipe.fine_tune(pruned, train_x, train_y, args.epochs, args.batch, args.lr, args.seed)
    lap("fine-tune")
    # Eval mode: the BatchNorm (kept or re-inserted) uses its running statistics, i.e. it is folded.
    accuracy_after = recipe.evaluate(pruned, test_x, test_y)
    lap("eval-pruned")
    check_seconds = checks.pop("check-cut", 0.0)

    print(json.dumps({
        "side": "pytorch", "variant": args.variant, "torch": torch.__version__, "threads": torch.get_num_threads(),
        # The pipeline's time: the checks are not part of what a user's script would do.
        "seconds": round(time.perf_counter() - T0 - check_seconds, 3),
        "phases": {k: round(v, 3) for k, v in phases.items()},
        "check_seconds": round(check_seconds, 3), "checks": checks,
        "macs_before": recipe.count_macs(original),
        "macs_after": recipe.count_macs(pruned),
        "accuracy_before": accuracy_before, "accuracy_after": accuracy_after,
        "epochs": args.epochs, "steps": steps, "epoch_loss": losses,
        "widths_from": "report" if args.report else "own ranking",
        "own_ranking_matches": own == widths, "own_widths": own,
        "groups": {g["name"]: [g["size"], len(k)] for g, k in zip(groups, keep)},
    }), flush=True)


if __name__ == "__main__":
    main()
