package io.etalon.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.data.Npy;
import io.etalon.etalon.Etalon;
import io.etalon.etalon.EtalonSolver;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shipped LeNet: it reloads with identical outputs, reaches 98% on the held-out digits, and its etalons equal
 * the golden etalons PyTorch autograd computed ({@code tools/golden/make_golden.py}).
 */
class ShippedModelTest {

    private static final Path ROOT = Path.of("..");
    private static final Path MODEL = ROOT.resolve("models/lenet-mnist.onnx");
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    /** Agreement with PyTorch, relative to the largest weight of each etalon. */
    private static final double GOLDEN_TOLERANCE = 1e-5;

    private static Network network;
    private static ImageSet test;
    private static int[] labels;

    @TempDir
    Path folder;

    @BeforeAll
    static void load() throws Exception {
        network = OnnxModels.load(MODEL).network();
        test = Idx.readImages(ROOT.resolve("data/mnist/test-images-idx3-ubyte.gz"));
        labels = Idx.readLabels(ROOT.resolve("data/mnist/test-labels-idx1-ubyte.gz"));
    }

    @Test
    void loadsFromTheBytesOfItsFileAsFromTheFile() throws Exception {
        Network fromBytes = OnnxModels.load(java.nio.file.Files.readAllBytes(MODEL), "lenet-mnist.onnx", null).network();
        float[] digits = test.select(new int[] {0, 1, 2}).pixels();
        for (int i = 0; i < 3; i++) {
            assertThat(fromBytes.forward(digits, 3).output(i)).containsExactly(network.forward(digits, 3).output(i));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnnxModels.load(new byte[] {1, 2, 3}, "broken.onnx", null))
                .isInstanceOf(ModelFormatException.class).hasMessageStartingWith("broken.onnx: not a valid ONNX model");
    }

    @Test
    void reachesNinetyEightPercentOnTheHeldOutDigits() {
        assertThat(Trainer.accuracy(network, test.pixels(), labels, 2)).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void everyHeldOutDigitHasExactEtalons() {
        io.etalon.etalon.Explainer explainer = new io.etalon.etalon.Explainer(network, Method.AUTO.solver(), 2);
        io.etalon.etalon.Explanation[] explanations = explainer.explainAll(test.pixels(), test.count(),
                Neuron.parse("output", network), done -> { });
        double worst = 0;
        int tied = 0;
        for (io.etalon.etalon.Explanation explanation : explanations) {
            worst = Math.max(worst, explanation.maxRelativeResidual());
            tied += explanation.pattern().totalTies() > 0 ? 1 : 0;
        }
        assertThat(worst).as("largest relative residual over 2,000 digits x 10 outputs").isLessThan(1e-5);
        assertThat(tied).as("digits that sit on a face between regions (exact ties)").isGreaterThan(1900);
    }

    @Test
    void everySolverAgreesWithAlgorithmOneOnEveryHeldOutDigit() {
        // Algorithm 1 (coordinate images through the zero-bias frozen network) is the paper's definition; the fast
        // solvers must reproduce it on all 2,000 held-out digits x 10 outputs, relative to each etalon's largest weight
        List<Neuron> outputs = Neuron.parse("output", network);
        io.etalon.etalon.Explanation[] reference = new io.etalon.etalon.Explainer(network, Method.COORDINATE.solver(), 2)
                .explainAll(test.pixels(), test.count(), outputs, done -> { });
        for (Method method : new Method[] {Method.REVERSE, Method.FORWARD, Method.AUTO}) {
            io.etalon.etalon.Explanation[] fast = new io.etalon.etalon.Explainer(network, method.solver(), 2)
                    .explainAll(test.pixels(), test.count(), outputs, done -> { });
            double worst = 0;
            double worstBias = 0;
            for (int i = 0; i < test.count(); i++) {
                for (int p = 0; p < outputs.size(); p++) {
                    Etalon expected = reference[i].etalons().get(p);
                    Etalon actual = fast[i].etalons().get(p);
                    double scale = 1e-30;
                    for (int j = 0; j < 784; j++) {
                        scale = Math.max(scale, Math.abs(expected.weight(j)));
                    }
                    for (int j = 0; j < 784; j++) {
                        worst = Math.max(worst, Math.abs(actual.weight(j) - expected.weight(j)) / scale);
                    }
                    worstBias = Math.max(worstBias, Math.abs(actual.bias() - expected.bias()) / (1 + Math.abs(expected.bias())));
                    assertThat(actual.relativeResidual()).isLessThan(1e-5);
                }
            }
            assertThat(worst).as("%s against coordinate, largest relative difference over 2,000 x 10 etalons", method)
                    .isLessThan(1e-5);
            assertThat(worstBias).as("%s bias against coordinate", method).isLessThan(1e-5);
        }
    }

    @Test
    void reloadsWithIdenticalOutputs() throws Exception {
        Path copy = folder.resolve("copy.onnx");
        OnnxModels.save(network, copy);
        Network reloaded = OnnxModels.load(copy).network();
        float[] first = java.util.Arrays.copyOf(test.pixels(), 50 * 784);
        Trace a = network.forward(first, 50);
        Trace b = reloaded.forward(first, 50);
        for (int s = 0; s < 50; s++) {
            assertThat(b.output(s)).containsExactly(a.output(s));
        }
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void etalonsEqualPyTorchAutograd(Method method) throws Exception {
        Npy.Array etalons = Npy.read(GOLDEN.resolve("etalons.npy"));
        Npy.Array scores = Npy.read(GOLDEN.resolve("scores.npy"));
        double[] indices = Npy.read(GOLDEN.resolve("indices.npy")).values();
        int[] shape = etalons.shape();
        assertThat(shape).containsExactly(indices.length, 10, 1, 28, 28);
        double[] golden = etalons.values();
        double[] goldenScores = scores.values();
        EtalonSolver solver = method.solver();
        List<Neuron> outputs = Neuron.parse("output", network);
        int tiedImages = 0;
        for (int n = 0; n < indices.length; n++) {
            Trace trace = network.forward(test.image((int) indices[n]), 1);
            if (trace.pattern(0).totalTies() > 0) {
                tiedImages++;
            }
            List<Etalon> ours = solver.solve(network, trace, outputs);
            for (int p = 0; p < 10; p++) {
                Etalon etalon = ours.get(p);
                assertThat(etalon.relativeResidual()).isLessThan(1e-5);
                assertThat(etalon.score()).isCloseTo(goldenScores[n * 10 + p],
                        org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(goldenScores[n * 10 + p]))));
                int base = (n * 10 + p) * 784;
                double scale = 1e-30;
                for (int j = 0; j < 784; j++) {
                    scale = Math.max(scale, Math.abs(golden[base + j]));
                }
                double worst = 0;
                int worstIndex = -1;
                for (int j = 0; j < 784; j++) {
                    double difference = Math.abs(etalon.weight(j) - golden[base + j]) / scale;
                    if (difference > worst) {
                        worst = difference;
                        worstIndex = j;
                    }
                }
                assertThat(worst).as("image %d neuron %d: max relative difference at pixel %d (%s)",
                        (int) indices[n], p, worstIndex, method).isLessThan(GOLDEN_TOLERANCE);
            }
        }
        assertThat(tiedImages).as("golden images with exact max-pool ties (they pin the tie rule)").isPositive();
    }
}
