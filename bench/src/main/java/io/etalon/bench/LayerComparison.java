package io.etalon.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.etalon.graph.Network;
import io.etalon.kernel.Parallel;
import io.etalon.onnx.OnnxModels;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;

/**
 * Plain inference layer by layer, Etalon against ONNX Runtime on the same ONNX file and thread count, in one process:
 * where the time of {@code bench --peers}'s inference figures goes. Each step of Etalon's plan
 * ({@link Network#inferenceSteps}: one node, or a fused chain such as a convolution, its ReLU and a pool) is timed by
 * {@link Network#inferTimed}; ONNX Runtime's nodes by its own session profiler (the kernel time of each node). A node
 * of ONNX Runtime is put beside the step that runs the ONNX node it stands for: its name, less the {@code _nchwc} of
 * its blocked layout and the {@code _output_0} that {@code torch.onnx} gives each node's output, is a node name of the
 * step. ONNX Runtime's fused convolutions are named after their last output (a ReLU's), as Etalon's fused steps end
 * with it. Its nodes that stand for none of the file's (the layout reorders) are listed apart.
 *
 * <p>Each figure is the median over the timed runs, which follow untimed warm-up runs and go in rounds that alternate
 * between the engines, each after an idle pause, so that a shared machine's drift moves both. ONNX Runtime runs with
 * its profiler on, which its own figures include.
 *
 * <p>Run with {@code ./etalon bench --layers MODEL [--threads N] [--runs R]}: MODEL one of the workloads of
 * {@code bench --peers} or the path of an ONNX file; the input is one sample of standard normal values.
 */
final class LayerComparison {

    /**
     * Etalon runs untimed for at least this long and this many runs before its timed ones, then on until the JIT has
     * settled ({@link WarmUp}); ONNX Runtime this many runs: the JIT compiles a kernel only after thousands of calls,
     * which LeNet's microseconds a run take long to reach.
     */
    static final double WARM_UP_SECONDS = 3;
    static final int WARM_UP_RUNS = 30;

    /** What {@code ./etalon bench --layers} was asked to run. */
    record Options(String model, int threads, int runs, boolean help) {

        static final String USAGE = "usage: ./etalon bench --layers MODEL [--threads N] [--runs R], MODEL one of "
                + String.join(",", PeerComparison.MODELS) + " or an ONNX file";

        /**
         * Reads the command line, {@code threads} cores unless told.
         *
         * @throws IllegalArgumentException naming the option at fault and what it takes
         */
        static Options parse(String[] args, int threads) {
            String model = null;
            int runs = 100;
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                switch (option) {
                    case "--layers" -> model = value(args, ++i, option);
                    case "--threads" -> threads = PeerComparison.Options.positiveInt(option, value(args, ++i, option));
                    case "--runs" -> runs = PeerComparison.Options.positiveInt(option, value(args, ++i, option), "runs");
                    case "--help", "-h" -> help = true;
                    default -> throw new IllegalArgumentException("unknown option " + option + "; " + USAGE);
                }
            }
            if (model == null && !help) {
                throw new IllegalArgumentException("--layers needs a model; " + USAGE);
            }
            return new Options(model, threads, runs, help);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new IllegalArgumentException(option + " needs " + (option.equals("--layers") ? "a model" : "a value")
                        + "; " + USAGE);
            }
            return args[i];
        }
    }

    /** One step of Etalon's plan beside the ONNX Runtime nodes that stand for its nodes. */
    record Line(List<String> nodes, double etalonMillis, List<String> peerNodes, double peerMillis) {
    }

    /** The lines in plan order, and ONNX Runtime's nodes that stand for none of the file's, with their times. */
    record Comparison(List<Line> lines, Map<String, Double> peerOnly, double etalonCallMillis, double peerCallMillis) {
    }

    private LayerComparison() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args, Runtime.getRuntime().availableProcessors());
        } catch (IllegalArgumentException e) {
            System.err.println("etalon bench --layers: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(Options.USAGE);
            return;
        }
        Path file = modelFile(options.model());
        if (!Files.isRegularFile(file)) {
            String missing = List.of(PeerComparison.MODELS).contains(options.model())
                    ? ImagenetWorkload.missing(options.model()) : null;
            System.err.println("etalon bench --layers: " + (missing != null ? missing : file + " is not a file; "
                    + Options.USAGE));
            System.exit(1);
            return;
        }
        Comparison comparison;
        try {
            comparison = compare(file, options.threads(), options.runs());
        } catch (IOException | OrtException | RuntimeException e) {
            // a file that is no ONNX model, or one either engine refuses: one line, not a stack trace
            System.err.println("etalon bench --layers: " + e.getMessage());
            System.exit(1);
            return;
        }
        print(comparison, file, options, System.out);
    }

    /** A workload's ONNX file, or the path given. */
    static Path modelFile(String model) {
        Path root = Workload.root();
        return switch (model) {
            case "lenet" -> root.resolve("models/lenet-mnist.onnx");
            case "squeezenet1_1" -> root.resolve("models/squeezenet1_1.onnx");
            case "resnet18", "mobilenet_v2" -> root.resolve("bench/generated").resolve(model + ".onnx");
            default -> Path.of(model);
        };
    }

    /**
     * Times both engines on one sample of {@code file}'s input, {@code runs} timed runs each, in {@link #ROUNDS} rounds
     * that alternate between them (each after an idle pause), so that a drift of the machine's speed moves both.
     */
    static Comparison compare(Path file, int threads, int runs) throws IOException, OrtException, InterruptedException {
        Network network = OnnxModels.load(file).network();
        float[] input = new float[network.inputShape().size()];
        Random random = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        List<List<String>> steps = network.inferenceSteps();
        double[][] stepMillis = new double[steps.size()][runs];
        double[] etalonCalls = new double[runs];
        double[] peerCalls = new double[runs];
        Path profiles = Files.createTempDirectory("etalon-layers");
        ForkJoinPool pool = new ForkJoinPool(threads);
        // on every core, on the calling thread, as bench --peers and ONNX Runtime run one sample (Engines.infer)
        boolean here = threads == Runtime.getRuntime().availableProcessors();
        Map<String, List<Double>> peerNodes;
        try (Peer peer = new Peer(file, network, threads, profiles)) {
            WarmUp.run(() -> {
                runOn(here, pool, () -> network.infer(input, 1));
                return new float[1];
            }, WARM_UP_SECONDS, WARM_UP_RUNS);
            // native code, which needs no JIT: a few runs set up its memory (every run is profiled, so few)
            for (int run = 0; run < WARM_UP_RUNS; run++) {
                peer.run(input);
            }
            int done = 0;
            for (int round = 0; round < ROUNDS; round++) {
                int end = runs * (round + 1) / ROUNDS;
                Thread.sleep(PeerComparison.PAUSE_MILLIS);
                for (int run = done; run < end; run++) {
                    long[] nanos = new long[steps.size()];
                    long start = System.nanoTime();
                    runOn(here, pool, () -> network.inferTimed(input, 1, nanos));
                    etalonCalls[run] = (System.nanoTime() - start) / 1e6;
                    for (int s = 0; s < steps.size(); s++) {
                        stepMillis[s][run] = nanos[s] / 1e6;
                    }
                }
                Thread.sleep(PeerComparison.PAUSE_MILLIS);
                for (int run = done; run < end; run++) {
                    peerCalls[run] = peer.run(input);
                }
                done = end;
            }
            peerNodes = peer.nodes(runs);
        } finally {
            pool.shutdown();
            try (var listing = Files.list(profiles)) {
                for (Path profile : listing.toList()) {
                    Files.deleteIfExists(profile);
                }
            }
            Files.deleteIfExists(profiles);
        }
        return match(steps, stepMillis, peerNodes, median(etalonCalls), median(peerCalls));
    }

    private static void runOn(boolean here, ForkJoinPool pool, Runnable work) {
        if (here) {
            work.run();
        } else {
            Parallel.runIn(pool, work);
        }
    }

    /** Rounds of {@link #compare}, each some runs of Etalon and then as many of ONNX Runtime. */
    static final int ROUNDS = 5;

    /** ONNX Runtime on the same file and thread count, its session profiler on. */
    private static final class Peer implements AutoCloseable {

        private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final String inputName;
        private final long[] shape;

        Peer(Path file, Network network, int threads, Path profiles) throws OrtException {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.enableProfiling(profiles.resolve("onnxruntime").toString());
            shape = new long[network.inputShape().rank() + 1];
            shape[0] = 1;
            for (int d = 0; d < network.inputShape().rank(); d++) {
                shape[d + 1] = network.inputShape().dim(d);
            }
            session = environment.createSession(file.toString(), options);
            inputName = session.getInputNames().iterator().next();
        }

        /** One run on {@code input}: its wall time in milliseconds. */
        double run(float[] input) throws OrtException {
            long start = System.nanoTime();
            try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), shape);
                 OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
                return (System.nanoTime() - start) / 1e6;
            }
        }

        /**
         * Ends the profile and returns each node's kernel times of the last {@code runs} runs in milliseconds, by node
         * name in the order they first ran (the warm-up runs' come first and are dropped).
         */
        Map<String, List<Double>> nodes(int runs) throws OrtException, IOException {
            String profile = session.endProfiling();
            Map<String, List<Double>> nodes = new LinkedHashMap<>();
            try (Reader reader = Files.newBufferedReader(Path.of(profile))) {
                for (JsonElement element : JsonParser.parseReader(reader).getAsJsonArray()) {
                    JsonObject event = element.getAsJsonObject();
                    String name = event.has("name") ? event.get("name").getAsString() : "";
                    if (event.has("cat") && event.get("cat").getAsString().equals("Node")
                            && name.endsWith("_kernel_time")) {
                        nodes.computeIfAbsent(name.substring(0, name.length() - "_kernel_time".length()),
                                node -> new ArrayList<>()).add(event.get("dur").getAsDouble() / 1e3);
                    }
                }
            }
            nodes.replaceAll((node, times) -> times.subList(Math.max(0, times.size() - runs), times.size()));
            return nodes;
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }

    /** Puts each ONNX Runtime node beside the step that runs the node it stands for ({@link LayerComparison}). */
    static Comparison match(List<List<String>> steps, double[][] stepMillis, Map<String, List<Double>> peerNodes,
                            double etalonCall, double peerCall) {
        Map<String, Integer> stepOf = new LinkedHashMap<>();
        for (int s = 0; s < steps.size(); s++) {
            for (String node : steps.get(s)) {
                stepOf.put(node, s);
            }
        }
        List<List<String>> matched = new ArrayList<>();
        double[] peerMillis = new double[steps.size()];
        for (int s = 0; s < steps.size(); s++) {
            matched.add(new ArrayList<>());
        }
        Map<String, Double> peerOnly = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> node : peerNodes.entrySet()) {
            Integer step = stepOf.get(standsFor(node.getKey()));
            double millis = median(node.getValue().stream().mapToDouble(Double::doubleValue).toArray());
            if (step == null) {
                peerOnly.put(node.getKey(), millis);
            } else {
                matched.get(step).add(node.getKey());
                peerMillis[step] += millis;
            }
        }
        List<Line> lines = new ArrayList<>();
        for (int s = 0; s < steps.size(); s++) {
            lines.add(new Line(steps.get(s), median(stepMillis[s]), List.copyOf(matched.get(s)), peerMillis[s]));
        }
        return new Comparison(lines, peerOnly, etalonCall, peerCall);
    }

    /**
     * The ONNX node an ONNX Runtime node stands for: its name less {@code _nchwc}, then less {@code _output_0}, and
     * less the {@code fused } before a node that took in the activation after it.
     */
    static String standsFor(String peerNode) {
        String name = peerNode.startsWith("fused ") ? peerNode.substring("fused ".length()) : peerNode;
        for (String suffix : new String[] {"_nchwc", "_output_0"}) {
            if (name.endsWith(suffix)) {
                name = name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private static void print(Comparison comparison, Path file, Options options, PrintStream out) {
        out.printf(Locale.ROOT, "Plain inference of %s layer by layer, one sample, %d thread(s), median of %d runs each "
                + "(ms; ONNX Runtime with its profiler on); Java %s, Etalon kernels %s%n%n", file.getFileName(),
                options.threads(), options.runs(), System.getProperty("java.version"),
                io.etalon.kernel.Kernels.best().name());
        out.println("| step | Etalon's nodes | Etalon | ONNX Runtime | ratio |");
        out.println("|---:|---|---:|---:|---:|");
        double ours = 0;
        double theirs = 0;
        for (int s = 0; s < comparison.lines().size(); s++) {
            Line line = comparison.lines().get(s);
            ours += line.etalonMillis();
            theirs += line.peerMillis();
            boolean peer = !line.peerNodes().isEmpty();
            out.printf(Locale.ROOT, "| %d | %s | %.3f | %s | %s |%n", s, String.join(" + ", line.nodes()),
                    line.etalonMillis(), peer ? String.format(Locale.ROOT, "%.3f", line.peerMillis()) : "",
                    peer && line.etalonMillis() > 0
                            ? String.format(Locale.ROOT, "%.2fx", line.peerMillis() / line.etalonMillis()) : "");
        }
        double only = 0;
        for (Map.Entry<String, Double> node : comparison.peerOnly().entrySet()) {
            only += node.getValue();
            out.printf(Locale.ROOT, "| | (ONNX Runtime only) %s | | %.3f | |%n", node.getKey(), node.getValue());
        }
        out.printf(Locale.ROOT, "| | **sum of the steps** | %.3f | %.3f | %.2fx |%n", ours, theirs + only,
                (theirs + only) / ours);
        out.printf(Locale.ROOT, "| | **whole call** | %.3f | %.3f | %.2fx |%n%n", comparison.etalonCallMillis(),
                comparison.peerCallMillis(), comparison.peerCallMillis() / comparison.etalonCallMillis());
        out.println("ratio: ONNX Runtime's time over Etalon's (above 1, Etalon is faster); a step's figures are medians "
                + "over the runs, so the sums need not equal the whole call's");
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
