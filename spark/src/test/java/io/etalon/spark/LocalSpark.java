package io.etalon.spark;

import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;

/**
 * What the Spark tests share: one local session for the test JVM (two threads, a failed task retried up to three
 * times), the shipped model, small subsets of the shipped MNIST, and a way to run the driver's command line.
 */
final class LocalSpark {

    static final String MASTER = "local[2,3]";
    static final Path ROOT = Path.of(System.getProperty("etalon.home", ".."));
    static final Path MODEL = ROOT.resolve("models/lenet-mnist.onnx");
    static final Path MNIST = ROOT.resolve("data/mnist");

    private LocalSpark() {
    }

    /** The session every test uses; the jobs find it too (their builder gets the active session). */
    static SparkSession session() {
        return Sessions.start("etalon tests", MASTER);
    }

    /** Writes the first {@code train} training and {@code test} held-out digits as an MNIST-named folder. */
    static Path mnistSubset(Path folder, int train, int test) throws Exception {
        subset(MNIST.resolve("train-images-idx3-ubyte.gz"), folder.resolve("train-images-idx3-ubyte.gz"), train);
        subset(MNIST.resolve("test-images-idx3-ubyte.gz"), folder.resolve("test-images-idx3-ubyte.gz"), test);
        return folder;
    }

    static ImageSet subset(Path from, Path to, int count) throws Exception {
        ImageSet images = Idx.readImages(from).select(IntStream.range(0, count).toArray());
        Idx.writeImages(to, images);
        return images;
    }

    /** The result of one run of a command line. */
    record Run(int code, String out, String err) {
    }

    /** Runs {@code etalon spark ARGS} in this JVM. */
    static Run spark(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EtalonSpark.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs the single-machine {@code etalon ARGS} in this JVM. */
    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = io.etalon.cli.EtalonCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}
