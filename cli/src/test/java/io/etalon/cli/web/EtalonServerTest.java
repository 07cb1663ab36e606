package io.etalon.cli.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.graph.Network;
import io.etalon.onnx.OnnxModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page's API on 127.0.0.1: answers, refusals, load, and a real browser drawing a one. */
class EtalonServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EtalonServer server;
    private static String base;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        Path root = Path.of(System.getProperty("etalon.home", ".."));
        Network network = OnnxModels.load(root.resolve("models/lenet-mnist.onnx")).network();
        server = new EtalonServer(new EtalonApi(network, "lenet-mnist.onnx"), Map.of("images", List.of(), "labels", List.of()),
                "127.0.0.1", 0, 4);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * A new connection per request: the JDK's server closes a connection whose request body it did not read (the 413
     * case), and a pooled client could otherwise reuse it.
     */
    private static HttpResponse<String> post(String path, String body) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String image(String pixel) {
        return "[" + String.join(",", Collections.nCopies(784, pixel)) + "]";
    }

    @Test
    void explainsAnImageWithScoresEtalonsResidualsPatternAndRadius() throws Exception {
        HttpResponse<String> response = post("/api/etalons", "{\"image\": " + image("0.5") + ", \"neurons\": \"output\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("scores")).hasSize(10);
        assertThat(answer.get("etalons")).hasSize(10);
        assertThat(answer.get("etalons").get(0)).hasSize(784);
        assertThat(answer.get("biases")).hasSize(10);
        answer.get("residuals").forEach(residual -> assertThat(residual.asDouble()).isLessThan(1e-4));
        assertThat(answer.get("pattern").get("layers")).isNotEmpty();
        assertThat(answer.get("radius").has("l2")).isTrue();
        JsonNode hidden = JSON.readTree(post("/api/etalons", "{\"image\": " + image("0.1")
                + ", \"neurons\": [\"fc1:5\", \"conv2:3,4,4\"], \"radius\": false}").body());
        assertThat(hidden.get("neurons").toString()).isEqualTo("[\"fc1:5\",\"conv2:344\"]");
        JsonNode model = JSON.readTree(CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/api/model")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(model.get("inputShape").toString()).isEqualTo("[1,28,28]");
    }

    @Test
    void badRequestsGetOneLineAndNoInternals() throws Exception {
        String[][] cases = {
                {"not json", "400", "malformed JSON"},
                {"{\"image\": [1, 2, 3]}", "400", "has 3 values"},
                {"{\"image\": " + image("\"NaN\"") + "}", "400", "finite numbers"},
                {"{\"image\": " + image("NaN") + "}", "400", "malformed JSON"},
                {"{\"image\": " + image("0") + ", \"neurons\": \"fc9:1\"}", "400", "unknown layer"},
                {"[1, 2]", "400", "JSON object"},
        };
        for (String[] c : cases) {
            HttpResponse<String> response = post("/api/etalons", c[0]);
            assertThat(response.statusCode()).as(c[0].length() > 40 ? c[0].substring(0, 40) : c[0]).isEqualTo(Integer.parseInt(c[1]));
            String error = JSON.readTree(response.body()).get("error").asText();
            assertThat(error).contains(c[2]).doesNotContain("\n").doesNotContain("Exception").doesNotContain("/work")
                    .doesNotContain(".java");
        }
        String huge = "{\"image\": [" + "0,".repeat(EtalonServer.MAX_BODY / 2) + "0]}";
        // the server answers 413 without reading the rest of the body; a client still sending may see the connection
        // reset before it reads the answer, which is also a refusal
        try {
            assertThat(post("/api/etalons", huge).statusCode()).isEqualTo(413);
        } catch (java.io.IOException reset) {
            assertThat(reset.getMessage()).isNotNull();
        }
        assertThat(CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/api/etalons")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        for (String path : new String[] {"/../models/lenet-mnist.onnx", "/web/app.js", "/etc/passwd", "/api/../pom.xml"}) {
            assertThat(CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/app.js")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void thirtyTwoConcurrentClientsAreServedWithoutErrors() throws Exception {
        int clients = 32;
        int requestsEach = 8;
        String body = "{\"image\": " + image("0.2") + ", \"neurons\": \"output\", \"radius\": false}";
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[]>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            results.add(pool.submit(() -> {
                long[] latencies = new long[requestsEach];
                for (int r = 0; r < requestsEach; r++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = post("/api/etalons", body);
                    latencies[r] = response.statusCode() == 200 ? System.nanoTime() - t0 : -1;
                }
                return latencies;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<long[]> result : results) {
            for (long latency : result.get()) {
                all.add(latency);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        assertThat(all).as("failed requests").doesNotContain(-1L);
        Collections.sort(all);
        long p99 = all.get((int) Math.ceil(all.size() * 0.99) - 1);
        System.out.printf("load test: %d clients x %d requests, %.1f requests/s, p99 latency %.1f ms%n", clients,
                requestsEach, all.size() / seconds, p99 / 1e6);
    }

    @Test
    void aRealBrowserDrawsAOneAndSeesItsEtalons() throws Exception {
        Path screenshot = BrowserScript.screenshot("web-page.png");
        String output = BrowserScript.run("draw-a-one.mjs", base + "/", screenshot.toString());
        assertThat(output).contains("\"prediction\":\"1\"").contains("\"etalons\":10");
        assertThat(screenshot).isRegularFile();
    }
}
