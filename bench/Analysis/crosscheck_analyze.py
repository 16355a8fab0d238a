"""Recomputes, in plain numpy, everything `infoprune analyze` wrote for a 784-100-100-10 sigmoid MLP
and reports the largest disagreement, so the analysis can be trusted independently of the C# code.

It rebuilds the net from the weights `train_sigmoid_mlp.py --npz` saved, then
  1. recomputes every unit's entropy, mutual information, KL selectivity, JS subset separation and
     labelled MI (one bit at 0.5, on the calibration samples) and compares them with units.json;
  2. replays every ablation ordering of ablation.json (the same unit lists), to zero and to the
     calibration mean, on the evaluation samples, and compares each point's accuracy.

Usage (Debian's python3 with numpy):
  python3 crosscheck_analyze.py WEIGHTS.npz ANALYSIS_DIR [IMAGES.gz LABELS.gz]
Exit code 1 when any difference exceeds the tolerance (1e-9 bits, one sample of accuracy).
"""
import gzip
import itertools
import json
import sys

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def joint(bits, labels, classes):
    table = np.zeros((2, classes))
    np.add.at(table, (bits, labels), 1.0)
    return table / len(labels)


def entropy(p):
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def mutual_information(table):
    return entropy(table.sum(1)) + entropy(table.sum(0)) - entropy(table.ravel())


def kl_selectivity(table):
    p_t = table.sum(1)
    best = 0.0
    for y in range(table.shape[1]):
        p_y = table[:, y].sum()
        if p_y == 0:
            continue
        cond = table[:, y] / p_y
        nz = cond > 0
        best = max(best, float((cond[nz] * np.log2(cond[nz] / p_t[nz])).sum()))
    return best


def subset_mi(table, members):
    merged = np.stack([table[:, members].sum(1), table.sum(1) - table[:, members].sum(1)], axis=1)
    return mutual_information(merged)


def js_separation(table):
    classes = table.shape[1]
    best = 0.0
    # A and its complement give the same value, so subsets containing class 0 cover every split.
    for size in range(1, classes):
        for rest in itertools.combinations(range(1, classes), size - 1):
            best = max(best, subset_mi(table, [0, *rest]))
    return best


def labeled_mi(table):
    return max(subset_mi(table, [c]) for c in range(table.shape[1]))


MEASURES = {
    "entropy": lambda t: entropy(t.sum(1)),
    "mutual-information": mutual_information,
    "kl-selectivity": kl_selectivity,
    "js-separation": js_separation,
    "labeled-mi": labeled_mi,
}


def main(weights_path, analysis_dir, images=f"{DATA}/t10k-images-idx3-ubyte.gz", labels=f"{DATA}/t10k-labels-idx1-ubyte.gz"):
    w = np.load(weights_path)
    layers = [(w["1_weight"].astype(np.float64), w["1_bias"].astype(np.float64)),
              (w["3_weight"].astype(np.float64), w["3_bias"].astype(np.float64)),
              (w["5_weight"].astype(np.float64), w["5_bias"].astype(np.float64))]
    x = read_idx(images, 16).reshape(-1, 784).astype(np.float64) / 255.0
    y = read_idx(labels, 8).astype(np.int64)
    units = json.load(open(f"{analysis_dir}/units.json"))
    ablation = json.load(open(f"{analysis_dir}/ablation.json"))
    n_cal, n_eval = ablation["calibrationSamples"], ablation["evaluationSamples"]
    if ablation["samplesOverlap"]:
        sys.exit("this check needs separate calibration and evaluation samples")
    cal, ev = slice(0, n_cal), slice(n_cal, n_cal + n_eval)
    classes = int(y.max()) + 1

    def hidden(inputs, upto):
        h = inputs
        for weight, bias in layers[:upto + 1]:
            h = sigmoid(h @ weight.T + bias)
        return h

    def logits_from(h, layer):
        for weight, bias in layers[layer + 1:-1]:
            h = sigmoid(h @ weight.T + bias)
        weight, bias = layers[-1]
        return h @ weight.T + bias

    worst_measure = 0.0
    for layer_index, layer in enumerate(units["layers"]):
        h = hidden(x[cal], layer_index)
        for record in layer["units"]:
            table = joint((h[:, record["unit"]] > 0.5).astype(np.int64), y[cal], classes)
            for name, fn in MEASURES.items():
                worst_measure = max(worst_measure, abs(fn(table) - record["scores"][name]))
    print(f"measures: largest |numpy - infoprune| = {worst_measure:.2e} bits")

    worst_accuracy = 0.0
    points = 0
    for layer_index, layer in enumerate(ablation["layers"]):
        h_cal = hidden(x[cal], layer_index)
        h_eval = hidden(x[ev], layer_index)
        means = h_cal.mean(0)
        orders = {o["name"]: o["units"] for o in layer["orderings"]}
        for curve in layer["curves"]:
            order = orders[curve["ordering"]]
            for point in curve["points"]:
                ablated = order[:point["ablated"]]
                h = h_eval.copy()
                h[:, ablated] = means[ablated] if curve["balanced"] else 0.0
                accuracy = float((logits_from(h, layer_index).argmax(1) == y[ev]).mean())
                worst_accuracy = max(worst_accuracy, abs(accuracy - point["accuracy"]))
                points += 1
    print(f"ablation: {points} points replayed, largest |numpy - infoprune| accuracy = {worst_accuracy:.4f}")
    ok = worst_measure <= 1e-9 and worst_accuracy <= 1.0 / n_eval + 1e-12
    print("agree" if ok else "DISAGREE")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(*sys.argv[1:])
