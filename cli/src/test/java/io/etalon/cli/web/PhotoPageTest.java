package io.etalon.cli.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.data.ClassNames;
import io.etalon.data.Preprocessing;
import io.etalon.graph.Network;
import io.etalon.onnx.OnnxModels;
import io.etalon.op.ChannelAffine;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The photo page's API on the shipped SqueezeNet and photos: the best five classes, their pictures, refusals. */
class PhotoPageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** ImageNet class indices of the domestic cats (tabby, tiger cat, Persian, Siamese, Egyptian cat). */
    private static final List<Integer> CATS = List.of(281, 282, 283, 284, 285);

    private static final Path ROOT = Path.of(System.getProperty("etalon.home", "..")).toAbsolutePath().normalize();
    private static Network squeezenet;
    private static EtalonServer server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        squeezenet = imagenetNormalised(OnnxModels.load(ROOT.resolve("models/squeezenet1_1.onnx")).network());
        ClassNames classes = ClassNames.read(ROOT.resolve("models/imagenet_classes.txt"), 1000);
        server = new EtalonServer(new EtalonApi(squeezenet, "squeezenet1_1.onnx", classes,
                Preprocessing.IMAGENET), Map.of(), "127.0.0.1", 0, 2);
        base = "http://127.0.0.1:" + server.port();
    }

    /** The model seen from 0..1 RGB pixels: ImageNet's {@code (x - mean) / std} folded in as its first step. */
    static Network imagenetNormalised(Network network) {
        Shape shape = network.inputShape();
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = 1 / std[c];
            shift[c] = -mean[c] / std[c];
        }
        return network.withInputStages(shape, List.of("input.normalize"),
                List.of(new ChannelAffine(shape, new Tensor(Shape.of(3), scale), new Tensor(Shape.of(3), shift))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> post(String path, byte[] body) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String brief(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private static JsonNode get(String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static int[] pngSize(String dataUrl) throws Exception {
        assertThat(dataUrl).startsWith("data:image/png;base64,");
        var image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1))));
        return new int[] {image.getWidth(), image.getHeight()};
    }

    @Test
    void theModelSaysItIsAPhotoModelWithItsPreprocessingAndClassNames() throws Exception {
        JsonNode model = get("/api/model");
        assertThat(model.get("mode").asText()).isEqualTo("photo");
        assertThat(model.get("inputShape").toString()).isEqualTo("[3,224,224]");
        assertThat(model.get("classNames").asBoolean()).isTrue();
        assertThat(model.get("top").asInt()).isEqualTo(5);
        assertThat(model.get("preprocessing").get("resize").asInt()).isEqualTo(256);
        assertThat(model.get("preprocessing").get("crop").toString()).isEqualTo("[224,224]");
        assertThat(model.get("maxPhotoBytes").asInt()).isEqualTo(EtalonServer.MAX_PHOTO_BODY);
    }

    @Test
    void aCatPhotoGetsFiveCatLikeClassesWithExactEtalonsAndTheirPictures() throws Exception {
        HttpResponse<String> response = post("/api/photo", Files.readAllBytes(ROOT.resolve("data/photos/chelsea.png")));
        assertThat(response.statusCode()).as(brief(response.body())).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        JsonNode classes = answer.get("classes");
        assertThat(classes).hasSize(5);
        assertThat(CATS).contains(classes.get(0).get("index").asInt());
        assertThat(answer.get("predicted").get("index").asInt()).isEqualTo(classes.get(0).get("index").asInt());
        assertThat(answer.get("predicted").get("name").asText()).isEqualTo(classes.get(0).get("name").asText());
        double previous = Double.POSITIVE_INFINITY;
        for (JsonNode entry : classes) {
            assertThat(entry.get("relativeResidual").asDouble()).as(entry.toString()).isLessThan(1e-5);
            assertThat(entry.get("score").asDouble()).isLessThanOrEqualTo(previous);
            previous = entry.get("score").asDouble();
            assertThat(entry.get("neuron").asText()).endsWith(":" + entry.get("index").asInt());
            assertThat(entry.get("name").asText()).isNotBlank().doesNotStartWith("class ");
            assertThat(entry.get("views").get("blend").asText()).startsWith("data:image/png;base64,");
            assertThat(pngSize(entry.get("views").get("heat").asText())).containsExactly(224, 224);
        }
        assertThat(pngSize(answer.get("input").get("png").asText())).containsExactly(224, 224);
        assertThat(answer.get("legend")).isNotEmpty();
        assertThat(answer.get("legend")).hasSize(4);
        answer.get("legend").forEach(view -> {
            assertThat(view.get("words")).isNotEmpty();
            assertThat(view.get("clip").asDouble()).isPositive();
            assertThat(view.get("picture").asText()).startsWith("data:image/png;base64,");
        });
        assertThat(classes.get(0).get("views").size()).isEqualTo(4);
    }

    @Test
    void badPhotosGetOneLineAndNoInternals() throws Exception {
        byte[] jpeg = Files.readAllBytes(ROOT.resolve("data/photos/rocket.jpg"));
        java.io.ByteArrayOutputStream tiny = new java.io.ByteArrayOutputStream();
        ImageIO.write(new java.awt.image.BufferedImage(100, 80, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", tiny);
        Object[][] cases = {
                {"not an image".getBytes(), "not an image"},
                {new byte[0], "empty"},
                {Arrays.copyOf(jpeg, jpeg.length / 3), "truncated"},
        };
        for (Object[] c : cases) {
            HttpResponse<String> response = post("/api/photo", (byte[]) c[0]);
            assertThat(response.statusCode()).as(brief(response.body())).isEqualTo(400);
            String error = JSON.readTree(response.body()).get("error").asText();
            assertThat(error).contains((String) c[1]).doesNotContain("\n").doesNotContain("Exception")
                    .doesNotContain("/work").doesNotContain(".java");
        }
        // without a resize, a photo smaller than the crop cannot give X
        EtalonApi cropOnly = new EtalonApi(squeezenet, "squeezenet1_1.onnx", null,
                Preprocessing.NONE.withCrop(224, 224));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cropOnly.photo(tiny.toByteArray()))
                .isInstanceOf(EtalonApi.BadRequest.class).hasMessageContaining("smaller than the 224x224 crop")
                .hasMessageNotContaining("/");
        // a preset whose crop is not the model's size is refused when the page starts
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EtalonApi(squeezenet, "squeezenet1_1.onnx", null,
                Preprocessing.IMAGENET.withCrop(32, 32).withResize(36)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the model takes 224x224");
        // a model that takes no crop and a photo of another size
        EtalonApi noCrop = new EtalonApi(squeezenet, "squeezenet1_1.onnx", null, Preprocessing.NONE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> noCrop.photo(tiny.toByteArray()))
                .isInstanceOf(EtalonApi.BadRequest.class).hasMessageContaining("the model takes 224x224");
        // a photo model refuses pixel arrays of the wrong size on /api/etalons as before
        assertThat(post("/api/etalons", "{\"image\": [1, 2]}".getBytes()).statusCode()).isEqualTo(400);
        byte[] huge = new byte[EtalonServer.MAX_PHOTO_BODY + 1];
        try {
            assertThat(post("/api/photo", huge).statusCode()).isEqualTo(413);
        } catch (java.io.IOException reset) {
            assertThat(reset.getMessage()).isNotNull();
        }
    }

    @Test
    void pixelArraysOfAPhotoModelGetBoundedAnswersAndNoRadius() throws Exception {
        String image = "[" + String.join(",", java.util.Collections.nCopies(3 * 224 * 224, "0.5")) + "]";
        HttpResponse<String> one = post("/api/etalons", ("{\"image\": " + image + ", \"neurons\": \"predicted\"}").getBytes());
        assertThat(one.statusCode()).as(brief(one.body())).isEqualTo(200);
        JsonNode answer = JSON.readTree(one.body());
        assertThat(answer.get("etalons")).hasSize(1);
        assertThat(answer.get("etalons").get(0)).hasSize(3 * 224 * 224);
        assertThat(answer.get("residuals").get(0).asDouble()).isLessThan(1e-3);
        assertThat(answer.has("radius")).isFalse();
        assertThat(answer.get("classNames").get(0).asText()).isNotBlank().doesNotStartWith("class ");
        String[][] cases = {
                {"\"neurons\": \"top:30\"", "at most 26 per request"},
                {"\"neurons\": \"predicted\", \"radius\": true", "\"radius\": false"},
        };
        for (String[] c : cases) {
            HttpResponse<String> response = post("/api/etalons", ("{\"image\": " + image + ", " + c[0] + "}").getBytes());
            assertThat(response.statusCode()).as(brief(response.body())).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("error").asText()).contains(c[1]);
        }
    }

    @Test
    void thePageIsChosenByTheInputShape() {
        assertThat(EtalonApi.Mode.of(Shape.of(1, 28, 28))).isEqualTo(EtalonApi.Mode.DIGIT);
        assertThat(EtalonApi.Mode.of(Shape.of(3, 28, 28))).isEqualTo(EtalonApi.Mode.PHOTO);
        assertThat(EtalonApi.Mode.of(Shape.of(3, 224, 224))).isEqualTo(EtalonApi.Mode.PHOTO);
        assertThat(EtalonApi.Mode.of(Shape.of(1, 96, 96))).isEqualTo(EtalonApi.Mode.PHOTO);
        assertThat(EtalonApi.Mode.of(Shape.of(1, 20, 30))).isEqualTo(EtalonApi.Mode.PHOTO);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EtalonApi.Mode.of(Shape.of(4, 224, 224)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4x224x224");
    }

    @Test
    void aGreyPhotoModelWithThreeClassesGetsThreeGreyEtalons() throws Exception {
        Shape input = Shape.of(1, 80, 80);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        float[] weight = new float[3 * input.size()];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) (random.nextDouble() - 0.5);
        }
        Network grey = new io.etalon.graph.LeNet.Chain(input)
                .add("flatten", new io.etalon.op.Flatten(input))
                .add("fc", new io.etalon.op.Dense(Shape.of(input.size()), new Tensor(Shape.of(3, input.size()), weight), null))
                .build();
        EtalonApi api = new EtalonApi(grey, "grey.onnx", null, Preprocessing.NONE.withCrop(80, 80));
        assertThat(api.mode()).isEqualTo(EtalonApi.Mode.PHOTO);
        java.awt.image.BufferedImage picture = new java.awt.image.BufferedImage(100, 90, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 90; y++) {
            for (int x = 0; x < 100; x++) {
                picture.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | 40);
            }
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(picture, "png", png);
        Map<String, Object> answer = api.photo(png.toByteArray());
        JsonNode tree = JSON.valueToTree(answer);
        assertThat(tree.get("classes")).hasSize(3);
        tree.get("classes").forEach(entry -> {
            assertThat(entry.get("relativeResidual").asDouble()).isLessThan(1e-5);
            assertThat(entry.get("name").asText()).isEqualTo("class " + entry.get("index").asInt());
        });
        assertThat(pngSize(tree.get("classes").get(0).get("views").get("heat").asText())).containsExactly(80, 80);
        assertThat(pngSize(tree.get("input").get("png").asText())).containsExactly(80, 80);
    }

    @Test
    void aDigitModelRefusesPhotos() throws Exception {
        Network lenet = OnnxModels.load(ROOT.resolve("models/lenet-mnist.onnx")).network();
        EtalonApi api = new EtalonApi(lenet, "lenet-mnist.onnx");
        assertThat(api.mode()).isEqualTo(EtalonApi.Mode.DIGIT);
        assertThat(api.model().get("mode")).isEqualTo("digit");
        Assumptions.assumeTrue(Files.isRegularFile(ROOT.resolve("data/photos/chelsea.png")));
        byte[] photo = Files.readAllBytes(ROOT.resolve("data/photos/chelsea.png"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.photo(photo))
                .isInstanceOf(EtalonApi.BadRequest.class).hasMessageContaining("drawings");
    }

    @Test
    void aRealBrowserGivesAPhotoAndSeesFiveClassesAndTheirHeatMaps() throws Exception {
        Path screenshot = BrowserScript.screenshot("web-photo-page.png");
        String output = BrowserScript.run("photo-top5.mjs", base + "/", ROOT.resolve("data/photos/chelsea.png").toString(),
                screenshot.toString());
        assertThat(output).contains("\"classes\":5").contains("\"drawing\":false");
        assertThat(screenshot).isRegularFile();
    }
}
