package io.etalon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.api.Etalons;
import io.etalon.api.ExplainedImage;
import io.etalon.data.Idx;
import io.etalon.data.Npy;
import java.nio.file.Path;
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
}
