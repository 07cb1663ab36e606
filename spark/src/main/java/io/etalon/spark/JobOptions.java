package io.etalon.spark;

import picocli.CommandLine.Option;

/** Options every job takes: where Spark runs, how the work is cut, and the model. */
final class JobOptions {

    @Option(names = "--model", description = "The ONNX model (default: the shipped LeNet).")
    String model;

    @Option(names = "--output", description = "The graph output to explain, for models with several (default: the first).")
    String output;

    @Option(names = "--master", description = "Spark master, e.g. local[2] or spark://host:7077 (default: the one "
            + "spark-submit sets, else local[*]).")
    String master;

    @Option(names = "--partitions", description = "Partitions of the images (default: enough for every core, at most "
            + "8,192 images each).")
    Integer partitions;

    @Option(names = "--batch", defaultValue = "256", description = "Images explained together in a task (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads-per-task", defaultValue = "1", description = "Threads that explain one task's batch "
            + "(default: ${DEFAULT-VALUE}; Spark already runs one task per core).")
    int threadsPerTask;

    @Option(names = "--quiet", description = "No progress lines on stderr.")
    boolean quiet;

    /** Checks the numbers the user gave; a usage error names the option. */
    void check() {
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be positive, got " + batch);
        }
        if (threadsPerTask <= 0) {
            throw new IllegalArgumentException("--threads-per-task must be positive, got " + threadsPerTask);
        }
        if (partitions != null && partitions <= 0) {
            throw new IllegalArgumentException("--partitions must be positive, got " + partitions);
        }
    }
}
