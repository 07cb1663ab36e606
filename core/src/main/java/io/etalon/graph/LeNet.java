package io.etalon.graph;

import io.etalon.op.Conv2d;
import io.etalon.op.Dense;
import io.etalon.op.Flatten;
import io.etalon.op.MaxPool2d;
import io.etalon.op.Op;
import io.etalon.op.Relu;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The paper's LeNet, ReLU variant, for 1x28x28 digits:
 * conv1 5x5x6 pad 2, max-pool 2, conv2 5x5x16, max-pool 2, fc1 120, fc2 84, fc3 10, ReLU after every hidden
 * layer and no softmax at the end (the softmax lives only inside the training loss).
 *
 * <p>Node names: {@code conv1 relu1 pool1 conv2 relu2 pool2 flatten fc1 relu3 fc2 relu4 fc3}.
 */
public final class LeNet {

    private LeNet() {
    }

    /**
     * A LeNet with freshly initialised parameters: weights uniform in {@code +-sqrt(6 / fanIn)} (He), biases
     * uniform in {@code +-1 / sqrt(fanIn)}, drawn in node order from one seeded generator.
     */
    public static Network create(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Chain chain = new Chain(Shape.of(1, 28, 28));
        chain.add("conv1", Conv2d.of(chain.shape, init(random, Shape.of(6, 1, 5, 5), 25), bias(random, 6, 25), 2));
        chain.add("relu1", new Relu(chain.shape));
        chain.add("pool1", MaxPool2d.of(chain.shape, 2));
        chain.add("conv2", Conv2d.of(chain.shape, init(random, Shape.of(16, 6, 5, 5), 150), bias(random, 16, 150), 0));
        chain.add("relu2", new Relu(chain.shape));
        chain.add("pool2", MaxPool2d.of(chain.shape, 2));
        chain.add("flatten", new Flatten(chain.shape));
        chain.add("fc1", new Dense(chain.shape, init(random, Shape.of(120, 400), 400), bias(random, 120, 400)));
        chain.add("relu3", new Relu(chain.shape));
        chain.add("fc2", new Dense(chain.shape, init(random, Shape.of(84, 120), 120), bias(random, 84, 120)));
        chain.add("relu4", new Relu(chain.shape));
        chain.add("fc3", new Dense(chain.shape, init(random, Shape.of(10, 84), 84), bias(random, 10, 84)));
        return chain.build();
    }

    private static Tensor init(SplittableRandom random, Shape shape, int fanIn) {
        return uniform(random, shape, Math.sqrt(6.0 / fanIn));
    }

    private static Tensor bias(SplittableRandom random, int size, int fanIn) {
        return uniform(random, Shape.of(size), 1.0 / Math.sqrt(fanIn));
    }

    private static Tensor uniform(SplittableRandom random, Shape shape, double bound) {
        float[] values = new float[shape.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return new Tensor(shape, values);
    }

    /** Builds a chain of nodes, each reading the previous one. */
    public static final class Chain {
        private final Shape inputShape;
        private final List<Network.Node> nodes = new ArrayList<>();
        private Shape shape;

        public Chain(Shape inputShape) {
            this.inputShape = inputShape;
            this.shape = inputShape;
        }

        /** Shape of the current end of the chain. */
        public Shape shape() {
            return shape;
        }

        public Chain add(String name, Op op) {
            nodes.add(new Network.Node(name, op, new int[] {nodes.size() - 1}));
            shape = op.outputShape();
            return this;
        }

        public Network build() {
            return new Network(inputShape, nodes);
        }
    }
}
