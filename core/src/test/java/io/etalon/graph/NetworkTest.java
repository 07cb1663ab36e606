package io.etalon.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.testing.RandomNetworks;
import io.etalon.testing.ReferenceNetwork;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class NetworkTest {

    @Test
    void onePhotoSharedOutAmongThreadsRecordsWhatOneThreadRecords() throws Exception {
        // a pool of one thread never shares an op out; in a pool of two with one image, the large ReLUs and ReLU6s,
        // the pool and the convolutions' copies run in blocks on both threads, each block counting its own ties and
        // margin
        for (Network network : new Network[] {RandomNetworks.photoSizedNetwork(11),
                RandomNetworks.invertedResidualNetwork(11, 160)}) {
            assertOneThreadsRecord(network);
        }
    }

    private static void assertOneThreadsRecord(Network network) throws Exception {
        float[] image = RandomNetworks.values(new SplittableRandom(11), network.inputShape().size(), 1.0);
        Trace alone = inPool(1, () -> network.forward(image, 1));
        Trace shared = inPool(2, () -> network.forward(image, 1));
        for (int node = 0; node < network.size(); node++) {
            assertThat(shared.output(node, 0)).as("output of node %d", node).isEqualTo(alone.output(node, 0));
            assertThat(shared.switches(node).sampleStates(0)).as("switches of node %d", node)
                    .isEqualTo(alone.switches(node).sampleStates(0));
            assertThat(shared.switches(node).ties(0)).as("ties of node %d", node).isEqualTo(alone.switches(node).ties(0));
            assertThat(shared.switches(node).margin(0)).as("margin of node %d", node)
                    .isEqualTo(alone.switches(node).margin(0));
        }
        float[] oneHot = new float[network.outputShape().size()];
        oneHot[3] = 1f;
        double[] biasAlone = new double[1];
        double[] biasShared = new double[1];
        float[] etalonAlone = inPool(1, () -> network.transpose(alone, network.outputIndex(), oneHot, 1, 1, biasAlone,
                new double[1]));
        float[] etalonShared = inPool(2, () -> network.transpose(alone, network.outputIndex(), oneHot, 1, 1, biasShared,
                new double[1]));
        assertThat(etalonShared).isEqualTo(etalonAlone);
        assertThat(biasShared[0]).isEqualTo(biasAlone[0]);
    }

    @Test
    void onePhotosInferenceSharedOutAmongThreadsGivesTheForwardPassesFloats() throws Exception {
        // in a pool of two with one image the convolutions (by phases, 1x1 and 3x3, ReLUs and ReLU6s fused, depthwise
        // ones by blocks of channels), the 3x3 max-pool and the padded copies run in blocks on both threads; a pool of
        // one runs them whole
        for (Network network : new Network[] {RandomNetworks.photoSizedFire(21), RandomNetworks.photoSizedNetwork(21),
                RandomNetworks.residualNetwork(21, 128, 32), RandomNetworks.invertedResidualNetwork(21, 160)}) {
            float[] image = RandomNetworks.values(new SplittableRandom(21), network.inputShape().size(), 1.0);
            float[] alone = inPool(1, () -> network.infer(image, 1));
            float[] shared = inPool(2, () -> network.infer(image, 1));
            Trace trace = inPool(2, () -> network.forward(image, 1));
            assertThat(shared).as("%s on two threads", network).containsExactly(alone);
            assertThat(shared).as("%s against its forward pass", network).containsExactly(trace.output(0));
        }
    }

    @Property(tries = 10)
    void inferenceAssemblesAFireModulesConcatenationInPlace(@ForAll long seed) {
        // the two expands of a batch's samples write their channels straight into each sample's part of the
        // concatenation; nothing of one sample's part may land in another's or in the other expand's channels
        Network network = RandomNetworks.fireNetwork(seed, 20 + (int) Math.floorMod(seed, 17L));
        int n = 5;
        float[] images = RandomNetworks.values(new SplittableRandom(seed), n * network.inputShape().size(), 1.0);
        assertInferenceIsTheForwardPass(network, images, n);
    }

    @Property(tries = 10)
    void inferenceEndsAResidualBlockInOneStep(@ForAll long seed) {
        // each block's last convolution (and the downsampling block's skip-path one) adds the skip connection and
        // rectifies in its own epilogue, for every sample of a batch: the forward pass's Add and ReLU, float for float
        Network network = RandomNetworks.residualNetwork(seed, 8 + (int) Math.floorMod(seed, 9L), 4 + (int) Math.floorMod(seed, 5L));
        int n = 4;
        float[] images = RandomNetworks.values(new SplittableRandom(seed), n * network.inputShape().size(), 1.0);
        assertInferenceIsTheForwardPass(network, images, n);
    }

    @Property(tries = 10)
    void aResidualBlocksFirstLayerHandsItsOutputToTheSecondInItsPaddedPlanes(@ForAll long seed) {
        // the second layer correlates the first's output where it lies, not copying it into padded planes of its own;
        // a second batch through the same buffers finds them holding the first's values, every float rewritten
        Network network = RandomNetworks.residualNetwork(seed, 8 + (int) Math.floorMod(seed, 9L), 4 + (int) Math.floorMod(seed, 5L));
        java.util.List<String> firstLayers = java.util.stream.IntStream.range(0, network.size())
                .filter(k -> network.node(k).name().endsWith(".conv1")).mapToObj(k -> network.node(k + 1).name())
                .toList();
        assertThat(firstLayers).hasSize(2);
        assertThat(network.inferenceHandOffs()).containsExactlyElementsOf(firstLayers);
        SplittableRandom random = new SplittableRandom(seed);
        int n = 3;
        network.infer(RandomNetworks.values(random, n * network.inputShape().size(), 3.0), n);
        assertInferenceIsTheForwardPass(network, RandomNetworks.values(random, n * network.inputShape().size(), 1.0), n);
        assertInferenceIsTheForwardPass(network, RandomNetworks.values(random, network.inputShape().size(), 1.0), 1);
    }

    @Property(tries = 10)
    void inferenceFusesMobileNetsReluSixesIntoTheirConvolutions(@ForAll long seed) {
        // each ReLU6 after an ordinary or a depthwise convolution clips in that convolution's epilogue, for every sample
        // of a batch: the forward pass's Clip, float for float
        Network network = RandomNetworks.invertedResidualNetwork(seed, 8 + (int) Math.floorMod(seed, 25L));
        int n = 3;
        float[] images = RandomNetworks.values(new SplittableRandom(seed), n * network.inputShape().size(), 2.0);
        assertInferenceIsTheForwardPass(network, images, n);
    }

    @Property(tries = 5)
    void timedInferenceGivesInferencesFloatsAndTimesEveryStepOfThePlan(@ForAll long seed) {
        // a fire module's network: a fused stem with its pool, fused expands writing a concatenation in place (a step
        // with nothing left to do), a pool of the concatenation; every node is in exactly one step, in order
        Network network = RandomNetworks.fireNetwork(seed, 20 + (int) Math.floorMod(seed, 17L));
        int n = 3;
        float[] images = RandomNetworks.values(new SplittableRandom(seed), n * network.inputShape().size(), 1.0);
        java.util.List<java.util.List<String>> steps = network.inferenceSteps();
        assertThat(steps.stream().flatMap(java.util.List::stream).toList())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, network.size())
                        .mapToObj(k -> network.node(k).name()).toList());
        assertThat(steps).anySatisfy(step -> assertThat(step).hasSizeGreaterThan(1));
        long[] nanos = new long[steps.size()];
        assertThat(network.inferTimed(images, n, nanos)).containsExactly(network.infer(images, n));
        long[] again = nanos.clone();
        network.inferTimed(images, n, again);
        for (int s = 0; s < steps.size(); s++) {
            // a fused step does work every run; a concatenation its parts assembled may take no measurable time
            if (steps.get(s).size() > 1) {
                assertThat(again[s]).as("step %d %s adds its time", s, steps.get(s)).isGreaterThan(nanos[s]);
            } else {
                assertThat(again[s]).as("step %d %s", s, steps.get(s)).isGreaterThanOrEqualTo(nanos[s]);
            }
        }
        assertThat(java.util.Arrays.stream(nanos).sum()).isPositive();
        assertThatThrownBy(() -> network.inferTimed(images, n, new long[steps.size() - 1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("room for " + steps.size() + " steps");
    }

    /** Each of the {@code n} samples' inferred outputs is, float for float, its forward pass's. */
    private static void assertInferenceIsTheForwardPass(Network network, float[] images, int n) {
        float[] inferred = network.infer(images, n);
        Trace trace = network.forward(images, n);
        int size = network.outputShape().size();
        for (int s = 0; s < n; s++) {
            assertThat(java.util.Arrays.copyOfRange(inferred, s * size, (s + 1) * size)).as("sample %d", s)
                    .containsExactly(trace.output(s));
        }
    }

    private static <T> T inPool(int threads, java.util.concurrent.Callable<T> work) throws Exception {
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads);
        try {
            return pool.submit(work).get();
        } finally {
            pool.shutdown();
        }
    }

    @Property(tries = 40)
    void forwardEqualsTheFloat64Reference(@ForAll long seed) {
        Network network = RandomNetworks.network(seed);
        float[] image = RandomNetworks.image(new SplittableRandom(seed), network.inputShape(), 0.3);
        float[] ours = network.forward(image, 1).output(0);
        double[] reference = ReferenceNetwork.output(network, toDouble(image));
        for (int i = 0; i < ours.length; i++) {
            assertThat((double) ours[i]).as("output %d", i).isCloseTo(reference[i],
                    org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(reference[i]))));
        }
    }

    @Property(tries = 40)
    void frozenPassWithBiasesReproducesForwardOnTheSameInput(@ForAll long seed) {
        // the forward pass finds a piecewise-linear op's value from its input (ReLU6's pieces), the frozen pass
        // through its recorded pieces' slopes and intercepts: the same floats, zeros' signs included
        for (Network network : new Network[] {RandomNetworks.network(seed), RandomNetworks.richNetwork(seed),
                RandomNetworks.invertedResidualNetwork(seed, 8 + (int) Math.floorMod(seed, 9L))}) {
            SplittableRandom random = new SplittableRandom(seed);
            float[] images = new float[3 * network.inputShape().size()];
            for (int s = 0; s < 3; s++) {
                System.arraycopy(RandomNetworks.image(random, network.inputShape(), 0.3), 0, images,
                        s * network.inputShape().size(), network.inputShape().size());
            }
            Trace trace = network.forward(images, 3);
            float[][] frozen = network.frozen(trace, images, 3, 1, true);
            for (int node = 0; node < network.size(); node++) {
                float[] forward = trace.outputs()[node];
                for (int i = 0; i < forward.length; i++) {
                    assertThat(frozen[node][i]).as("%s, node %d, value %d", network, node, i).isEqualTo(forward[i]);
                }
            }
        }
    }

    @Property(tries = 40)
    void jumpingOverThePatternEqualsTheStepByStepTransposedPass(@ForAll long seed) {
        // one sample's rows take the jump from a pool or flatten straight to the convolution's input; rows of two
        // samples go op by op; the two must agree, biases included
        Network network = RandomNetworks.network(seed);
        SplittableRandom random = new SplittableRandom(seed);
        int size = network.inputShape().size();
        float[] image = RandomNetworks.image(random, network.inputShape(), 0.3);
        float[] twice = new float[2 * size];
        System.arraycopy(image, 0, twice, 0, size);
        System.arraycopy(image, 0, twice, size, size);
        int from = network.outputIndex();
        int outputs = network.outputShape().size();
        int rows = 1 + random.nextInt(outputs);
        float[] cotangent = RandomNetworks.values(random, rows * outputs, 1.0);
        float[] doubled = new float[2 * rows * outputs];
        System.arraycopy(cotangent, 0, doubled, 0, cotangent.length);
        System.arraycopy(cotangent, 0, doubled, cotangent.length, cotangent.length);
        double[] jumpBiases = new double[rows];
        double[] jumpScales = new double[rows];
        float[] jumped = network.transpose(network.forward(image, 1), from, cotangent, rows, rows, jumpBiases, jumpScales);
        double[] stepBiases = new double[2 * rows];
        double[] stepScales = new double[2 * rows];
        float[] stepped = network.transpose(network.forward(twice, 2), from, doubled, 2 * rows, rows, stepBiases, stepScales);
        for (int k = 0; k < rows * size; k++) {
            assertThat(jumped[k]).as("input gradient %d", k)
                    .isCloseTo(stepped[k], org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(stepped[k]))));
        }
        for (int r = 0; r < rows; r++) {
            assertThat(jumpBiases[r]).isCloseTo(stepBiases[r], org.assertj.core.data.Offset.offset(1e-5 * (1 + stepScales[r])));
        }
    }

    @Property(tries = 40)
    void inferenceGivesTheForwardPassesFloats(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Network network : new Network[] {RandomNetworks.network(seed), RandomNetworks.richNetwork(seed), LeNet.create(seed)}) {
            int size = network.inputShape().size();
            float[] images = new float[3 * size];
            for (int s = 0; s < 3; s++) {
                System.arraycopy(RandomNetworks.image(random, network.inputShape(), 0.3), 0, images, s * size, size);
            }
            float[] inferred = network.infer(images, 3);
            Trace trace = network.forward(images, 3);
            int outputs = network.outputShape().size();
            for (int s = 0; s < 3; s++) {
                assertThat(java.util.Arrays.copyOfRange(inferred, s * outputs, (s + 1) * outputs))
                        .as("sample %d of %s", s, network).containsExactly(trace.output(s));
            }
        }
    }

    @Test
    void inferenceInCacheSizedTilesGivesTheForwardPassesFloats() {
        // LeNet's plan fuses conv - relu - pool twice and runs about twenty samples per tile: 97 samples make
        // several whole tiles and a partial last one
        Network lenet = LeNet.create(11);
        SplittableRandom random = new SplittableRandom(12);
        int n = 97;
        float[] images = new float[n * 784];
        for (int s = 0; s < n; s++) {
            System.arraycopy(RandomNetworks.image(random, lenet.inputShape(), 0.6), 0, images, s * 784, 784);
        }
        float[] inferred = lenet.infer(images, n);
        Trace trace = lenet.forward(images, n);
        for (int s = 0; s < n; s++) {
            assertThat(java.util.Arrays.copyOfRange(inferred, s * 10, (s + 1) * 10)).as("sample %d", s)
                    .containsExactly(trace.output(s));
        }
    }

    @Test
    void batchedForwardEqualsOneAtATime() {
        Network lenet = LeNet.create(3);
        SplittableRandom random = new SplittableRandom(5);
        float[] two = new float[2 * 784];
        for (int i = 0; i < two.length; i++) {
            two[i] = random.nextDouble() < 0.8 ? 0f : (float) random.nextDouble();
        }
        Trace batch = lenet.forward(two, 2);
        Trace second = lenet.forward(java.util.Arrays.copyOfRange(two, 784, 1568), 1);
        assertThat(batch.output(1)).containsExactly(second.output(0));
        assertThat(batch.pattern(1)).isEqualTo(second.pattern(0));
    }

    @Test
    void leNetHasThePapersLayers() {
        Network lenet = LeNet.create(1);
        assertThat(lenet.names()).containsExactly("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc1",
                "relu3", "fc2", "relu4", "fc3");
        assertThat(lenet.shapeOf(lenet.indexOf("pool2").orElseThrow()).toString()).isEqualTo("16x5x5");
        assertThat(lenet.outputShape().size()).isEqualTo(10);
        assertThat(lenet.parameterCount()).isEqualTo(61706);
    }

    @Test
    void nanPixelsAndWrongSizesAreRefusedWithOneLine() {
        Network lenet = LeNet.create(1);
        float[] image = new float[784];
        image[30] = Float.NaN;
        assertThatThrownBy(() -> lenet.forward(image, 1)).hasMessage(
                "input value 30 of sample 0 is NaN; pixels must be finite numbers");
        assertThatThrownBy(() -> lenet.forward(new float[100], 1)).hasMessageContaining("1x28x28");
    }

    @Test
    void theGraphMustBeInTopologicalOrder() {
        Network lenet = LeNet.create(1);
        java.util.List<Network.Node> nodes = new java.util.ArrayList<>(lenet.nodes());
        Network.Node first = nodes.get(0);
        nodes.set(0, new Network.Node(first.name(), first.op(), new int[] {3}));
        assertThatThrownBy(() -> new Network(lenet.inputShape(), nodes)).hasMessageContaining("topological order");
    }

    static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
