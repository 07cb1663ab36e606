package io.etalon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.cli.web.EtalonApi;
import io.etalon.data.DataFormatException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code etalon serve}'s choice of page and its photo pipeline, built from the command's own options. */
class ServeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SQUEEZENET = CliRun.home().resolve("models/squeezenet1_1.onnx").toString();
    private static final String CLASSES = CliRun.home().resolve("models/imagenet_classes.txt").toString();

    @TempDir
    Path folder;

    /** The API {@code serve} would serve for {@code args}, and what it printed on stderr. */
    private static EtalonApi api(StringWriter err, String... args) throws Exception {
        CommandLine line = new CommandLine(new ServeCommand());
        line.setErr(new PrintWriter(err, true));
        line.parseArgs(args);
        ServeCommand serve = line.getCommand();
        return serve.api(serve.model == null ? Home.model() : serve.model);
    }

    @Test
    void theShippedLeNetGetsTheDrawingPad() throws Exception {
        EtalonApi api = api(new StringWriter());
        assertThat(api.mode()).isEqualTo(EtalonApi.Mode.DIGIT);
        assertThat(api.network().inputShape().dims()).containsExactly(1, 28, 28);
    }

    @Test
    void squeezeNetGetsThePhotoPageWithPyTorchsFiveBestClasses() throws Exception {
        EtalonApi api = api(new StringWriter(), "--model", SQUEEZENET, "--classes", CLASSES, "--preprocess", "imagenet");
        assertThat(api.mode()).isEqualTo(EtalonApi.Mode.PHOTO);
        JsonNode model = JSON.valueToTree(api.model());
        assertThat(model.get("preprocessing").get("name").asText()).isEqualTo("imagenet");
        assertThat(model.get("preprocessing").get("mean")).hasSize(3);
        // what PyTorch says of the shipped photos (tools/photos/squeezenet_scores.py): the page must say the same
        List<String[]> torch = Files.readAllLines(Path.of("src/test/resources/io/etalon/cli/squeezenet-top5.csv")).stream()
                .skip(1).map(row -> row.split(",")).toList();
        for (String photo : List.of("chelsea.png", "rocket.jpg")) {
            JsonNode answer = JSON.valueToTree(api.photo(Files.readAllBytes(CliRun.home().resolve("data/photos").resolve(photo))));
            List<String[]> expected = torch.stream().filter(row -> row[0].equals(photo)).toList();
            assertThat(answer.get("classes")).hasSize(5);
            for (int k = 0; k < 5; k++) {
                JsonNode entry = answer.get("classes").get(k);
                assertThat(entry.get("index").asInt()).as(photo + " rank " + (k + 1)).isEqualTo(Integer.parseInt(expected.get(k)[2]));
                assertThat(entry.get("name").asText()).isEqualTo(expected.get(k)[3]);
                assertThat(entry.get("score").asDouble()).isCloseTo(Double.parseDouble(expected.get(k)[4]),
                        org.assertj.core.data.Offset.offset(1e-3 * Math.abs(Double.parseDouble(expected.get(k)[4]))));
                assertThat(entry.get("relativeResidual").asDouble()).isLessThan(1e-5);
            }
        }
    }

    @Test
    void withoutPreprocessingOnlyPhotosOfTheModelsSizeAreTakenAndTheUserIsTold() throws Exception {
        StringWriter err = new StringWriter();
        EtalonApi api = api(err, "--model", SQUEEZENET);
        assertThat(err.toString()).contains("--preprocess imagenet");
        byte[] photo = Files.readAllBytes(CliRun.home().resolve("data/photos/chelsea.png"));
        assertThatThrownBy(() -> api.photo(photo)).isInstanceOf(EtalonApi.BadRequest.class)
                .hasMessageContaining("451x300").hasMessageContaining("224x224").hasMessageContaining("--preprocess imagenet");
    }

    @Test
    void aClassFileOfTheWrongLengthIsRefused() throws Exception {
        Path classes = folder.resolve("three.txt");
        Files.writeString(classes, "a\nb\nc\n");
        assertThatThrownBy(() -> api(new StringWriter(), "--model", SQUEEZENET, "--classes", classes.toString()))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("names 3 classes but the model has 1000");
    }
}
