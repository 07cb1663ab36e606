package io.etalon.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.data.PngImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives one line on stderr, exit code 1 (2 for usage errors), no stack trace and no published output. */
class BadInputTest {

    @TempDir
    static Path folder;

    private static Path digits;

    @BeforeAll
    static void digits() throws Exception {
        LocalSpark.session();
        digits = folder.resolve("digits.idx.gz");
        LocalSpark.subset(LocalSpark.MNIST.resolve("test-images-idx3-ubyte.gz"), digits, 20);
    }

    @Test
    void aMissingImageFileIsNamed() {
        Path missing = folder.resolve("missing.idx.gz");
        assertOneLineError(census(missing.toString(), LocalSpark.MODEL.toString(), "missing"), missing + ": no such file or folder");
    }

    @Test
    void imagesOfTheWrongSizeAreRefusedBeforeAnyTask() throws Exception {
        Path small = folder.resolve("small.idx");
        Idx.writeImages(small, new ImageSet(3, 1, 8, 8, new float[3 * 64]));
        assertOneLineError(census(small.toString(), LocalSpark.MODEL.toString(), "small"),
                small + ": images are 1x8x8 but the model takes 1x28x28; give images of the model's input size");
    }

    @Test
    void aWrongSizedPngFoundByAnExecutorIsNamedInOneLine() throws Exception {
        Path pngs = Files.createDirectories(folder.resolve("pngs"));
        PngImages.write(pngs.resolve("a.png"), new float[28 * 28], 28, 28);
        PngImages.write(pngs.resolve("b.png"), new float[20 * 20], 20, 20);
        LocalSpark.Run run = census(pngs.toString(), LocalSpark.MODEL.toString(), "pngs");
        assertOneLineError(run, null);
        assertThat(run.err()).contains("b.png: image is 20x20 pixels but the model takes 28x28; resize it to 28x28");
    }

    @Test
    void aBrokenModelIsNamed() throws Exception {
        Path model = Files.write(folder.resolve("broken.onnx"), new byte[] {8, 7, 18, 3, 1, 2});
        LocalSpark.Run run = census(digits.toString(), model.toString(), "broken");
        assertOneLineError(run, null);
        assertThat(run.err()).startsWith("etalon: " + model + ": not a valid ONNX model");
    }

    @Test
    void anUnknownNeuronIsNamedAndAWrongOptionIsAUsageError() {
        Path out = folder.resolve("out-neuron");
        LocalSpark.Run run = LocalSpark.spark("explain", "--master", LocalSpark.MASTER, "--quiet", "--model",
                LocalSpark.MODEL.toString(), "--images", digits.toString(), "--neuron", "fc9:1", "--out", out.toString());
        assertOneLineError(run, null);
        assertThat(run.err()).startsWith("etalon: unknown layer 'fc9' in neuron 'fc9:1'");
        assertThat(LocalSpark.spark("census", "--bogus").code()).isEqualTo(2);
    }

    private static LocalSpark.Run census(String images, String model, String name) {
        Path out = folder.resolve("out-" + name);
        LocalSpark.Run run = LocalSpark.spark("census", "--master", LocalSpark.MASTER, "--quiet", "--model", model,
                "--images", images, "--out", out.toString());
        if (Files.isDirectory(out)) {
            try (var entries = Files.list(out)) {
                assertThat(entries.toList()).as("nothing published, no staging folder left").isEmpty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return run;
    }

    private static void assertOneLineError(LocalSpark.Run run, String message) {
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().lines().filter(line -> line.startsWith("etalon: ")).toList()).as(run.err()).hasSize(1);
        assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception");
        if (message != null) {
            assertThat(run.err().trim()).isEqualTo("etalon: " + message);
        }
    }
}
