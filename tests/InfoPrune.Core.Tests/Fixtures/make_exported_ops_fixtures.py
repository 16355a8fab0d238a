# PyTorch 1.13 exports (random weights, Fashion-MNIST-shaped input) of blocks that use the ops
# issue 17 added: a ShuffleNet-V2 channel split and shuffle, a ConvNeXt block with LayerNorm,
# and a class-token/expand pattern that exports Cast/ConstantOfShape/Equal/Where/Expand.
# Run with Debian's python3-torch and python3-onnx: /usr/bin/python3 make_exported_ops_fixtures.py
import torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)

def bn_relu(c): return nn.Sequential(nn.BatchNorm2d(c), nn.ReLU())

class ShuffleUnit(nn.Module):
    """ShuffleNet-V2 basic unit: half the channels pass, half go through 1x1 → depthwise 3x3 → 1x1."""
    def __init__(s, c):
        super().__init__()
        h = c // 2
        s.branch = nn.Sequential(nn.Conv2d(h, h, 1, bias=False), bn_relu(h),
                                 nn.Conv2d(h, h, 3, padding=1, groups=h, bias=False), nn.BatchNorm2d(h),
                                 nn.Conv2d(h, h, 1, bias=False), bn_relu(h))
    def forward(s, x):
        a, b = x.chunk(2, dim=1)
        x = torch.cat([a, s.branch(b)], 1)
        n, c, hh, ww = x.shape
        return x.view(n, 2, c // 2, hh, ww).transpose(1, 2).reshape(n, c, hh, ww)

class ShuffleNet(nn.Module):
    def __init__(s):
        super().__init__()
        s.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 2, 1, bias=False), bn_relu(16))
        s.unit = ShuffleUnit(16)
        s.head = nn.Sequential(nn.Conv2d(16, 32, 1, bias=False), bn_relu(32))
        s.fc = nn.Linear(32, 10)
    def forward(s, x):
        x = s.head(s.unit(s.stem(x)))
        return s.fc(x.mean([2, 3]))

class ConvNeXtBlock(nn.Module):
    def __init__(s, c):
        super().__init__()
        s.dw = nn.Conv2d(c, c, 7, padding=3, groups=c)
        s.norm = nn.LayerNorm(c, eps=1e-6)
        s.up = nn.Linear(c, 4 * c)
        s.down = nn.Linear(4 * c, c)
    def forward(s, x):
        y = s.dw(x).permute(0, 2, 3, 1)
        y = s.down(F.gelu(s.up(s.norm(y))))
        return x + y.permute(0, 3, 1, 2)

class ConvNeXt(nn.Module):
    def __init__(s):
        super().__init__()
        s.stem = nn.Conv2d(1, 16, 4, stride=4)
        s.block = ConvNeXtBlock(16)
        s.norm = nn.LayerNorm(16, eps=1e-6)
        s.hidden = nn.Linear(16, 24)
        s.fc = nn.Linear(24, 10)
    def forward(s, x):
        x = s.block(s.stem(x))
        return s.fc(F.relu(s.hidden(s.norm(x.mean([-2, -1])))))

class TokenNet(nn.Module):
    """A class token expanded to the batch (as vision transformers do), on a small conv net."""
    def __init__(s):
        super().__init__()
        s.conv = nn.Conv2d(1, 8, 3, stride=2, padding=1)
        s.conv2 = nn.Conv2d(8, 12, 3, stride=2, padding=1)
        s.token = nn.Parameter(torch.randn(1, 12))
        s.fc = nn.Linear(12 * 49 + 12, 10)
    def forward(s, x):
        x = F.relu(s.conv2(F.relu(s.conv(x))))
        token = s.token.expand(x.size(0), -1)
        flat = x.view(x.size(0), -1)
        return s.fc(torch.cat([flat, token], 1))

for name, model, opset in [("shufflenet_split", ShuffleNet(), 13), ("convnext_block", ConvNeXt(), 17), ("token_expand", TokenNet(), 13)]:
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2); m.running_var.uniform_(0.5, 1.5)
    torch.onnx.export(model, torch.rand(2, 1, 28, 28), f"{name}.onnx", input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, opset_version=opset)
print("ok")
