package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.tensor.Shape;
import io.etalon.testing.RandomNetworks;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The frozen linear map and its transpose are adjoint, {@code <J v, u> = <v, J^T u>}, for every op of random
 * networks (random shapes, strides, paddings, dilations), with switches recorded from inputs that have ties.
 */
class OpAdjointProperties {

    private static final double TOLERANCE = 1e-5;

    @Property(tries = 60)
    void linearAndTransposeAreAdjoint(@ForAll long seed) {
        checkAdjoint(RandomNetworks.network(seed), seed);
    }

    @Property(tries = 60)
    void linearAndTransposeAreAdjointForEveryOtherOp(@ForAll long seed) {
        checkAdjoint(RandomNetworks.richNetwork(seed), seed);
    }

    private void checkAdjoint(Network network, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        int samples = 2;
        float[] images = new float[samples * network.inputShape().size()];
        for (int s = 0; s < samples; s++) {
            float[] image = RandomNetworks.image(random, network.inputShape(), 0.4);
            System.arraycopy(image, 0, images, s * image.length, image.length);
        }
        Trace trace = network.forward(images, samples);
        int rowsPerSample = 3;
        int rows = samples * rowsPerSample;
        for (int k = 0; k < network.size(); k++) {
            Op op = network.node(k).op();
            int inputs = op.inputShapes().size();
            Shape out = op.outputShape();
            float[][] v = new float[inputs][];
            float[][] jtu = new float[inputs][];
            for (int i = 0; i < inputs; i++) {
                v[i] = RandomNetworks.values(random, rows * op.inputShapes().get(i).size(), 1.0);
                jtu[i] = new float[v[i].length];
            }
            float[] u = RandomNetworks.values(random, rows * out.size(), 1.0);
            float[] jv = new float[rows * out.size()];
            op.linear(v, jv, rows, trace.switches(k), rowsPerSample);
            op.transpose(u, jtu, rows, trace.switches(k), rowsPerSample);
            double left = dot(jv, u);
            double right = 0;
            for (int i = 0; i < inputs; i++) {
                right += dot(v[i], jtu[i]);
            }
            // float round-off grows with the terms summed, not with their (cancelling) total: judge against the terms
            double scale = Math.max(1, absoluteDot(jv, u));
            for (int i = 0; i < inputs; i++) {
                scale += absoluteDot(v[i], jtu[i]);
            }
            assertThat(Math.abs(left - right) / scale)
                    .as("<Jv,u> vs <v,J^T u> for %s (%s)", network.node(k).name(), op.describe())
                    .isLessThan(TOLERANCE);
        }
    }

    @Property(tries = 40)
    void linearAndTransposeAreAdjointThroughMaxAndMinOfBranches(@ForAll long seed) {
        checkAdjoint(RandomNetworks.branchNetwork(seed), seed);
    }

    @Property(tries = 40)
    void linearAndTransposeAreAdjointThroughTransposedConvolutions(@ForAll long seed) {
        checkAdjoint(RandomNetworks.upsamplingNetwork(seed), seed);
    }

    @Property(tries = 30)
    void transposeAccumulatesIntoItsOutput(@ForAll long seed) {
        Network network = RandomNetworks.network(seed);
        SplittableRandom random = new SplittableRandom(seed);
        Trace trace = network.forward(RandomNetworks.image(random, network.inputShape(), 0.3), 1);
        for (int k = 0; k < network.size(); k++) {
            Op op = network.node(k).op();
            if (op.inputShapes().size() != 1) {
                continue;
            }
            int inSize = op.inputShapes().get(0).size();
            float[] u = RandomNetworks.values(random, op.outputShape().size(), 1.0);
            float[] once = new float[inSize];
            op.transpose(u, new float[][] {once}, 1, trace.switches(k), 1);
            float[] twice = once.clone();
            op.transpose(u, new float[][] {twice}, 1, trace.switches(k), 1);
            for (int i = 0; i < inSize; i++) {
                assertThat(twice[i]).isCloseTo(2 * once[i], org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(once[i]))));
            }
        }
    }

    private static double absoluteDot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((double) a[i] * b[i]);
        }
        return sum;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
