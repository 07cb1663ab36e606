package io.etalon.bench;

import io.etalon.etalon.Explainer;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import java.util.List;
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
 * JMH throughput of Etalon's own engine on the shipped LeNet: etalons of all 10 outputs per image with each solver,
 * and plain inference. Scores are batches per second; multiply by the batch for images per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class EtalonBenchmark {

    @Param({"1", "256"})
    public int batch;

    @Param({"auto", "reverse"})
    public String method;

    @Param({"2"})
    public int threads;

    /** {@code vector} (the default of the launcher) or {@code scalar}: see io.etalon.kernel.Kernels. */
    @Param({"vector", "scalar"})
    public String kernels;

    private Workload workload;
    private List<Neuron> outputs;
    private Explainer explainer;
    private ForkJoinPool pool;
    private float[] images;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("etalon.kernels", kernels); // each trial runs in its own fork, before any op is loaded
        workload = Workload.load(2000);
        outputs = Neuron.parse("output", workload.network());
        explainer = Engines.explainer(workload.network(), Method.parse(method), threads);
        pool = new ForkJoinPool(threads);
        images = workload.batch(0, batch);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdown();
    }

    @Benchmark
    public float[] etalonsOfAllOutputs() {
        return Engines.etalons(explainer, images, batch, outputs);
    }

    @Benchmark
    public float[] inference() {
        return Engines.infer(workload.network(), pool, images, batch);
    }
}
