package io.etalon.spark;

import io.etalon.etalon.Method;
import io.etalon.graph.Network;
import io.etalon.pattern.CensusCounts;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code etalon spark census}: the census of {@code etalon census} as a Spark job. Writes, in the output folder,
 * {@code images.parquet} (each image's pattern and output-etalon fingerprints), {@code census.parquet} (one row per
 * data set) and {@code census.json} (the fields of {@code etalon census --out}, plus the run's figures).
 */
@Command(name = "census", mixinStandardHelpOptions = true,
        description = "Count the distinct activation patterns and output etalons a model uses over a data set, on Spark.")
final class CensusJob implements Callable<Integer> {

    static final String TRAIN = "train";
    static final String TEST = "test";
    static final String IMAGES = "images";

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @ArgGroup(exclusive = true)
    Input input;

    static final class Input {
        @Option(names = "--data", description = "Folder with {train,test}-images-idx3-ubyte.gz, as etalon census reads "
                + "(default: the shipped MNIST).")
        String data;

        @Option(names = "--images", description = "One data set: an IDX file, a folder of PNGs or a Parquet table.")
        String images;
    }

    @Option(names = "--column", defaultValue = "image", description = "The image column of a Parquet table (default: ${DEFAULT-VALUE}).")
    String column;

    @Option(names = "--slices", description = "Slices the census is shuffled in (default: Spark's default parallelism).")
    Integer slices;

    @Option(names = "--out", required = true, description = "Output folder (local, hdfs://, ...).")
    String out;

    @Override
    public Integer call() throws Exception {
        job.check();
        if (slices != null && slices <= 0) {
            throw new IllegalArgumentException("--slices must be positive, got " + slices);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        String modelFile = job.model == null ? Home.model() : job.model;
        SparkSession session = Sessions.start("etalon census", job.master);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(session.sparkContext());
        ShippedModel.Loaded model = ShippedModel.ship(context, modelFile, job.output);
        model.notes().forEach(note -> stderr.println("etalon: note: " + note));
        Network network = model.network();
        Map<String, ImageSource> sources = sources(session, network);
        int total = sources.values().stream().mapToInt(ImageSource::count).sum();
        LongAccumulator counter = context.sc().longAccumulator("etalon.images");
        ProgressListener progress = job.quiet ? null : new ProgressListener(stderr, counter, total);
        if (progress != null) {
            context.sc().addSparkListener(progress);
        }
        try (Staging staging = new Staging(session, out)) {
            long start = System.nanoTime();
            JavaRDD<Row> rows = null;
            for (Map.Entry<String, ImageSource> source : sources.entrySet()) {
                String split = source.getKey();
                JavaRDD<Row> part = Partitions.explain(source.getValue().images(session, job.partitions), model.shipped(),
                        List.of("output"), Method.AUTO, job, counter, Partitions.one(explained -> PatternRows.row(split, explained)));
                rows = rows == null ? part : rows.union(part);
            }
            context.setJobDescription("census: explaining " + total + " images");
            session.createDataFrame(rows, PatternRows.SCHEMA).write().parquet(staging.resolve("images.parquet"));
            long explained = System.nanoTime();

            context.setJobDescription("census: shuffling the census in slices");
            Dataset<Row> images = session.read().parquet(staging.resolve("images.parquet"));
            List<String> layers = network.forward(new float[network.inputShape().size()], 1).pattern(0).layers();
            int sliceCount = slices == null ? context.defaultParallelism() : slices;
            boolean splitData = sources.containsKey(TRAIN);
            CensusSlices.Result result = CensusSlices.count(images, layers, sliceCount, splitData ? TRAIN : IMAGES,
                    splitData ? TEST : null);
            long counted = System.nanoTime();

            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model", modelFile);
            List<Row> table = new ArrayList<>();
            for (String split : sources.keySet()) {
                CensusCounts counts = result.counts().get(split);
                json.put(split, CensusReport.summary(counts));
                table.add(CensusReport.row(split, counts, split.equals(TEST) ? result.sharing() : null));
            }
            if (splitData) {
                json.put("testSharingARegionWithTraining", result.sharing());
            }
            json.put("run", run(session, sources, total, (explained - start) / 1e9, (counted - explained) / 1e9, sliceCount));
            context.setJobDescription("census: writing the census table");
            session.createDataFrame(table, CensusReport.SCHEMA).coalesce(1).write().parquet(staging.resolve("census.parquet"));
            staging.write("census.json", JsonOutput.bytes(json));
            for (String entry : List.of("images.parquet", "census.parquet", "census.json")) {
                staging.publish(entry);
            }
            for (String split : sources.keySet()) {
                stdout.println(CensusReport.describe(split, result.counts().get(split)));
            }
            if (splitData) {
                stdout.printf("test inputs in a region some training input also falls in: %d of %d%n", result.sharing(),
                        result.counts().get(TEST).inputs());
            }
            stdout.printf("%d images in %.1f s (%.0f images/s); wrote %s%n", total, (counted - start) / 1e9,
                    total / ((counted - start) / 1e9), staging.target());
        } finally {
            if (progress != null) {
                context.sc().removeSparkListener(progress);
            }
        }
        return 0;
    }

    private Map<String, ImageSource> sources(SparkSession session, Network network) throws java.io.IOException {
        Map<String, ImageSource> sources = new LinkedHashMap<>();
        if (input != null && input.images != null) {
            sources.put(IMAGES, ImageSource.open(session, input.images, column, network.inputShape()));
        } else {
            String folder = input == null || input.data == null ? Home.mnist() : input.data;
            sources.put(TRAIN, ImageSource.open(session, folder + "/train-images-idx3-ubyte.gz", column, network.inputShape()));
            sources.put(TEST, ImageSource.open(session, folder + "/test-images-idx3-ubyte.gz", column, network.inputShape()));
        }
        return sources;
    }

    /** How the run went: where, how cut, how long each phase took. */
    private static Map<String, Object> run(SparkSession session, Map<String, ImageSource> sources, int total,
                                           double explainSeconds, double censusSeconds, int slices) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("master", session.sparkContext().master());
        run.put("defaultParallelism", session.sparkContext().defaultParallelism());
        Map<String, String> inputs = new LinkedHashMap<>();
        sources.forEach((split, source) -> inputs.put(split, source.location()));
        run.put("inputs", inputs);
        run.put("images", total);
        run.put("slices", slices);
        run.put("explainSeconds", explainSeconds);
        run.put("censusSeconds", censusSeconds);
        run.put("imagesPerSecond", total / (explainSeconds + censusSeconds));
        run.put("sparkVersion", session.version());
        run.put("java", System.getProperty("java.version"));
        return run;
    }
}
