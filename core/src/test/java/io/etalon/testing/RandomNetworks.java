package io.etalon.testing;

import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
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
