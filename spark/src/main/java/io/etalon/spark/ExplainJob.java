package io.etalon.spark;

import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import io.etalon.graph.Network;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code etalon spark explain}: etalons of chosen neurons for every image of a data set, as a Spark job. Writes, in the
 * output folder, {@code etalons.parquet} (one row per image and neuron, see {@link EtalonRows}), optionally
 * {@code npy/<index>.npy} per image, and {@code summary.json}.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Compute etalon images of chosen neurons for every image of a data set, on Spark.")
final class ExplainJob implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--images", required = true, description = "An IDX file, a folder of PNGs or a Parquet table.")
    String images;

    @Option(names = "--column", defaultValue = "image", description = "The image column of a Parquet table (default: ${DEFAULT-VALUE}).")
    String column;

    @Option(names = "--neuron", arity = "1..*", defaultValue = "output",
            description = "Neurons: output, LAYER, LAYER:INDEX or LAYER:C,H,W, as etalon explain takes (default: ${DEFAULT-VALUE}).")
    List<String> neurons;

    @Option(names = "--method", defaultValue = "auto", description = "auto, reverse, forward or coordinate (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--npy", description = "Also write npy/<index>.npy per image: float32 [neurons, C, H, W].")
    boolean npy;

    @Option(names = "--out", required = true, description = "Output folder (local, hdfs://, ...).")
    String out;

    @Override
    public Integer call() throws Exception {
        job.check();
        Method solver = Method.parse(method);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        String modelFile = job.model == null ? Home.model() : job.model;
        SparkSession session = Sessions.start("etalon explain", job.master);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(session.sparkContext());
        ShippedModel.Loaded model = ShippedModel.ship(context, modelFile, job.output);
        model.notes().forEach(note -> stderr.println("etalon: note: " + note));
        Network network = model.network();
        List<Neuron> chosen = Neuron.parseAll(neurons, network); // an unknown neuron fails here, before any task
        ImageSource source = ImageSource.open(session, images, column, network.inputShape());
        LongAccumulator counter = context.sc().longAccumulator("etalon.images");
        ProgressListener progress = job.quiet ? null : new ProgressListener(stderr, counter, source.count());
        if (progress != null) {
            context.sc().addSparkListener(progress);
        }
        try (Staging staging = new Staging(session, out)) {
            long start = System.nanoTime();
            String npyFolder = npy ? staging.resolve("npy") : null;
            JavaRDD<Row> rows = Partitions.explain(source.images(session, job.partitions), model.shipped(), neurons, solver,
                    job, counter, explained -> {
                        if (npyFolder != null) {
                            EtalonRows.writeNpy(npyFolder, explained);
                        }
                        return EtalonRows.rows(explained);
                    });
            context.setJobDescription("explain: " + source.count() + " images x " + chosen.size() + " neurons");
            // dictionary encoding only costs time on etalon weights, which rarely repeat
            session.createDataFrame(rows, EtalonRows.SCHEMA).write().option("parquet.enable.dictionary", "false")
                    .parquet(staging.resolve("etalons.parquet"));
            double seconds = (System.nanoTime() - start) / 1e9;

            context.setJobDescription("explain: checking the table");
            Row check = session.read().parquet(staging.resolve("etalons.parquet"))
                    .agg(functions.count(functions.lit(1)), functions.countDistinct(functions.col("index")),
                            functions.max("residual"), functions.max("relativeResidual"))
                    .first();
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("model", modelFile);
            summary.put("images", check.getLong(1));
            summary.put("neurons", chosen.stream().map(Neuron::id).toList());
            summary.put("method", solver.cliName());
            summary.put("rows", check.getLong(0));
            summary.put("maxResidual", check.isNullAt(2) ? null : check.getDouble(2));
            summary.put("maxRelativeResidual", check.isNullAt(3) ? null : check.getDouble(3));
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("master", session.sparkContext().master());
            run.put("defaultParallelism", session.sparkContext().defaultParallelism());
            run.put("input", source.location());
            run.put("seconds", seconds);
            run.put("imagesPerSecond", source.count() / seconds);
            run.put("sparkVersion", session.version());
            summary.put("run", run);
            staging.write("summary.json", JsonOutput.bytes(summary));
            staging.publish("etalons.parquet");
            if (npy) {
                staging.publish("npy");
            }
            staging.publish("summary.json");
            stdout.printf("explained %d image(s) x %d neuron(s) with %s in %.1f s (%.0f images/s); max relative residual %.2g;"
                            + " wrote %s%n", check.getLong(1), chosen.size(), solver.cliName(), seconds, source.count() / seconds,
                    check.isNullAt(3) ? 0.0 : check.getDouble(3), staging.target());
        } finally {
            if (progress != null) {
                context.sc().removeSparkListener(progress);
            }
        }
        return 0;
    }
}
