import torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)
class VGG(nn.Module):
    def __init__(s):
        super().__init__()
        def blk(i,o): return nn.Sequential(nn.Conv2d(i,o,3,padding=1,bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))
        s.f = nn.Sequential(blk(1,16), blk(16,16), nn.MaxPool2d(2), blk(16,32), blk(32,32), nn.MaxPool2d(2))
        s.c = nn.Sequential(nn.Flatten(), nn.Linear(32*7*7,64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64,10))
    def forward(s,x): return s.c(s.f(x))
class Incep(nn.Module):
    def __init__(s):
        super().__init__()
        s.stem = nn.Conv2d(1,8,3,padding=1)
        s.b1 = nn.Conv2d(8,8,1); s.b2 = nn.Sequential(nn.Conv2d(8,6,1), nn.ReLU(), nn.Conv2d(6,12,3,padding=1)); s.b3 = nn.Sequential(nn.MaxPool2d(3,1,1), nn.Conv2d(8,4,1))
        s.bn = nn.BatchNorm2d(24); s.head = nn.Conv2d(24,16,3,stride=2,padding=1); s.fc = nn.Linear(16,10)
    def forward(s,x):
        x = F.relu(s.stem(x)); x = torch.cat([s.b1(x), s.b2(x), s.b3(x)], 1); x = F.relu(s.bn(x))
        x = F.relu(s.head(x)); x = F.adaptive_avg_pool2d(x,1).view(x.size(0), -1); return s.fc(x)
class Mobile(nn.Module):
    def __init__(s):
        super().__init__()
        def dws(i,o,st): return nn.Sequential(nn.Conv2d(i,i,3,st,1,groups=i,bias=False), nn.BatchNorm2d(i), nn.ReLU6(), nn.Conv2d(i,o,1,bias=False), nn.BatchNorm2d(o), nn.ReLU6())
        s.stem = nn.Sequential(nn.Conv2d(1,16,3,2,1,bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        s.b = nn.Sequential(dws(16,32,1), dws(32,64,2), dws(64,64,1))
        s.se1 = nn.Conv2d(64,16,1); s.se2 = nn.Conv2d(16,64,1)
        s.fc = nn.Linear(64,10)
    def forward(s,x):
        x = s.b(s.stem(x)); w = torch.sigmoid(s.se2(F.relu(s.se1(F.adaptive_avg_pool2d(x,1))))); x = x * w
        return s.fc(torch.flatten(F.adaptive_avg_pool2d(x,1),1))
for name, m in [("vgg_bn", VGG()), ("inception", Incep()), ("mobilenet", Mobile())]:
    m.eval()
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d): mod.running_mean.uniform_(-0.1,0.1); mod.running_var.uniform_(0.5,1.5)
    torch.onnx.export(m, torch.randn(1,1,28,28), f'{name}.onnx', input_names=['input'], output_names=['logits'], dynamic_axes={'input':{0:'N'},'logits':{0:'N'}}, opset_version=13, do_constant_folding=True)
    print(name)
