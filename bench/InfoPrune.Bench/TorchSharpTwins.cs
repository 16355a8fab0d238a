using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Bench;

/// <summary>
/// lenet5 and resnet20(_bn) written directly as TorchSharp modules, as bench/pytorch writes them
/// for PyTorch. Trained in the same process as the executor, they split a gap to PyTorch into
/// the executor's share (executor vs twin) and libtorch/TorchSharp's share (twin vs PyTorch).
/// </summary>
internal static class TorchSharpTwins
{
    public static Module<Tensor, Tensor>? Create(string model) => model switch
    {
        "lenet5" => new LeNet5(),
        "resnet20_bn" => new ResNet20(batchNorm: true),
        "resnet20" => new ResNet20(batchNorm: false),
        _ => null,
    };

    private sealed class LeNet5 : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1 = Conv2d(1, 6, 5, padding: 2);
        private readonly Conv2d conv2 = Conv2d(6, 16, 5);
        private readonly Linear fc1 = Linear(400, 120), fc2 = Linear(120, 84), fc3 = Linear(84, 10);

        public LeNet5() : base(nameof(LeNet5)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            x = F.max_pool2d(F.relu(conv1.forward(x)), 2);
            x = F.max_pool2d(F.relu(conv2.forward(x)), 2);
            x = x.flatten(1);
            return fc3.forward(F.relu(fc2.forward(F.relu(fc1.forward(x)))));
        }
    }

    private sealed class Block : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1, conv2;
        private readonly Module<Tensor, Tensor> bn1, bn2;
        private readonly Module<Tensor, Tensor>? shortcut;

        public Block(long cin, long cout, long stride, bool batchNorm) : base(nameof(Block))
        {
            conv1 = Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: !batchNorm);
            bn1 = Norm(cout, batchNorm);
            conv2 = Conv2d(cout, cout, 3, padding: 1, bias: !batchNorm);
            bn2 = Norm(cout, batchNorm);
            if (stride != 1 || cin != cout)
                shortcut = Sequential(Conv2d(cin, cout, 1, stride: stride, bias: !batchNorm), Norm(cout, batchNorm));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var y = F.relu(bn1.forward(conv1.forward(x)));
            y = bn2.forward(conv2.forward(y));
            return F.relu(y + (shortcut?.forward(x) ?? x));
        }
    }

    private sealed class ResNet20 : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly Module<Tensor, Tensor> bn1;
        private readonly Sequential layers;
        private readonly Linear fc = Linear(64, 10);

        public ResNet20(bool batchNorm) : base(nameof(ResNet20))
        {
            conv1 = Conv2d(1, 16, 3, padding: 1, bias: !batchNorm);
            bn1 = Norm(16, batchNorm);
            var blocks = new List<Module<Tensor, Tensor>>();
            long cin = 16;
            foreach (var (cout, stride) in new[] { (16L, 1L), (32L, 2L), (64L, 2L) })
                for (var i = 0; i < 3; i++)
                {
                    blocks.Add(new Block(cin, cout, i == 0 ? stride : 1, batchNorm));
                    cin = cout;
                }
            layers = Sequential(blocks);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            x = F.relu(bn1.forward(conv1.forward(x)));
            x = layers.forward(x);
            return fc.forward(F.adaptive_avg_pool2d(x, 1).flatten(1));
        }
    }

    private static Module<Tensor, Tensor> Norm(long channels, bool batchNorm) =>
        batchNorm ? BatchNorm2d(channels) : Identity();
}
