package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.graph.Network;
import io.etalon.tensor.Shape;
import io.etalon.testing.ReferenceNetwork;
import java.util.List;

/** Checks shared by the convolution tests: the value against the float64 reference, the adjoint, the bias terms. */
final class ConvolutionChecks {

    private static final double TOLERANCE = 1e-5;

    private ConvolutionChecks() {
    }

    /** One sample's value: the frozen linear part, then the bias. */
    static float[] forward(Op op, float[] input) {
        return value(op, input, 1);
    }

    /** The value of {@code rows} samples. */
    static float[] value(Op op, float[] x, int rows) {
        float[] y = new float[rows * op.outputShape().size()];
        op.linear(new float[][] {x}, y, rows, Switches.none(rows), 1);
        op.addBias(y, rows, Switches.none(rows), 1);
        return y;
    }

    /** The value {@code y} of {@code rows} samples {@code x} equals the float64 reference network of the op alone. */
    static void assertValueIsTheReference(Op op, float[] x, float[] y, int rows, String what) {
        Shape in = op.inputShapes().get(0);
        Shape out = op.outputShape();
        Network alone = new Network(in, List.of(new Network.Node("op", op, new int[] {Network.INPUT})));
        for (int r = 0; r < rows; r++) {
            double[] image = new double[in.size()];
            for (int i = 0; i < image.length; i++) {
                image[i] = x[r * in.size() + i];
            }
            double[] reference = ReferenceNetwork.output(alone, image);
            for (int i = 0; i < reference.length; i++) {
                assertThat((double) y[r * out.size() + i]).as("%s output %d vs reference", what, i)
                        .isCloseTo(reference[i], org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(reference[i]))));
            }
        }
    }

    /**
     * {@code grad} is {@code start} plus the transpose applied to {@code u}; with {@code linear} the frozen map applied
     * to {@code x}, the two are adjoint: {@code <Ax, u> = <x, A^T u>}.
     */
    static void assertAdjoint(float[] x, float[] linear, float[] u, float[] start, float[] grad, String what) {
        double left = dot(linear, u);
        double right = 0;
        for (int i = 0; i < x.length; i++) {
            right += (double) x[i] * (grad[i] - start[i]);
        }
        assertThat(Math.abs(left - right) / Math.max(1, Math.abs(left) + Math.abs(right)))
                .as("<Ax,u> = <x,A^T u> for %s", what).isLessThan(TOLERANCE);
    }

    /** The bias contribution of {@code u} is {@code <u, bias broadcast over each output channel>}. */
    static void assertChannelBiasContribution(Op op, float[] u, int rows, String what) {
        double[] contribution = new double[rows];
        double[] magnitude = new double[rows];
        op.accumulateBiasContribution(u, rows, Switches.none(rows), 1, contribution, magnitude);
        float[] bias = op.parameters().get(1).data();
        Shape out = op.outputShape();
        int plane = out.dim(1) * out.dim(2);
        for (int r = 0; r < rows; r++) {
            double expected = 0;
            for (int i = 0; i < out.size(); i++) {
                expected += u[r * out.size() + i] * bias[i / plane];
            }
            assertThat(contribution[r]).as("bias contribution of %s", what)
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(TOLERANCE * (1 + magnitude[r])));
        }
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
