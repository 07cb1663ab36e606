package io.etalon.bench;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH throughput of Etalon's own engine at 224x224: the etalons of each photo's k best classes, and plain inference,
 * on SqueezeNet 1.1 or the ResNet-18-shaped network ({@link ImagenetWorkload}; make the generated files first with
 * {@code /usr/bin/python3 tools/bench/export_imagenet.py}). Scores are batches per second. The heap is 2 GB, the
 * bound the ResNet-18 top-5 etalons must keep. Run with {@code ./etalon bench ImagenetBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class ImagenetBenchmark {

    @Param({"squeezenet1_1", "resnet18"})
    public String model;

    @Param({"1", "4"})
    public int batch;

    @Param({"1", "5"})
    public int top;

    @Param({"2"})
    public int threads;

    private ImagenetWorkload workload;
    private ForkJoinPool pool;
    private float[] images;

    @Setup(Level.Trial)
    public void setUp() {
        String missing = ImagenetWorkload.missing(model);
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        workload = ImagenetWorkload.load(model);
        pool = new ForkJoinPool(threads);
        images = workload.batch(batch);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdown();
    }

    @Benchmark
    public float[] etalonsOfTopClasses() {
        return Engines.topEtalons(workload.network(), pool, images, batch, top);
    }

    @Benchmark
    public float[] inference() {
        return Engines.infer(workload.network(), pool, images, batch);
    }
}
