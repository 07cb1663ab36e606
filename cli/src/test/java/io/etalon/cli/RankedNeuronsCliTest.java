package io.etalon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.data.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --neuron top:K|predicted} and {@code --classes}: the best classes of each image, by name. */
class RankedNeuronsCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIGITS = "zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n";

    @TempDir
    Path folder;

    @Test
    void theTopClassesOfEachImageAreExplainedByName() throws Exception {
        Path classes = Files.writeString(folder.resolve("digits.txt"), DIGITS);
        Path out = folder.resolve("out");
        CliRun run = CliRun.of("explain", "--model", CliRun.model(), "--images", CliRun.testImages(), "--index", "0-1",
                "--neuron", "top:3", "--classes", classes.toString(), "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("x 3 neuron(s)");
        for (String image : new String[] {"0", "1"}) {
            JsonNode summary = JSON.readTree(out.resolve(image).resolve("summary.json").toFile());
            JsonNode etalons = summary.get("etalons");
            assertThat(etalons).hasSize(3);
            assertThat(Npy.read(out.resolve(image).resolve("etalons.npy")).shape()).containsExactly(3, 1, 28, 28);
            int predicted = summary.get("predicted").asInt();
            assertThat(etalons.get(0).get("index").asInt()).isEqualTo(predicted);
            assertThat(summary.get("predictedClass").asText()).isEqualTo(DIGITS.split("\n")[predicted]);
            double previous = Double.POSITIVE_INFINITY;
            for (JsonNode etalon : etalons) {
                double score = etalon.get("score").asDouble();
                assertThat(score).isLessThanOrEqualTo(previous).isCloseTo(
                        summary.get("scores").get(etalon.get("index").asInt()).asDouble(), org.assertj.core.data.Offset.offset(1e-5));
                previous = score;
                assertThat(etalon.get("relativeResidual").asDouble()).isLessThan(1e-5);
                String name = DIGITS.split("\n")[etalon.get("index").asInt()];
                assertThat(etalon.get("class").asText()).isEqualTo(name);
                assertThat(etalon.get("png").asText()).isEqualTo("fc3-" + etalon.get("index").asInt() + "-" + name + ".png");
                assertThat(out.resolve(image).resolve(etalon.get("png").asText())).isRegularFile();
            }
        }
    }

    @Test
    void aClassFileOfTheWrongLengthIsRefusedBeforeAnyWork() throws Exception {
        Path classes = Files.writeString(folder.resolve("three.txt"), "a\nb\nc\n");
        Path out = folder.resolve("out");
        CliRun run = CliRun.of("explain", "--model", CliRun.model(), "--images", CliRun.testImages(), "--neuron", "predicted",
                "--classes", classes.toString(), "--out", out.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("etalon: " + classes + ": names 3 classes but the model has 10 outputs;"
                + " give a file of 10 lines, one name per output in order");
        assertThat(out).doesNotExist();
    }

    @Test
    void aPhotoModelExplainsItsFiveBestClassesByDefaultAndNamesItsNearTies() throws Exception {
        Path out = folder.resolve("photo");
        CliRun run = CliRun.of("explain", "--model", CliRun.home().resolve("models/squeezenet1_1.onnx").toString(),
                "--image", CliRun.home().resolve("data/photos/chelsea.png").toString(), "--preprocess", "imagenet",
                "--classes", CliRun.home().resolve("models/imagenet_classes.txt").toString(), "--no-png", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("x 5 neuron(s) (the 5 best of 1,000 outputs by default");
        JsonNode summary = JSON.readTree(out.resolve("0").resolve("summary.json").toFile());
        assertThat(summary.get("etalons")).hasSize(5);
        assertThat(summary.get("predictedClass").asText()).isEqualTo("Egyptian cat");
        // the max-pool unit that PyTorch breaks the other way on this photo (see PhotoGoldenTest) is named first
        JsonNode nearTies = summary.get("nearTies");
        assertThat(nearTies.get("count").asInt()).isGreaterThan(100);
        assertThat(nearTies.get("closest")).hasSize(20);
        assertThat(nearTies.get("closest").get(0).get("layer").asText()).isEqualTo("/features/features.2/MaxPool");
        assertThat(nearTies.get("closest").get(0).get("unit").asInt()).isEqualTo(52402);
        assertThat(nearTies.get("closest").get(0).get("relativeMargin").asDouble()).isLessThan(1e-7);
    }
}
