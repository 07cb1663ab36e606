package io.etalon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;

import io.etalon.data.DataFormatException;
import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.data.Preprocessing;
import io.etalon.etalon.UnknownNeuronException;
import io.etalon.onnx.ModelFormatException;
import io.etalon.onnx.OnnxModels;
import io.etalon.onnx.UnsupportedOpException;
import io.etalon.pattern.Census;
import io.etalon.pattern.Pattern;
import io.etalon.region.RegionReport;
import io.etalon.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtalonsTest {

    private static final Path LENET = Path.of("../models/lenet-mnist.onnx");
    private static final Path SQUEEZENET = Path.of("../models/squeezenet1_1.onnx");
    private static final Path CLASSES = Path.of("../models/imagenet_classes.txt");
    private static final Path CAT = Path.of("../data/photos/chelsea.png");
    private static final Path DIGITS = Path.of("../data/mnist/test-images-idx3-ubyte.gz");

    /** The exactness invariant's bound on the relative residual (README, "Exact means exact"). */
    private static final double EXACT = 1e-5;

    private static Etalons lenet;
    private static ImageSet digits;

    @BeforeAll
    static void load() throws IOException {
        lenet = Etalons.load(LENET);
        digits = Idx.readImages(DIGITS).select(java.util.stream.IntStream.range(0, 24).toArray());
    }

    @Test
    void digitOutputsAreExactAndTheirOwnCopies() {
        float[] digit = digits.image(0);
        ExplainedImage answer = lenet.explain(digit, "output");
        assertThat(answer.shape()).isEqualTo(Shape.of(1, 28, 28));
        assertThat(answer.neurons()).hasSize(10);
        assertThat(answer.scores()).containsExactly(lenet.network().forward(digit, 1).output(0));
        for (int p = 0; p < 10; p++) {
            ExplainedNeuron neuron = answer.neurons().get(p);
            assertThat(neuron.index()).isEqualTo(p);
            assertThat(neuron.className()).isNull();
            // the identity, checked here on its own: score = <W, X> + b
            float[] w = neuron.etalon();
            double dot = 0;
            double scale = Math.abs(neuron.bias());
            for (int i = 0; i < w.length; i++) {
                dot += (double) w[i] * digit[i];
                scale += Math.abs((double) w[i] * digit[i]);
            }
            assertThat(Math.abs(neuron.score() - (dot + neuron.bias())) / scale).isLessThan(EXACT);
            assertThat(neuron.relativeResidual()).isLessThan(EXACT);
            assertThat(neuron.score()).isEqualTo(answer.scores()[p]);
        }
        // arrays go out as copies: changing them changes no answer
        answer.neurons().get(0).etalon()[0] = 1e9f;
        answer.input()[0] = 1e9f;
        answer.scores()[0] = 1e9f;
        assertThat(answer.neurons().get(0).etalon()[0]).isNotEqualTo(1e9f);
        assertThat(answer.input()).containsExactly(digit);
        assertThat(answer).isEqualTo(lenet.explain(digit, "output"));
    }

    @Test
    void photoTopThreeWithClassNames() throws IOException {
        Etalons squeezenet = Etalons.load(SQUEEZENET, Preprocessing.IMAGENET).withClasses(CLASSES);
        assertThat(squeezenet.inputShape()).isEqualTo(Shape.of(3, 224, 224));
        ExplainedImage cat = squeezenet.explain(CAT, "top:3");
        assertThat(cat.neurons()).hasSize(3);
        assertThat(cat.neurons().get(0).index()).isEqualTo(cat.predicted());
        assertThat(cat.neurons().get(0).className()).isEqualTo(cat.predictedClass()).contains("cat");
        assertThat(cat.neurons().get(0).score()).isGreaterThanOrEqualTo(cat.neurons().get(1).score());
        assertThat(cat.neurons().get(1).score()).isGreaterThanOrEqualTo(cat.neurons().get(2).score());
        assertThat(cat.maxRelativeResidual()).isLessThan(EXACT);
        // the photo sits near decisions float64 may take the other way; a caller who does not read them skips the scan
        assertThat(cat.nearTies()).isNotEmpty();
        ExplainedImage unlisted = squeezenet.withNearTies(false).explain(CAT, "top:3");
        assertThat(unlisted.nearTies()).isEmpty();
        assertThat(unlisted.neurons()).isEqualTo(cat.neurons());
        // an image already in memory is the same X as its file
        assertThat(squeezenet.pixels(ImageIO.read(CAT.toFile()))).containsExactly(squeezenet.pixels(CAT));
        assertThat(squeezenet.explain(ImageIO.read(CAT.toFile()), "top:3")).isEqualTo(cat);
        // a photo not of the model's size without preprocessing: the command line's message
        Etalons raw = Etalons.of(squeezenet.network(), Preprocessing.NONE);
        assertThatThrownBy(() -> raw.explain(CAT, "top:1")).isInstanceOf(DataFormatException.class)
                .hasMessage(CAT + ": the photo is 451x300 but the model takes 224x224; give --preprocess imagenet"
                        + " (resize 256, crop 224) or --resize N --crop 224x224");
        assertThatThrownBy(() -> squeezenet.region(squeezenet.pixels(CAT))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region takes the gradient of every ReLU and pool decision")
                .hasMessageContaining("for a photo model use explain");
    }

    @Test
    void aModelsMetadataMakesItsInputsAsTheCommandLineDoes(@TempDir Path dir) throws IOException {
        // LeNet as if exported for pixels 0..255: the stated range is folded in, so it takes the same 0..1 digits
        Etalons stated = Etalons.load(withMetadata(LENET, dir.resolve("lenet-255.onnx"),
                Map.of("Image.NominalPixelRange", "NominalRange_0_255")));
        assertThat(stated.notes()).containsExactly("input pixels as the model's metadata states"
                + " (Image.NominalPixelRange = NominalRange_0_255); --pixel-scale, --mean and --std override it");
        float[] digit = digits.image(3);
        float[] as255 = digit.clone();
        for (int i = 0; i < as255.length; i++) {
            as255[i] *= 255;
        }
        ExplainedImage answer = stated.explain(digit, "output");
        float[] plain = lenet.network().forward(as255, 1).output(0);
        for (int p = 0; p < 10; p++) {
            assertThat(answer.scores()[p]).isCloseTo(plain[p], within(1e-4f * (1 + Math.abs(plain[p]))));
        }
        assertThat(answer.shape()).isEqualTo(Shape.of(1, 28, 28));
        assertThat(answer.maxRelativeResidual()).isLessThan(EXACT);
    }

    @Test
    void aStatedPresetPreprocessesPhotosAndAnExplicitOneOverridesIt(@TempDir Path dir) throws IOException {
        Path stated = withMetadata(SQUEEZENET, dir.resolve("squeezenet-stated.onnx"), Map.of("preprocess", "imagenet"));
        Etalons fromMetadata = Etalons.load(stated).withClasses(CLASSES);
        assertThat(fromMetadata.preprocessing().name()).isEqualTo("imagenet");
        assertThat(fromMetadata.notes()).anyMatch(note -> note.contains("(preprocess = imagenet)"));
        Etalons given = Etalons.load(SQUEEZENET, Preprocessing.IMAGENET).withClasses(CLASSES);
        assertThat(fromMetadata.explain(CAT, "top:3")).isEqualTo(given.explain(CAT, "top:3"));
        // an explicit preprocessing replaces the stated one: no ImageNet normalisation, a 224 resize
        Preprocessing plain = Preprocessing.NONE.withResize(224).withCrop(224, 224);
        Etalons overridden = Etalons.load(stated, plain);
        assertThat(overridden.preprocessing().resize()).isEqualTo(224);
        assertThat(overridden.preprocessing().mean()).isEmpty();
        assertThat(overridden.notes()).noneMatch(note -> note.contains("metadata"));
        ExplainedImage raw = overridden.explain(CAT, "top:1");
        assertThat(raw).isEqualTo(Etalons.load(SQUEEZENET, plain).explain(CAT, "top:1"));
        assertThat(raw.scores()).isNotEqualTo(fromMetadata.explain(CAT, "top:1").scores());
        assertThat(raw.maxRelativeResidual()).isLessThan(EXACT);
    }

    /** A copy of {@code model} with {@code metadata} in its metadata_props, as an exporter may write it. */
    static Path withMetadata(Path model, Path copy, Map<String, String> metadata) throws IOException {
        OnnxMl.ModelProto.Builder builder = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model)).toBuilder();
        metadata.forEach((key, value) -> builder.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        Files.write(copy, builder.build().toByteArray());
        return copy;
    }

    @Test
    void concurrentCallsGiveTheAnswersOfSequentialOnes() throws Exception {
        List<ExplainedImage> sequential = new ArrayList<>();
        for (int k = 0; k < digits.count(); k++) {
            sequential.add(lenet.explain(digits.image(k), "top:3", "conv1:0,5,5"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ExplainedImage>> futures = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (int k = digits.count() - 1; k >= 0; k--) {
                    float[] digit = digits.image(k);
                    futures.add(pool.submit(() -> lenet.explain(digit, "top:3", "conv1:0,5,5")));
                }
            }
            for (int f = 0; f < futures.size(); f++) {
                int k = digits.count() - 1 - f % digits.count();
                assertThat(futures.get(f).get()).isEqualTo(sequential.get(k));
            }
        } finally {
            pool.shutdown();
        }
        List<ExplainedImage> batch = lenet.withThreads(3).explainAll(digits.pixels(), digits.count(),
                lenet.neurons("top:3", "conv1:0,5,5"), done -> { });
        assertThat(batch).isEqualTo(sequential);
    }

    @Test
    void regionAndCensus() {
        float[] digit = digits.image(1);
        RegionReport region = lenet.region(digit);
        assertThat(region.radiusL2()).isGreaterThanOrEqualTo(0);
        assertThat(region.faceRadiusL2()).isGreaterThanOrEqualTo(region.radiusL2());
        java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
        Census census = lenet.withThreads(2).census(digits.pixels(), digits.count(),
                done -> finished.accumulateAndGet(done, Math::max));
        assertThat(finished.get()).isEqualTo(digits.count());
        Set<Pattern> patterns = new HashSet<>();
        Set<Long> outputEtalons = new HashSet<>();
        for (int k = 0; k < digits.count(); k++) {
            ExplainedImage answer = lenet.explain(digits.image(k), "output");
            patterns.add(answer.pattern());
            outputEtalons.add(answer.etalonFingerprint());
        }
        assertThat(census.inputs()).isEqualTo(digits.count());
        assertThat(census.distinctPatterns()).isEqualTo(patterns.size());
        // the census counts sets of output etalons by the answers' fingerprints
        assertThat(census.distinctEtalons()).isEqualTo(outputEtalons.size());
        ExplainedImage first = lenet.explain(digits.image(0), "output");
        assertThat(first.etalonFingerprint()).isEqualTo(lenet.explain(digits.image(0), "output").etalonFingerprint())
                .isNotEqualTo(lenet.explain(digits.image(0), "top:1").etalonFingerprint());
    }

    @Test
    void badInputIsRefusedWithTheCommandLinesMessages(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> lenet.explain(new float[10], "output")).isInstanceOf(DataFormatException.class)
                .hasMessage("pixels: 10 values given, but 1 image(s) of the model's input 1x28x28 are 784; give"
                        + " images of the model's input size, row-major");
        float[] nan = digits.image(0);
        nan[40] = Float.NaN;
        assertThatThrownBy(() -> lenet.explain(nan, "output")).isInstanceOf(DataFormatException.class)
                .hasMessage("pixel 40 is NaN; pixels must be finite numbers");
        assertThatThrownBy(() -> lenet.explain(digits.image(0), "fc9:3")).isInstanceOf(UnknownNeuronException.class)
                .hasMessageStartingWith("unknown layer 'fc9' in neuron 'fc9:3'; layers are conv1,");
        assertThatThrownBy(() -> lenet.explain(digits.image(0), "top:11")).isInstanceOf(UnknownNeuronException.class)
                .hasMessage("neuron 'top:11' asks for 11 ranked outputs; the model has 10, so give top:1 to top:10");
        // no neurons named: the command line's default, every output of a small model
        assertThat(lenet.explain(digits.image(0))).isEqualTo(lenet.explain(digits.image(0), "output"));
        Path broken = dir.resolve("broken.onnx");
        Files.write(broken, java.util.Arrays.copyOf(Files.readAllBytes(LENET), 1000));
        assertThatThrownBy(() -> Etalons.load(broken)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(broken.toString()).hasMessageNotContaining("\n");
        Path pooled = Path.of("src/test/resources/pytorch/nobatch_pool.onnx");
        String refusal = catchThrowableOfType(UnsupportedOpException.class, () -> OnnxModels.load(pooled)).getMessage();
        assertThatThrownBy(() -> Etalons.load(pooled)).isInstanceOf(UnsupportedOpException.class).hasMessage(refusal)
                .hasMessageContaining("MaxPool node").hasMessageNotContaining("\n");
        Path classes = dir.resolve("classes.txt");
        Files.writeString(classes, "zero\none\n");
        assertThatThrownBy(() -> lenet.withClasses(classes)).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(classes + ": names 2 classes but the model has 10");
    }
}
