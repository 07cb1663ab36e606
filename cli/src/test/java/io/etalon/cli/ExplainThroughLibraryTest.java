package io.etalon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.api.Etalons;
import io.etalon.api.ExplainedImage;
import io.etalon.data.Idx;
import io.etalon.data.Npy;
import io.etalon.data.Preprocessing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code etalon explain} and a Java program calling {@link Etalons} give the same etalons, biases and scores. */
class ExplainThroughLibraryTest {

    @Test
    void theCommandWritesWhatTheLibraryAnswers(@TempDir Path out) throws Exception {
        CliRun run = CliRun.of("explain", "--model", CliRun.model(), "--images", CliRun.testImages(), "--index", "7",
                "--neuron", "top:3", "conv1:0,5,5", "--no-png", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        ExplainedImage answer = Etalons.load(Path.of(CliRun.model()))
                .explain(Idx.readImages(Path.of(CliRun.testImages())).image(7), "top:3", "conv1:0,5,5");
        Npy.Array written = Npy.read(out.resolve("7/etalons.npy"));
        assertThat(written.shape()).containsExactly(4, 1, 28, 28);
        JsonNode summary = new ObjectMapper().readTree(out.resolve("7/summary.json").toFile());
        assertThat(summary.get("predicted").asInt()).isEqualTo(answer.predicted());
        for (int p = 0; p < 4; p++) {
            float[] etalon = answer.neurons().get(p).etalon();
            for (int i = 0; i < etalon.length; i++) {
                assertThat(written.values()[p * etalon.length + i]).isEqualTo((double) etalon[i]);
            }
            JsonNode entry = summary.get("etalons").get(p);
            assertThat(entry.get("neuron").asText()).isEqualTo(answer.neurons().get(p).neuron());
            assertThat(entry.get("bias").asDouble()).isEqualTo(answer.neurons().get(p).bias());
            assertThat(entry.get("residual").asDouble()).isEqualTo(answer.neurons().get(p).residual());
        }
        assertThat(summary.get("pattern").get("totalTies").asInt()).isEqualTo(answer.pattern().totalTies());
    }
    @Test
    void aModelsMetadataGivesTheLibraryTheCommandsInputs(@TempDir Path out) throws Exception {
        // a colour model that states its pixel range, normalisation and photo preprocessing in its metadata
        Path plain = CliEndToEndTest.smallCnn(out.resolve("plain.onnx"), 3, 4, 5, 17);
        Path stated = out.resolve("stated.onnx");
        OnnxMl.ModelProto.Builder builder = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(plain)).toBuilder();
        Map.of("pixel_scale", "255", "mean", "120,110,100", "std", "60,50,40", "resize", "10", "crop", "8")
                .forEach((key, value) -> builder.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey(key).setValue(value)));
        Files.write(stated, builder.build().toByteArray());
        Path photo = CliRun.home().resolve("data/photos/chelsea.png");

        CliRun run = CliRun.of("explain", "--model", stated.toString(), "--image", photo.toString(), "--neuron", "output",
                "--no-png", "--out", out.resolve("stated-out").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("note: input normalisation from the model's metadata");
        Etalons library = Etalons.load(stated);
        assertThat(library.preprocessing().resize()).isEqualTo(10);
        assertSameAnswer(out.resolve("stated-out/0"), library.explain(photo, "output"));

        // options and an explicit preprocessing override the metadata the same way; the stated pixel scale stays
        CliRun given = CliRun.of("explain", "--model", stated.toString(), "--image", photo.toString(), "--neuron",
                "output", "--resize", "12", "--crop", "8", "--mean", "0.5", "--std", "0.25", "--no-png",
                "--out", out.resolve("given-out").toString());
        assertThat(given.exitCode()).as(given.err()).isZero();
        Etalons overridden = Etalons.load(stated, new Preprocessing("custom", 12, 8, 8, new float[] {0.5f},
                new float[] {0.25f}));
        ExplainedImage answer = overridden.explain(photo, "output");
        assertSameAnswer(out.resolve("given-out/0"), answer);
        assertThat(answer.scores()).isNotEqualTo(library.explain(photo, "output").scores());
    }

    @Test
    void everyCommandExplainsThroughTheLibrary() throws Exception {
        // one way to explain an image: the commands and the web API hold an Etalons, none builds its own Explainer or
        // measures a region itself
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(file -> file.toString().endsWith(".java")).toList();
        }
        assertThat(sources).as("the command line's sources").hasSizeGreaterThan(20);
        List<Path> ownExplainers = new java.util.ArrayList<>();
        for (Path source : sources) {
            String text = Files.readString(source);
            if (text.contains("io.etalon.etalon.Explainer") || text.contains("new Explainer(") || text.contains("Radius.of(")) {
                ownExplainers.add(source);
            }
        }
        assertThat(ownExplainers).isEmpty();
    }

    /** summary.json, input.npy and etalons.npy of one explained image hold the library's answer, value for value. */
    private static void assertSameAnswer(Path folder, ExplainedImage answer) throws Exception {
        JsonNode summary = new ObjectMapper().readTree(folder.resolve("summary.json").toFile());
        float[] scores = answer.scores();
        assertThat(summary.get("scores")).hasSize(scores.length);
        for (int p = 0; p < scores.length; p++) {
            assertThat(summary.get("scores").get(p).floatValue()).isEqualTo(scores[p]);
        }
        float[] input = answer.input();
        Npy.Array x = Npy.read(folder.resolve("input.npy"));
        assertThat(x.shape()).containsExactly(answer.shape().dims());
        for (int i = 0; i < input.length; i++) {
            assertThat(x.values()[i]).isEqualTo((double) input[i]);
        }
        Npy.Array etalons = Npy.read(folder.resolve("etalons.npy"));
        for (int p = 0; p < answer.neurons().size(); p++) {
            float[] w = answer.neurons().get(p).etalon();
            for (int i = 0; i < w.length; i++) {
                assertThat(etalons.values()[p * w.length + i]).isEqualTo((double) w[i]);
            }
        }
    }
}
