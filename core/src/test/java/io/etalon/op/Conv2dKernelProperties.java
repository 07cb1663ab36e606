package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.graph.Network;
import io.etalon.testing.RandomNetworks;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The fast (im2col) convolution kernels equal their direct loop-nest twins on random shapes and row counts. */
class Conv2dKernelProperties {

    @Property(tries = 60)
    void fastKernelsEqualTheDirectLoops(@ForAll long seed, @ForAll @IntRange(min = 1, max = 70) int rows) {
        Network network = RandomNetworks.network(seed);
        SplittableRandom random = new SplittableRandom(seed);
        for (Network.Node node : network.nodes()) {
            if (!(node.op() instanceof Conv2d conv)) {
                continue;
            }
            int in = conv.inputShapes().get(0).size();
            int out = conv.outputShape().size();
            float[] x = RandomNetworks.values(random, rows * in, 1.0);
            float[] fast = new float[rows * out];
            float[] direct = new float[rows * out];
            conv.linear(new float[][] {x}, fast, rows, Switches.none(rows), 1);
            conv.linearDirect(x, direct, rows);
            assertClose(fast, direct, conv.describe());
            float[] g = RandomNetworks.values(random, rows * out, 1.0);
            float[] fastGrad = RandomNetworks.values(random, rows * in, 1.0);
            float[] directGrad = fastGrad.clone();
            conv.transpose(g, new float[][] {fastGrad}, rows, Switches.none(rows), 1);
            conv.transposeDirect(g, directGrad, rows);
            assertClose(fastGrad, directGrad, conv.describe());
            // the dense adjoint of the etalon solvers: a turned-filter correlation at stride 1, else the im2col product
            float[] denseGrad = RandomNetworks.values(random, rows * in, 1.0);
            float[] denseDirect = denseGrad.clone();
            conv.transposeDense(g, denseGrad, rows);
            conv.transposeDirect(g, denseDirect, rows);
            assertClose(denseGrad, denseDirect, conv.describe() + " (dense)");
            // mostly-zero gradients, as behind a max-pool, take the sparse scatter path
            for (int k = 0; k < g.length; k++) {
                if (random.nextInt(5) != 0) {
                    g[k] = 0f;
                }
            }
            float[] sparseGrad = new float[rows * in];
            float[] sparseDirect = new float[rows * in];
            conv.transpose(g, new float[][] {sparseGrad}, rows, Switches.none(rows), 1);
            conv.transposeDirect(g, sparseDirect, rows);
            assertClose(sparseGrad, sparseDirect, conv.describe() + " (sparse)");
        }
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("%s at %d", what, i)
                    .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f * (1 + Math.abs(expected[i]))));
        }
    }
}
