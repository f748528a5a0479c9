"""Writes two ImageNet-shaped ONNX test models with seeded random weights (numpy and the onnx
package only):

    make_test_models.py OUT_DIR

OUT_DIR/resnet18.onnx     ResNet-18: 7x7 stem, max pool, 4 stages of 2 basic blocks, 1000 classes
OUT_DIR/mobilenetv2.onnx  MobileNetV2: inverted residuals with ReLU6 (Clip), 1000 classes

Both take input [1, 3, 224, 224] float32 (opset 13). Convolutions are He-initialised and every
BatchNormalization has statistics that keep activations near unit scale (gamma near 1, small
beta, variance near the expected second moment), so outputs are far from zero and exercise
the importer's BatchNormalization folding.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Net:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []
        self.count = 0

    def name(self, kind):
        self.count += 1
        return f"{kind}_{self.count}"

    def const(self, kind, value):
        name = self.name(kind)
        self.inits.append(numpy_helper.from_array(value.astype(np.float32), name))
        return name

    def conv(self, x, cin, cout, k, stride=1, groups=1, bias=False):
        fan_in = cin // groups * k * k
        w = self.rng.normal(0, np.sqrt(2.0 / fan_in), size=(cout, cin // groups, k, k))
        inputs = [x, self.const("w", w)]
        if bias:
            inputs.append(self.const("b", self.rng.uniform(-0.1, 0.1, cout)))
        y = self.name("conv")
        self.nodes.append(helper.make_node("Conv", inputs, [y], kernel_shape=[k, k], strides=[stride, stride],
                                           pads=[k // 2] * 4, group=groups))
        return y

    def bn(self, x, c):
        y = self.name("bn")
        params = [self.const("gamma", self.rng.uniform(0.8, 1.2, c)), self.const("beta", self.rng.uniform(-0.1, 0.2, c)),
                  self.const("mean", self.rng.uniform(-0.1, 0.1, c)), self.const("var", self.rng.uniform(0.8, 1.6, c))]
        self.nodes.append(helper.make_node("BatchNormalization", [x] + params, [y], epsilon=1e-5))
        return y

    def op(self, kind, inputs, **attrs):
        y = self.name(kind.lower())
        self.nodes.append(helper.make_node(kind, inputs, [y], **attrs))
        return y

    def relu6(self, x):
        return self.op("Clip", [x, self.const("lo", np.array(0.0)), self.const("hi", np.array(6.0))])

    def head(self, x, channels, classes=1000):
        pooled = self.op("GlobalAveragePool", [x])
        flat = self.op("Flatten", [pooled], axis=1)
        w = self.rng.normal(0, np.sqrt(1.0 / channels), size=(classes, channels))
        return self.op("Gemm", [flat, self.const("fc_w", w), self.const("fc_b", self.rng.uniform(-0.1, 0.1, classes))],
                       transB=1)

    def model(self, name, output):
        self.nodes.append(helper.make_node("Identity", [output], ["logits"]))
        graph = helper.make_graph(
            self.nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
            [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1000])], self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="swift-webnn")
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


def resnet18():
    n = Net(18)
    x = n.op("Relu", [n.bn(n.conv("input", 3, 64, 7, stride=2), 64)])
    x = n.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for stage, cout in enumerate([64, 128, 256, 512]):
        for block in range(2):
            stride = 2 if stage > 0 and block == 0 else 1
            y = n.op("Relu", [n.bn(n.conv(x, cin, cout, 3, stride), cout)])
            y = n.bn(n.conv(y, cout, cout, 3), cout)
            shortcut = x if stride == 1 and cin == cout else n.bn(n.conv(x, cin, cout, 1, stride), cout)
            x = n.op("Relu", [n.op("Add", [y, shortcut])])
            cin = cout
    return n.model("resnet18", n.head(x, 512))


def mobilenetv2():
    n = Net(2)
    x = n.relu6(n.bn(n.conv("input", 3, 32, 3, stride=2), 32))
    cin = 32
    for t, c, repeats, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                             (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(repeats):
            stride = s if i == 0 else 1
            hidden = cin * t
            y = x
            if t != 1:
                y = n.relu6(n.bn(n.conv(y, cin, hidden, 1), hidden))
            y = n.relu6(n.bn(n.conv(y, hidden, hidden, 3, stride, groups=hidden), hidden))
            y = n.bn(n.conv(y, hidden, c, 1), c)
            x = n.op("Add", [x, y]) if stride == 1 and cin == c else y
            cin = c
    x = n.relu6(n.bn(n.conv(x, cin, 1280, 1), 1280))
    return n.model("mobilenetv2", n.head(x, 1280))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, make in [("resnet18", resnet18), ("mobilenetv2", mobilenetv2)]:
        onnx.save(make(), os.path.join(out, name + ".onnx"))


if __name__ == "__main__":
    main()
