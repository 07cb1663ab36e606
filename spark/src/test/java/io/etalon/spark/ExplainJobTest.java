package io.etalon.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.data.ImageSet;
import io.etalon.data.Npy;
import io.etalon.etalon.Etalon;
import io.etalon.etalon.Explainer;
import io.etalon.etalon.Explanation;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import io.etalon.graph.Network;
import io.etalon.onnx.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The explain job's etalons equal core's for every image and neuron, bit for bit, their residuals are at round-off,
 * the NPY files hold the same arrays, and a retried task neither loses nor repeats a row.
 */
class ExplainJobTest {

    /** The exactness invariant's bound on the relative residual (DESIGN.md section 2). */
    private static final double RELATIVE_RESIDUAL = 1e-5;
    private static final List<String> NEURONS = List.of("output", "fc1:5", "conv2:3,4,4");

    @TempDir
    static Path folder;

    private static ImageSet images;
    private static Path idx;
    private static Network network;

    @BeforeAll
    static void data() throws Exception {
        LocalSpark.session();
        idx = folder.resolve("test-images.idx.gz");
        images = LocalSpark.subset(LocalSpark.MNIST.resolve("test-images-idx3-ubyte.gz"), idx, 60);
        network = OnnxModels.load(LocalSpark.MODEL).network();
    }

    @Test
    void etalonsEqualCoresWithTinyResidualsAndTheNpyFilesHoldThem() throws Exception {
        Path out = folder.resolve("explained");
        LocalSpark.Run run = explain(out, "--npy", "--partitions", "3", "--batch", "8");
        assertThat(run.code()).as(run.err()).isZero();
        List<Neuron> neurons = Neuron.parseAll(NEURONS, network);
        Explanation[] expected = new Explainer(network, Method.AUTO.solver(), 2)
                .explainAll(images.pixels(), images.count(), neurons, done -> { });
        List<Row> rows = LocalSpark.session().read().parquet(out.resolve("etalons.parquet").toString())
                .orderBy("index", "neuron").collectAsList();
        assertThat(rows).hasSize(images.count() * neurons.size());
        double worst = 0;
        for (Row row : rows) {
            int index = row.getInt(row.fieldIndex("index"));
            String neuron = row.getString(row.fieldIndex("neuron"));
            Etalon etalon = expected[index].etalons().stream().filter(e -> e.neuron().id().equals(neuron)).findFirst().orElseThrow();
            List<Float> weights = row.getList(row.fieldIndex("etalon"));
            float[] values = new float[weights.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = weights.get(i);
            }
            assertThat(values).as("etalon of image %d for %s", index, neuron).containsExactly(etalon.weights());
            assertThat(row.getDouble(row.fieldIndex("bias"))).isEqualTo(etalon.bias());
            assertThat(row.getDouble(row.fieldIndex("score"))).isEqualTo(etalon.score());
            assertThat(row.getInt(row.fieldIndex("predicted"))).isEqualTo(expected[index].predicted());
            worst = Math.max(worst, row.getDouble(row.fieldIndex("relativeResidual")));
        }
        assertThat(worst).isLessThan(RELATIVE_RESIDUAL);

        Npy.Array npy = Npy.read(out.resolve("npy/17.npy"));
        assertThat(npy.shape()).containsExactly(neurons.size(), 1, 28, 28);
        double[] values = npy.values();
        for (int p = 0; p < neurons.size(); p++) {
            float[] weights = expected[17].etalons().get(p).weights();
            for (int i = 0; i < weights.length; i++) {
                assertThat((float) values[p * weights.length + i]).isEqualTo(weights[i]);
            }
        }
        try (var files = Files.list(out.resolve("npy"))) {
            assertThat(files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".npy")).count())
                    .isEqualTo(images.count());
        }
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(summary.get("images").asInt()).isEqualTo(60);
        assertThat(summary.get("neurons").size()).isEqualTo(neurons.size());
        assertThat(summary.get("maxRelativeResidual").asDouble()).isLessThan(RELATIVE_RESIDUAL);
        assertThat(run.out()).contains("explained 60 image(s) x 12 neuron(s)");
    }

    @Test
    void aRetriedTaskNeitherLosesNorRepeatsARowAndTheModelIsLoadedOnce() throws Exception {
        SparkSession session = LocalSpark.session();
        Path out = folder.resolve("retried");
        session.sparkContext().setLocalProperty(FaultInjection.PROPERTY, "2");
        LocalSpark.Run run;
        try {
            run = explain(out, "--partitions", "4", "--batch", "5", "--neuron", "output");
        } finally {
            session.sparkContext().setLocalProperty(FaultInjection.PROPERTY, null);
        }
        assertThat(run.code()).as(run.err()).isZero();
        var table = session.read().parquet(out.resolve("etalons.parquet").toString());
        assertThat(table.count()).isEqualTo(600);
        assertThat(table.select("index", "neuron").distinct().count()).isEqualTo(600);
        String hash = ShippedModel.ship(org.apache.spark.api.java.JavaSparkContext.fromSparkContext(session.sparkContext()),
                LocalSpark.MODEL.toString(), null).shipped().sha256();
        assertThat(ModelCache.loads(hash)).as("one executor JVM loads the model once").isEqualTo(1);
    }

    private static LocalSpark.Run explain(Path out, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("explain", "--master", LocalSpark.MASTER, "--quiet",
                "--model", LocalSpark.MODEL.toString(), "--images", idx.toString(), "--out", out.toString()));
        if (!List.of(options).contains("--neuron")) {
            args.add("--neuron");
            args.addAll(NEURONS);
        }
        args.addAll(List.of(options));
        return LocalSpark.spark(args.toArray(String[]::new));
    }
}
