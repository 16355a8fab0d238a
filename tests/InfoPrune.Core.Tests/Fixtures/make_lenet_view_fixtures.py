import torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)
class Net(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(1,6,5,padding=2); s.c2 = nn.Conv2d(6,16,5); s.f1 = nn.Linear(400,120); s.f2 = nn.Linear(120,10); s.d = nn.Dropout(0.3)
    def forward(s,x):
        x = F.max_pool2d(F.relu(s.c1(x)),2); x = F.max_pool2d(F.relu(s.c2(x)),2)
        x = x.view(-1, 400); x = s.d(F.relu(s.f1(x))); return F.log_softmax(s.f2(x), dim=1)
m = Net().eval()
x = torch.rand(2,1,28,28)
for op in [11]:
    torch.onnx.export(m, x, f'lenet_view_opset{op}.onnx', input_names=['input'], output_names=['logits'], dynamic_axes={'input':{0:'N'},'logits':{0:'N'}}, opset_version=op)
torch.onnx.export(m, torch.rand(1,1,28,28), 'lenet_view_fixed_batch.onnx', input_names=['input'], output_names=['logits'], opset_version=13)
print("ok")
