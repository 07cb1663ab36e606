package io.etalon.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark census equals the single-machine {@code etalon census} on the same data, field for field, however the
 * images are cut into partitions and the census into slices, and also when Spark retries a failed task.
 */
class CensusJobTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CENSUS_FIELDS = List.of("model", "train", "test", "testSharingARegionWithTraining");

    @TempDir
    static Path folder;

    private static Path data;
    private static JsonNode single;

    @BeforeAll
    static void singleMachineCensus() throws Exception {
        LocalSpark.session();
        data = LocalSpark.mnistSubset(Files.createDirectories(folder.resolve("mnist")), 300, 200);
        Path json = folder.resolve("cli-census.json");
        LocalSpark.Run run = LocalSpark.cli("census", "--model", LocalSpark.MODEL.toString(), "--data", data.toString(),
                "--threads", "2", "--out", json.toString());
        assertThat(run.code()).as(run.err()).isZero();
        single = JSON.readTree(json.toFile());
        assertThat(single.get("train").get("inputs").asInt()).isEqualTo(300);
    }

    @Test
    void equalsTheSingleMachineCensusWhateverThePartitionsAndSlices() throws Exception {
        for (String[] cut : new String[][] {{"1", "1"}, {"7", "3"}}) {
            Path out = folder.resolve("census-" + cut[0] + "-" + cut[1]);
            JsonNode census = census(out, "--partitions", cut[0], "--slices", cut[1], "--batch", "64");
            for (String field : CENSUS_FIELDS) {
                assertThat(census.get(field)).as(field + " with partitions/slices " + String.join("/", cut)).isEqualTo(single.get(field));
            }
            assertThat(census.get("run").get("images").asInt()).isEqualTo(500);
        }
    }

    @Test
    void aRetriedTaskChangesNothingInTheOutput() throws Exception {
        SparkSession session = LocalSpark.session();
        AtomicInteger failed = new AtomicInteger();
        SparkListener failures = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() != org.apache.spark.Success$.MODULE$) {
                    failed.incrementAndGet();
                }
            }
        };
        session.sparkContext().addSparkListener(failures);
        session.sparkContext().setLocalProperty(FaultInjection.PROPERTY, "1");
        Path out = folder.resolve("census-retried");
        JsonNode census;
        try {
            census = census(out, "--partitions", "4", "--slices", "2", "--batch", "16");
            long deadline = System.nanoTime() + 10_000_000_000L; // listener events arrive asynchronously
            while (failed.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            session.sparkContext().setLocalProperty(FaultInjection.PROPERTY, null);
            session.sparkContext().removeSparkListener(failures);
        }
        assertThat(failed.get()).as("the injected failure happened").isGreaterThanOrEqualTo(1);
        for (String field : CENSUS_FIELDS) {
            assertThat(census.get(field)).as(field).isEqualTo(single.get(field));
        }
        Dataset<Row> images = session.read().parquet(out.resolve("images.parquet").toString());
        assertThat(images.count()).as("nothing lost, nothing twice").isEqualTo(500);
        assertThat(images.select("split", "index").distinct().count()).isEqualTo(500);
        Row range = images.groupBy("split").agg(functions.min("index"), functions.max("index"), functions.count("index"))
                .orderBy("split").collectAsList().get(1);
        assertThat(range.getString(0)).isEqualTo("train");
        assertThat(range.getInt(1)).isZero();
        assertThat(range.getInt(2)).isEqualTo(299);
    }

    @Test
    void writesTheCensusTableAndPublishesOnlyFinishedOutputs() throws Exception {
        Path out = folder.resolve("census-table");
        census(out, "--partitions", "3");
        try (var entries = Files.list(out)) {
            assertThat(entries.map(path -> path.getFileName().toString()).sorted().toList())
                    .as("no staging folder left").containsExactly("census.json", "census.parquet", "images.parquet");
        }
        List<Row> rows = LocalSpark.session().read().parquet(out.resolve("census.parquet").toString()).orderBy("split").collectAsList();
        Row test = rows.get(0);
        Row train = rows.get(1);
        assertThat(train.getAs("distinctPatterns").equals(single.get("train").get("distinctPatterns").asInt())).isTrue();
        assertThat((Integer) test.getAs("sharingARegionWithTraining")).isEqualTo(single.get("testSharingARegionWithTraining").asInt());
        assertThat(train.<scala.collection.Map<String, Integer>>getAs("distinctPerLayer").get("relu4").get())
                .isEqualTo(single.get("train").get("distinctPerLayer").get("relu4").asInt());
        assertThat(train.getList(train.fieldIndex("growth"))).hasSize(single.get("train").get("growth").size());
    }

    private static JsonNode census(Path out, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("census", "--master", LocalSpark.MASTER, "--quiet",
                "--model", LocalSpark.MODEL.toString(), "--data", data.toString(), "--out", out.toString()));
        args.addAll(List.of(options));
        LocalSpark.Run run = LocalSpark.spark(args.toArray(String[]::new));
        assertThat(run.code()).as(run.err()).isZero();
        return JSON.readTree(out.resolve("census.json").toFile());
    }
}
