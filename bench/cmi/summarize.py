"""Tables for bench/cmi/run.sh: reads bench/results/cmi/*.report.json and runs.jsonl, prints markdown."""
import json, os, sys, itertools

folder = sys.argv[1]
runs = {}
for line in open(os.path.join(folder, "runs.jsonl")):
    if line.strip():
        r = json.loads(line)
        runs[r["name"]] = r

def report(name):
    path = os.path.join(folder, name + ".report.json")
    return json.load(open(path)) if os.path.exists(path) else None

def step(rep, prefix):
    return sum(s["seconds"] for s in rep["steps"] if s["step"].startswith(prefix))

def pct(x):
    return "—" if x is None else f"{100 * x:.2f}%"

def channels(rep):
    groups = [g for g in rep["groups"] if g["prunable"]]
    return sum(g["channelsBefore"] for g in groups), sum(g["channelsAfter"] for g in groups)

print("## Accuracy at equal MACs (Adam 1e-3 cosine, batch 128; Fashion-MNIST 10k test set)\n")
print("lenet5: 2 epochs on the 60k training set; resnet20: 1 epoch on the first 6000 training images.\n")
print("| model | target | method | MACs kept | accuracy | original | wall s |")
print("|---|---|---|---:|---:|---|---:|")
for model, suffix in (("lenet5", ""), ("resnet20", "-sub6000")):
    for budget in ("0.5", "0.25"):
        for method in ("l1", "cmi"):
            name = f"{model}-{method}-macs{budget}{suffix}"
            rep = report(name)
            if rep is None:
                continue
            macs = rep["after"]["macs"] / rep["before"]["macs"]
            print(f"| {model} | macs {budget} | {method} | {pct(macs)} | {pct(rep['after']['accuracy'])} | {pct(rep['before']['accuracy'])} | {runs.get(name, {}).get('wall_s', '—')} |")

print("\n## The paper's claims on lenet5, target auto (fine-tuned as bench/cmi/run.sh's CLAIM_EPOCHS says)\n")
print("| order | cutoff | conditioning | kept per layer (conv1, conv2, fc1, fc2) | filters removed | MACs kept | accuracy | epochs |")
print("|---|---|---|---|---:|---:|---:|---:|")
for order, cutoff, cond in (("bidirectional", "scree", "compact"), ("forward", "scree", "compact"),
                            ("bidirectional", "xmeans", "compact"), ("bidirectional", "scree", "full")):
    rep = report(f"lenet5-cmi-auto-{order}-{cutoff}-{cond}")
    if rep is None:
        continue
    before, after = channels(rep)
    per_layer = ", ".join(f"{l['kept']}/{l['channels']}" for l in sorted(rep["methodDetails"]["layers"], key=lambda l: l["groupId"]))
    epochs = rep["fineTune"]["epochs"] if rep.get("fineTune") else 0
    print(f"| {order} | {cutoff} | {cond} | {per_layer} | {pct(1 - after / before)} | {pct(rep['after']['macs'] / rep['before']['macs'])} | {pct(rep['after']['accuracy'])} | {epochs} |")

print("\n## Stability of compact vs full on lenet5 (plan only, 3 calibration draws)\n")
print("| conditioning | kept per layer, seeds 1/2/3 | mean Jaccard overlap of kept sets between draws | accuracy before fine-tuning (3 draws) |")
print("|---|---|---:|---|")
for cond in ("compact", "full"):
    reps = [report(f"lenet5-cmi-plan-{cond}-seed{s}") for s in (1, 2, 3)]
    if any(r is None for r in reps):
        continue
    layers = [{l["name"]: l for l in r["methodDetails"]["layers"]} for r in reps]
    names = sorted(layers[0], key=lambda n: layers[0][n]["groupId"])
    counts = "; ".join("/".join(str(layers[i][n]["kept"]) for i in range(3)) for n in names)
    overlaps = []
    for a, b in itertools.combinations(range(3), 2):
        for n in names:
            x = set(layers[a][n]["order"][: layers[a][n]["kept"]])
            y = set(layers[b][n]["order"][: layers[b][n]["kept"]])
            overlaps.append(len(x & y) / len(x | y))
    print(f"| {cond} | {counts} | {sum(overlaps) / len(overlaps):.3f} | {', '.join(pct(r['after']['accuracy']) for r in reps)} |")

print("\n## Scoring cost on resnet20 against one fine-tuning epoch (60000 images at the run's measured throughput)\n")
print("| run | N | measure s | plan s | scoring s | images/s | one epoch s | scoring / epoch | sample memory | Gram memory | load |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for budget in ("0.5", "0.25"):
    name = f"resnet20-cmi-macs{budget}-sub6000"
    rep = report(name)
    if rep is None or rep.get("fineTune") is None:
        continue
    d = rep["methodDetails"]
    scoring = step(rep, "measure") + step(rep, "plan")
    ips = rep["fineTune"]["imagesPerSecond"]
    epoch = 60000 / ips
    r = runs.get(name, {})
    print(f"| {name} | {d['samples']} | {step(rep, 'measure'):.1f} | {step(rep, 'plan'):.1f} | {scoring:.1f} | {ips:.0f} | {epoch:.0f} | {100 * scoring / epoch:.1f}% | "
          f"{d['sampleBytes'] / 2**20:.0f} MiB | {d['gramBytes'] / 2**20:.0f} MiB | {r.get('load_start', '—')}→{r.get('load_end', '—')} |")

print("\n## How each cmi budget run met its target\n")
for name in sorted(runs):
    rep = report(name)
    if rep is None or not rep.get("methodDetails") or "macs" not in name:
        continue
    d = rep["methodDetails"]
    print(f"- {name}: {d['howTargetMet']}; visited {' → '.join(d['visitingOrder'][:4])}{' …' if len(d['visitingOrder']) > 4 else ''}")
