package io.etalon.testing;

import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import io.etalon.op.AvgPool2d;
import io.etalon.op.Conv2d;
import io.etalon.op.Dense;
import io.etalon.op.Flatten;
import io.etalon.op.MaxPool2d;
import io.etalon.op.Relu;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.SplittableRandom;

/** Small random piecewise-linear CNNs and inputs for property tests: shapes, strides, paddings all vary. */
public final class RandomNetworks {

    private RandomNetworks() {
    }

    /** A random conv - relu - pool - conv - relu - flatten - dense - relu - dense network drawn from a seed. */
    public static Network network(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int channels = 1 + random.nextInt(2);
        Shape input = Shape.of(channels, 6 + random.nextInt(5), 6 + random.nextInt(5));
        LeNet.Chain chain = new LeNet.Chain(input);
        chain.add("conv1", conv(random, chain.shape(), 2 + random.nextInt(3)));
        chain.add("relu1", new Relu(chain.shape()));
        int poolStride = 1 + random.nextInt(2);
        int pad = random.nextInt(2);
        chain.add("pool1", new MaxPool2d(chain.shape(), new int[] {2, 2}, new int[] {poolStride, poolStride},
                new int[] {pad, 0, pad, 0}));
        chain.add("conv2", conv(random, chain.shape(), 1 + random.nextInt(3)));
        chain.add("relu2", new Relu(chain.shape()));
        chain.add("flatten", new Flatten(chain.shape()));
        int hidden = 3 + random.nextInt(6);
        chain.add("fc1", new Dense(chain.shape(), tensor(random, Shape.of(hidden, chain.shape().size()), 1.0),
                tensor(random, Shape.of(hidden), 0.5)));
        chain.add("relu3", new Relu(chain.shape()));
        int outputs = 2 + random.nextInt(4);
        chain.add("fc2", new Dense(chain.shape(), tensor(random, Shape.of(outputs, hidden), 1.0),
                tensor(random, Shape.of(outputs), 0.5)));
        return chain.build();
    }

    /**
     * A random decoder-style network: conv - relu - a transposed convolution that upsamples (stride up to 2, output
     * padding below it, often grouped) - relu - nearest upsampling by 1 or 2 per axis - bilinear resizing by 1 or 2 -
     * max-pool - flatten - dense.
     */
    public static Network upsamplingNetwork(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Shape input = Shape.of(1 + random.nextInt(2), 4 + random.nextInt(4), 4 + random.nextInt(4));
        LeNet.Chain chain = new LeNet.Chain(input);
        chain.add("conv1", conv(random, chain.shape(), 2 + random.nextInt(2)));
        chain.add("relu1", new Relu(chain.shape()));
        int channels = chain.shape().dim(0);
        int stride = 1 + random.nextInt(2);
        int kernel = 2 + random.nextInt(2);
        int groups = random.nextBoolean() ? channels : 1;
        int outChannels = groups * (1 + random.nextInt(2));
        // at most kernel - 1 cut per axis, so that even a 1x1 input has an output
        chain.add("up", new io.etalon.op.ConvTranspose2d(chain.shape(),
                tensor(random, Shape.of(channels, outChannels / groups, kernel, kernel), 0.8), tensor(random, Shape.of(outChannels), 0.3),
                new int[] {stride, stride}, new int[] {random.nextInt(2), random.nextInt(2), random.nextInt(kernel - 1),
                        random.nextInt(kernel - 1)}, new int[] {1, 1}, groups, new int[] {random.nextInt(stride), random.nextInt(stride)}));
        chain.add("relu2", new Relu(chain.shape()));
        chain.add("nearest", new io.etalon.op.Upsample2d(chain.shape(), new int[] {1 + random.nextInt(2), 1 + random.nextInt(2)}));
        String[] transforms = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"};
        int factor = 1 + random.nextInt(2); // whole factors: the scales ONNX files state hold them exactly
        chain.add("bilinear", new io.etalon.op.Bilinear2d(chain.shape(), new int[] {chain.shape().dim(1) * factor,
                chain.shape().dim(2) * factor}, transforms[random.nextInt(4)], new double[] {factor, factor}));
        chain.add("pool", new MaxPool2d(chain.shape(), new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0, 0, 0}));
        chain.add("flatten", new Flatten(chain.shape()));
        int outputs = 2 + random.nextInt(3);
        chain.add("fc", new Dense(chain.shape(), tensor(random, Shape.of(outputs, chain.shape().size()), 0.8),
                tensor(random, Shape.of(outputs), 0.5)));
        return chain.build();
    }

    /**
     * A random network with every other op: batch norm (ChannelAffine), PReLU, zero padding, average or max pooling
     * (floor or ceil mode), a residual branch (an ordinary or depthwise conv, clip) added back, a channel concat, an
     * NHWC transpose, a reshape, then dense layers. The graph is a DAG with two joins.
     */
    public static Network richNetwork(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Shape input = Shape.of(1 + random.nextInt(2), 6 + random.nextInt(4), 6 + random.nextInt(4));
        java.util.List<Network.Node> nodes = new java.util.ArrayList<>();
        Shape shape = input;
        Conv2d conv1 = conv(random, shape, 2 + random.nextInt(2));
        nodes.add(new Network.Node("conv1", conv1, new int[] {Network.INPUT}));
        shape = conv1.outputShape();
        int channels = shape.dim(0);
        nodes.add(new Network.Node("bn1", new io.etalon.op.ChannelAffine(shape, tensor(random, Shape.of(channels), 1.5),
                tensor(random, Shape.of(channels), 0.5)), new int[] {0}));
        float[] slopes = new float[channels];
        for (int c = 0; c < channels; c++) {
            slopes[c] = (float) (random.nextDouble() * 0.3);
        }
        nodes.add(new Network.Node("prelu1", new io.etalon.op.LeakyRelu(shape, new io.etalon.tensor.Tensor(Shape.of(channels), slopes)),
                new int[] {1}));
        io.etalon.op.Pad pad = new io.etalon.op.Pad(shape, new int[] {random.nextInt(2), random.nextInt(2), random.nextInt(2), random.nextInt(2)});
        nodes.add(new Network.Node("pad1", pad, new int[] {2}));
        shape = pad.outputShape();
        // These networks are checked against ONNX Runtime 1.20, whose opset 7-18 pooling differs from ONNX and PyTorch
        // in ceil mode in two corners, avoided here: it keeps a last window that starts in the right or bottom padding,
        // and with count_include_pad it divides a partial last window by the whole kernel.
        boolean ceil = random.nextBoolean();
        io.etalon.op.Op pool = random.nextBoolean()
                ? new io.etalon.op.AvgPool2d(shape, new int[] {2, 2}, new int[] {1 + random.nextInt(2), 1 + random.nextInt(2)},
                        new int[] {random.nextInt(2), 0, 0, ceil ? 0 : random.nextInt(2)}, !ceil && random.nextBoolean(), ceil)
                : new MaxPool2d(shape, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, random.nextInt(2), 0, 0}, ceil);
        nodes.add(new Network.Node("pool1", pool, new int[] {3}));
        shape = pool.outputShape();
        int groups = random.nextBoolean() ? channels : 1; // depthwise or ordinary
        Conv2d branch = new Conv2d(shape, tensor(random, Shape.of(channels, channels / groups, 3, 3), 0.7),
                tensor(random, Shape.of(channels), 0.3), new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, groups);
        nodes.add(new Network.Node("branch", branch, new int[] {4}));
        nodes.add(new Network.Node("clip", new io.etalon.op.Clip(shape, -0.4f, 0.5f), new int[] {5}));
        nodes.add(new Network.Node("add", new io.etalon.op.Add(shape), new int[] {4, 6}));
        io.etalon.op.Concat concat = new io.etalon.op.Concat(java.util.List.of(shape, shape));
        nodes.add(new Network.Node("concat", concat, new int[] {7, 4}));
        io.etalon.op.Transpose channelsLast = new io.etalon.op.Transpose(concat.outputShape(), new int[] {1, 2, 0});
        nodes.add(new Network.Node("nhwc", channelsLast, new int[] {8}));
        shape = channelsLast.outputShape();
        nodes.add(new Network.Node("flatten", new io.etalon.op.Reshape(shape, Shape.of(shape.size())), new int[] {9}));
        int hidden = 3 + random.nextInt(5);
        nodes.add(new Network.Node("fc1", new Dense(Shape.of(shape.size()), tensor(random, Shape.of(hidden, shape.size()), 0.8),
                tensor(random, Shape.of(hidden), 0.5)), new int[] {10}));
        nodes.add(new Network.Node("relu", new Relu(Shape.of(hidden)), new int[] {11}));
        int outputs = 2 + random.nextInt(3);
        nodes.add(new Network.Node("fc2", new Dense(Shape.of(hidden), tensor(random, Shape.of(outputs, hidden), 1.0),
                tensor(random, Shape.of(outputs), 0.5)), new int[] {12}));
        return new Network(input, nodes);
    }

    /**
     * A random network whose branches meet in an element-wise Max and a Min (ONNX Max and Min of two activations):
     * two convolutions of the input, their maximum, a third convolution, the minimum of it and the maximum, a
     * continuous three-piece {@link io.etalon.op.PiecewiseLinear} function per channel, {@code max(x, c)} with a constant
     * per channel, and a dense layer. The branches start from one input, so ties between them occur where the image is 0.
     */
    public static Network branchNetwork(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Shape input = Shape.of(1 + random.nextInt(2), 4 + random.nextInt(4), 4 + random.nextInt(4));
        java.util.List<Network.Node> nodes = new java.util.ArrayList<>();
        int channels = 2 + random.nextInt(3);
        Conv2d left = same(random, input, channels);
        Conv2d right = same(random, input, channels);
        Shape shape = left.outputShape();
        nodes.add(new Network.Node("left", left, new int[] {Network.INPUT}));
        nodes.add(new Network.Node("right", right, new int[] {Network.INPUT}));
        nodes.add(new Network.Node("max", io.etalon.op.Extremum.max(shape), new int[] {0, 1}));
        nodes.add(new Network.Node("third", same(random, shape, channels), new int[] {2}));
        nodes.add(new Network.Node("min", io.etalon.op.Extremum.min(shape), new int[] {3, 2}));
        // a continuous three-piece function per channel (breakpoints -0.3 and 0.2 apart), then max(x, c) per channel
        float[] breakpoints = new float[2 * channels];
        float[] slopes = new float[3 * channels];
        float[] intercepts = new float[3 * channels];
        for (int c = 0; c < channels; c++) {
            float low = (float) (random.nextDouble() * 0.4 - 0.5);
            float high = low + 0.3f + (float) (random.nextDouble() * 0.4);
            breakpoints[2 * c] = low;
            breakpoints[2 * c + 1] = high;
            slopes[3 * c] = (float) (random.nextDouble() * 0.5);
            slopes[3 * c + 1] = (float) (0.5 + random.nextDouble());
            slopes[3 * c + 2] = (float) (random.nextDouble() - 0.5);
            intercepts[3 * c + 1] = 0.1f;
            intercepts[3 * c] = (slopes[3 * c + 1] - slopes[3 * c]) * low + 0.1f; // continuous at low
            intercepts[3 * c + 2] = (slopes[3 * c + 1] - slopes[3 * c + 2]) * high + 0.1f; // and at high
        }
        nodes.add(new Network.Node("pieces", new io.etalon.op.PiecewiseLinear(shape, 3, breakpoints, new boolean[] {false, true},
                slopes, intercepts), new int[] {4}));
        nodes.add(new Network.Node("floor", io.etalon.op.PiecewiseLinear.maxWith(shape, values(random, channels, 0.3)),
                new int[] {5}));
        nodes.add(new Network.Node("flatten", new io.etalon.op.Flatten(shape), new int[] {6}));
        int outputs = 2 + random.nextInt(3);
        nodes.add(new Network.Node("fc", new Dense(Shape.of(shape.size()), tensor(random, Shape.of(outputs, shape.size()), 0.5),
                tensor(random, Shape.of(outputs), 0.5)), new int[] {7}));
        return new Network(input, nodes);
    }

    /** A 3x3 convolution with padding 1, so the output keeps the input's plane. */
    private static Conv2d same(SplittableRandom random, Shape in, int outChannels) {
        return new Conv2d(in, tensor(random, Shape.of(outChannels, in.dim(0), 3, 3), 0.7), tensor(random, Shape.of(outChannels), 0.3),
                new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1});
    }

    private static Conv2d conv(SplittableRandom random, Shape in, int outChannels) {
        int kernel = 1 + random.nextInt(Math.min(3, Math.min(in.dim(1), in.dim(2))));
        int stride = Math.min(in.dim(1), in.dim(2)) >= 5 ? 1 + random.nextInt(2) : 1;
        int padTop = random.nextInt(kernel);
        int padLeft = random.nextInt(kernel);
        int dilation = Math.min(in.dim(1), in.dim(2)) > 2 * kernel + 2 ? 1 + random.nextInt(2) : 1;
        return new Conv2d(in, tensor(random, Shape.of(outChannels, in.dim(0), kernel, kernel), 1.0),
                tensor(random, Shape.of(outChannels), 0.3), new int[] {stride, stride},
                new int[] {padTop, padLeft, random.nextInt(kernel), random.nextInt(kernel)}, new int[] {dilation, dilation});
    }

    /**
     * A network the size of a small photo's: 3x128x128, two 3x3 convolutions of 16 channels with ReLUs, an 8x8
     * max-pool and a dense layer of 10; 45 million multiply-adds a pass, enough for one image's work to be shared out
     * among threads.
     */
    public static Network photoSizedNetwork(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        LeNet.Chain chain = new LeNet.Chain(Shape.of(3, 128, 128));
        rectified(chain, "conv1", Conv2d.of(chain.shape(), tensor(random, Shape.of(16, 3, 3, 3), 0.5),
                tensor(random, Shape.of(16), 0.1), 1), "relu1");
        rectified(chain, "conv2", Conv2d.of(chain.shape(), tensor(random, Shape.of(16, 16, 3, 3), 0.3),
                tensor(random, Shape.of(16), 0.1), 1), "relu2");
        chain.add("pool", new MaxPool2d(chain.shape(), new int[] {8, 8}, new int[] {8, 8}, new int[] {0, 0, 0, 0}));
        chain.add("flatten", new Flatten(chain.shape()));
        chain.add("fc", new Dense(chain.shape(), tensor(random, Shape.of(10, chain.shape().size()), 0.05),
                tensor(random, Shape.of(10), 0.1)));
        return chain.build();
    }

    /**
     * A photo-sized network shaped like SqueezeNet's start: 3x192x192, a 3x3 convolution of stride 2 (64 channels, by
     * phases), a 3x3 max-pool of stride 2 in ceil mode, a fire module (a 1x1 squeeze to 24 channels, then a 1x1 expand
     * to 16 and a 3x3 expand to 32 side by side, concatenated), each convolution with a ReLU, a 3x3 max-pool of stride
     * 3 (rows of 15, shorter than a vector), a global average pool and a dense layer of 10; enough work per op for one
     * image to be shared out (the squeeze, with 64 channels of 47x47 in, by blocks of positions).
     */
    public static Network photoSizedFire(long seed) {
        return fireNetwork(seed, 192);
    }

    /** {@link #photoSizedFire}'s layers on a {@code 3 x side x side} input (at least 20). */
    public static Network fireNetwork(long seed, int side) {
        SplittableRandom random = new SplittableRandom(seed);
        java.util.List<Network.Node> nodes = new java.util.ArrayList<>();
        Shape input = Shape.of(3, side, side);
        Conv2d conv1 = new Conv2d(input, tensor(random, Shape.of(64, 3, 3, 3), 0.5), tensor(random, Shape.of(64), 0.1),
                new int[] {2, 2}, new int[] {0, 0, 0, 0}, new int[] {1, 1});
        int relu1 = rectified(nodes, "conv1", conv1, Network.INPUT);
        MaxPool2d pool1 = new MaxPool2d(conv1.outputShape(), new int[] {3, 3}, new int[] {2, 2}, new int[] {0, 0, 0, 0}, true);
        nodes.add(new Network.Node("pool1", pool1, new int[] {relu1}));
        Conv2d squeeze = Conv2d.of(pool1.outputShape(), tensor(random, Shape.of(24, 64, 1, 1), 0.3),
                tensor(random, Shape.of(24), 0.1), 0);
        int squeezed = rectified(nodes, "squeeze", squeeze, nodes.size() - 1);
        Conv2d expand1 = Conv2d.of(squeeze.outputShape(), tensor(random, Shape.of(16, 24, 1, 1), 0.3),
                tensor(random, Shape.of(16), 0.1), 0);
        int left = rectified(nodes, "expand1x1", expand1, squeezed);
        Conv2d expand3 = Conv2d.of(squeeze.outputShape(), tensor(random, Shape.of(32, 24, 3, 3), 0.2),
                tensor(random, Shape.of(32), 0.1), 1);
        int right = rectified(nodes, "expand3x3", expand3, squeezed);
        io.etalon.op.Concat fire = new io.etalon.op.Concat(java.util.List.of(expand1.outputShape(), expand3.outputShape()));
        nodes.add(new Network.Node("concat", fire, new int[] {left, right}));
        Shape shape = fire.outputShape();
        MaxPool2d pool2 = new MaxPool2d(shape, new int[] {3, 3}, new int[] {3, 3}, new int[] {0, 0, 0, 0});
        shape = next(nodes, "pool2", pool2);
        shape = next(nodes, "pool3", new AvgPool2d(shape, new int[] {shape.dim(1), shape.dim(2)}, new int[] {1, 1},
                new int[] {0, 0, 0, 0}, false));
        shape = next(nodes, "flatten", new Flatten(shape));
        next(nodes, "fc", new Dense(shape, tensor(random, Shape.of(10, shape.size()), 0.3), tensor(random, Shape.of(10), 0.1)));
        return new Network(input, nodes);
    }

    /** Adds {@code op} reading the last node; returns its output shape. */
    private static Shape next(java.util.List<Network.Node> nodes, String name, io.etalon.op.Op op) {
        nodes.add(new Network.Node(name, op, new int[] {nodes.size() - 1}));
        return op.outputShape();
    }

    /**
     * A network shaped like ResNet's blocks, in the order torch exports them: a 3x3 convolution with a ReLU and a 3x3
     * max-pool of stride 2 padded by 1, a basic block (two 3x3 convolutions, the second added to the block's input
     * before a ReLU), a downsampling block (a 3x3 convolution of stride 2 with a ReLU and a second 3x3 convolution,
     * then a 1x1 convolution of stride 2 on the skip path, their Add and a ReLU), a global average pool and a dense
     * layer of 10. {@code channels} in the first blocks, twice as many after the downsampling.
     */
    public static Network residualNetwork(long seed, int side, int channels) {
        SplittableRandom random = new SplittableRandom(seed);
        java.util.List<Network.Node> nodes = new java.util.ArrayList<>();
        Shape input = Shape.of(3, side, side);
        Conv2d stem = Conv2d.of(input, tensor(random, Shape.of(channels, 3, 3, 3), 0.5), tensor(random, Shape.of(channels), 0.1), 1);
        rectified(nodes, "stem", stem, Network.INPUT);
        // ResNet's 3x3 max-pool of stride 2, padded: its first and last windows are cut short
        MaxPool2d stemPool = new MaxPool2d(stem.outputShape(), new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1, 1, 1});
        Shape shape = next(nodes, "stem-pool", stemPool);
        int x = nodes.size() - 1;
        Conv2d conv1 = Conv2d.of(shape, tensor(random, Shape.of(channels, channels, 3, 3), 0.3), tensor(random, Shape.of(channels), 0.1), 1);
        int y = rectified(nodes, "block1.conv1", conv1, x);
        Conv2d conv2 = Conv2d.of(shape, tensor(random, Shape.of(channels, channels, 3, 3), 0.3), tensor(random, Shape.of(channels), 0.1), 1);
        nodes.add(new Network.Node("block1.conv2", conv2, new int[] {y}));
        nodes.add(new Network.Node("block1.add", new io.etalon.op.Add(shape), new int[] {nodes.size() - 1, x}));
        nodes.add(new Network.Node("block1.relu", new Relu(shape), new int[] {nodes.size() - 1}));
        x = nodes.size() - 1;
        int wide = 2 * channels;
        Conv2d down1 = new Conv2d(shape, tensor(random, Shape.of(wide, channels, 3, 3), 0.3), tensor(random, Shape.of(wide), 0.1),
                new int[] {2, 2}, new int[] {1, 1, 1, 1}, new int[] {1, 1});
        y = rectified(nodes, "block2.conv1", down1, x);
        Shape half = down1.outputShape();
        Conv2d down2 = Conv2d.of(half, tensor(random, Shape.of(wide, wide, 3, 3), 0.2), tensor(random, Shape.of(wide), 0.1), 1);
        nodes.add(new Network.Node("block2.conv2", down2, new int[] {y}));
        int main = nodes.size() - 1;
        Conv2d skip = new Conv2d(shape, tensor(random, Shape.of(wide, channels, 1, 1), 0.5), tensor(random, Shape.of(wide), 0.1),
                new int[] {2, 2}, new int[] {0, 0, 0, 0}, new int[] {1, 1});
        nodes.add(new Network.Node("block2.downsample", skip, new int[] {x}));
        nodes.add(new Network.Node("block2.add", new io.etalon.op.Add(half), new int[] {main, nodes.size() - 1}));
        nodes.add(new Network.Node("block2.relu", new Relu(half), new int[] {nodes.size() - 1}));
        shape = next(nodes, "pool", AvgPool2d.global(half));
        shape = next(nodes, "flatten", new Flatten(shape));
        next(nodes, "fc", new Dense(shape, tensor(random, Shape.of(10, shape.size()), 0.3), tensor(random, Shape.of(10), 0.1)));
        return new Network(input, nodes);
    }

    /**
     * A network shaped like MobileNet-V2's start on a {@code 3 x side x side} input: a 3x3 convolution of stride 2 with a
     * ReLU6 ({@link io.etalon.op.Clip} to [0, 6]), an inverted residual block of stride 1 (a 1x1 expand with a ReLU6, a
     * 3x3 depthwise convolution with a ReLU6, a 1x1 projection without one, added to the block's input), one of
     * stride 2 without the Add, a 1x1 convolution with a ReLU6, a global average pool and a dense layer of 10.
     */
    public static Network invertedResidualNetwork(long seed, int side) {
        SplittableRandom random = new SplittableRandom(seed);
        java.util.List<Network.Node> nodes = new java.util.ArrayList<>();
        Conv2d stem = new Conv2d(Shape.of(3, side, side), tensor(random, Shape.of(16, 3, 3, 3), 1.0),
                tensor(random, Shape.of(16), 0.5), new int[] {2, 2}, new int[] {1, 1, 1, 1}, new int[] {1, 1});
        int x = clipped(nodes, "stem", stem, Network.INPUT);
        int y = invertedResidual(nodes, random, "block1", x, 1, 16);
        nodes.add(new Network.Node("block1.add", new io.etalon.op.Add(stem.outputShape()), new int[] {y, x}));
        y = invertedResidual(nodes, random, "block2", nodes.size() - 1, 2, 24);
        Conv2d last = Conv2d.of(nodes.get(y).op().outputShape(), tensor(random, Shape.of(32, 24, 1, 1), 0.5),
                tensor(random, Shape.of(32), 0.5), 0);
        clipped(nodes, "last", last, y);
        Shape shape = next(nodes, "pool", AvgPool2d.global(last.outputShape()));
        shape = next(nodes, "flatten", new Flatten(shape));
        next(nodes, "fc", new Dense(shape, tensor(random, Shape.of(10, shape.size()), 0.3), tensor(random, Shape.of(10), 0.1)));
        return new Network(Shape.of(3, side, side), nodes);
    }

    /**
     * Adds an inverted residual block reading node {@code source}: a 1x1 expand to three times its channels, a 3x3
     * depthwise convolution of {@code stride}, each with a ReLU6, and a 1x1 projection to {@code outChannels} without
     * one; returns the projection's node.
     */
    private static int invertedResidual(java.util.List<Network.Node> nodes, SplittableRandom random, String name,
                                        int source, int stride, int outChannels) {
        Shape in = nodes.get(source).op().outputShape();
        int wide = 3 * in.dim(0);
        Conv2d expand = Conv2d.of(in, tensor(random, Shape.of(wide, in.dim(0), 1, 1), 0.6), tensor(random, Shape.of(wide), 0.5), 0);
        int x = clipped(nodes, name + ".expand", expand, source);
        Conv2d depthwise = new Conv2d(expand.outputShape(), tensor(random, Shape.of(wide, 1, 3, 3), 1.0),
                tensor(random, Shape.of(wide), 0.5), new int[] {stride, stride}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, wide);
        x = clipped(nodes, name + ".depthwise", depthwise, x);
        Conv2d project = Conv2d.of(depthwise.outputShape(), tensor(random, Shape.of(outChannels, wide, 1, 1), 0.4),
                tensor(random, Shape.of(outChannels), 0.5), 0);
        nodes.add(new Network.Node(name + ".project", project, new int[] {x}));
        return nodes.size() - 1;
    }

    /** Adds {@code conv} reading node {@code source} and a ReLU6 after it; returns the ReLU6's node. */
    private static int clipped(java.util.List<Network.Node> nodes, String name, Conv2d conv, int source) {
        nodes.add(new Network.Node(name, conv, new int[] {source}));
        nodes.add(new Network.Node(name + "-relu6", new io.etalon.op.Clip(conv.outputShape(), 0f, 6f),
                new int[] {nodes.size() - 1}));
        return nodes.size() - 1;
    }

    /** Adds {@code conv} reading node {@code source} and a ReLU after it; returns the ReLU's node. */
    private static int rectified(java.util.List<Network.Node> nodes, String name, Conv2d conv, int source) {
        nodes.add(new Network.Node(name, conv, new int[] {source}));
        nodes.add(new Network.Node(name + "-relu", new Relu(conv.outputShape()), new int[] {nodes.size() - 1}));
        return nodes.size() - 1;
    }

    /** Adds {@code conv} and a ReLU after it. */
    private static void rectified(LeNet.Chain chain, String name, Conv2d conv, String relu) {
        chain.add(name, conv);
        chain.add(relu, new Relu(chain.shape()));
    }

    /** Uniform values in {@code +-scale}. */
    public static Tensor tensor(SplittableRandom random, Shape shape, double scale) {
        return new Tensor(shape, values(random, shape.size(), scale));
    }

    /** Uniform values in {@code +-scale}. */
    public static float[] values(SplittableRandom random, int count, double scale) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return values;
    }

    /** An image with the given share of exact zeros, like an MNIST background, so that ties occur. */
    public static float[] image(SplittableRandom random, Shape shape, double zeroShare) {
        float[] image = new float[shape.size()];
        for (int i = 0; i < image.length; i++) {
            image[i] = random.nextDouble() < zeroShare ? 0f : (float) random.nextDouble();
        }
        return image;
    }
}
