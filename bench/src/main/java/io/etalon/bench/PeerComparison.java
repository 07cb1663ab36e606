package io.etalon.bench;

import io.etalon.etalon.Explainer;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;

/**
 * Etalon against its peers in one process, on the same images and thread count: exact etalons of all 10 outputs of
 * the shipped LeNet (ours vs PyTorch autograd through DJL) and plain inference (ours vs ONNX Runtime). It first checks
 * that the peer's etalons equal ours, then times each engine and prints images/s and ratios.
 *
 * <p>Shared machines drift: the same loop can run a third faster or slower from one minute to the next. So engines
 * that are compared run interleaved, in {@value #ROUNDS} rounds of a slice each (ours, the peer's, ours, ...), and each
 * is reported by its median round, with the slowest and fastest round beside it: a drift then moves both sides of a
 * ratio alike instead of favouring whichever ran in the quiet minute. Each slice starts after an idle pause, so that
 * no engine's spinning worker threads are still holding the cores. Before its rounds each engine runs untimed for as
 * long as a whole measurement (at least; {@value #WARM_UP_SECONDS} s at most), and then on until the JIT has settled
 * ({@link WarmUp}): steady speeds are compared, not Etalon's first seconds against native code.
 *
 * <p>Run with {@code ./etalon bench --peers [--threads N] [--seconds S] [--json FILE]}.
 */
public final class PeerComparison {

    /** Rounds of the interleaved timing; each engine runs seconds / ROUNDS per round. */
    static final int ROUNDS = 5;

    /** The longest untimed warm-up of one engine before the JIT's own settling ({@link WarmUp}), in seconds. */
    static final int WARM_UP_SECONDS = 4;

    /** Idle time before each slice, untimed: longer than the peers' thread pools spin before they sleep. */
    static final long PAUSE_MILLIS = 500;

    /** One measured line of the table: the median round's images/s, and the slowest and fastest rounds'. */
    record Row(String model, String engine, String task, String method, int batch, int threads, double imagesPerSecond,
               double slowest, double fastest, double flopsPerImage) {
    }

    /**
     * One workload to time: an engine doing a task on a batch of a model's images; {@code flopsPerImage} is the
     * nominal work of one image (0 where not counted), for the GFLOP/s column.
     */
    private record Case(String model, String engine, String task, String method, int batch, double flopsPerImage,
                        Callable<float[]> work) {
        Case(String engine, String task, String method, int batch, Callable<float[]> work) {
            this("lenet", engine, task, method, batch, 0, work);
        }
    }

    private final int threads;
    private final double seconds;
    private final PrintStream out;
    private final List<Row> rows = new ArrayList<>();
    private double checksum;
    private boolean djlAgrees;
    private boolean pythonAgrees;
    /** Per ImageNet-size model, whether DJL's etalons matched Etalon's in this run. */
    private final java.util.Map<String, Boolean> imagenetAgrees = new java.util.HashMap<>();
    /** A large float32 matrix product through DJL (libtorch and its BLAS), in GFLOP/s: the machine's practical peak. */
    private double peakGflops = Double.NaN;
    /** Percent of the machine's CPU time its host took for others during the run; NaN where unknown. */
    private double stolenPercent = Double.NaN;

    PeerComparison(int threads, double seconds, PrintStream out) {
        this.threads = threads;
        this.seconds = seconds;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args, Runtime.getRuntime().availableProcessors());
        } catch (IllegalArgumentException e) {
            System.err.println("etalon bench --peers: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(Options.USAGE);
            return;
        }
        try {
            new PeerComparison(options.threads(), options.seconds(), System.out).run(options.json(), options.models());
        } catch (NothingToRun e) {
            System.err.println("etalon bench --peers: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Every workload asked for lacks its generated files: nothing is measured and no JSON is written. */
    static final class NothingToRun extends RuntimeException {
        NothingToRun(String message) {
            super(message);
        }
    }

    /** What {@code ./etalon bench --peers} was asked to run. */
    record Options(int threads, double seconds, Path json, List<String> models, boolean help) {

        static final String USAGE = "usage: ./etalon bench --peers [--threads N] [--seconds S] [--json FILE] "
                + "[--models " + String.join(",", MODELS) + "]";

        /**
         * Reads the command line, {@code threads} cores unless told.
         *
         * @throws IllegalArgumentException naming the option at fault and what it takes
         */
        static Options parse(String[] args, int threads) {
            double seconds = 5;
            Path json = null;
            List<String> models = List.of(MODELS);
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                switch (option) {
                    case "--threads" -> threads = positiveInt(option, value(args, ++i, option));
                    case "--seconds" -> seconds = positiveSeconds(option, value(args, ++i, option));
                    case "--json" -> json = Path.of(value(args, ++i, option));
                    case "--models" -> models = List.of(value(args, ++i, option).split(","));
                    case "--peers" -> { }
                    case "--help", "-h" -> help = true;
                    default -> throw new IllegalArgumentException("unknown option " + option + "; " + USAGE);
                }
            }
            for (String model : models) {
                if (!List.of(MODELS).contains(model)) {
                    throw new IllegalArgumentException("unknown model " + model + "; use --models with some of "
                            + String.join(",", MODELS));
                }
            }
            return new Options(threads, seconds, json, models, help);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value; " + USAGE);
            }
            return args[i];
        }

        private static double positiveSeconds(String option, String value) {
            try {
                double seconds = Double.parseDouble(value);
                if (seconds > 0 && seconds < Double.POSITIVE_INFINITY) {
                    return seconds;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new IllegalArgumentException(option + " takes a positive number of seconds per round, not " + value);
        }

        static int positiveInt(String option, String value) {
            return positiveInt(option, value, "threads");
        }

        /** A whole number of {@code what} (threads, runs), 1 or more, or a one-line refusal naming the option. */
        static int positiveInt(String option, String value, String what) {
            try {
                int n = Integer.parseInt(value);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new IllegalArgumentException(option + " takes a whole number of " + what + ", 1 or more, not " + value);
        }
    }

    /** The models {@code --models} may name: the shipped LeNet and the ImageNet-size workloads. */
    static final String[] MODELS = {"lenet", "squeezenet1_1", "resnet18", "mobilenet_v2"};

    void run(Path json, List<String> models) throws Exception {
        DjlAutograd.configureThreads(threads);
        // a workload whose generated files are missing is skipped alone, with the command that makes them
        List<String> imagenet = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String name : models) {
            String lacks = name.equals("lenet") ? null : ImagenetWorkload.missing(name);
            if (lacks != null) {
                skipped.add(name + " skipped: " + lacks);
            } else if (!name.equals("lenet")) {
                imagenet.add(name);
            }
        }
        if (!skipped.isEmpty() && imagenet.isEmpty() && !models.contains("lenet")) {
            throw new NothingToRun(skipped.get(0));
        }
        skipped.forEach(out::println);
        StolenTime start = StolenTime.now();
        if (models.contains("lenet")) {
            runLenet();
        }
        if (!imagenet.isEmpty()) {
            runImagenet(imagenet);
        }
        StolenTime end = StolenTime.now();
        if (start != null && end != null) {
            stolenPercent = end.percentSince(start);
        }
        printTable();
        if (json != null) {
            writeJson(json);
            out.println("wrote " + json.toAbsolutePath().normalize());
        }
        if (checksum == 42) {
            out.println(); // keeps the results alive for the JIT
        }
    }

    private void runLenet() throws Exception {
        Workload workload = Workload.load(2000);
        List<Neuron> outputs = Neuron.parse("output", workload.network());
        out.printf(Locale.ROOT, "Etalon vs peers: shipped LeNet, %d held-out MNIST digits, %d thread(s), %s, %s, Java %s, "
                + "Etalon kernels %s%n", workload.count(), threads, LocalDate.now(), System.getProperty("os.arch"),
                System.getProperty("java.version"), io.etalon.kernel.Kernels.best().name());
        try (DjlAutograd djl = new DjlAutograd(workload.network());
             OrtForward ort = new OrtForward(workload.modelFile(), threads)) {
            String isa = System.getenv("DNNL_MAX_CPU_ISA");
            out.printf("peers: PyTorch %s through DJL (autograd%s), ONNX Runtime (inference)%n", DjlAutograd.version(),
                    isa == null ? "" : ", oneDNN capped at " + isa);
            checkAgreement(workload, djl, ort, outputs);
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                List<Case> inference = new ArrayList<>();
                for (int batch : new int[] {1, 256}) {
                    inference.add(new Case("etalon", "inference", "forward", batch,
                            () -> Engines.infer(workload.network(), pool, workload.batch(0, batch), batch)));
                    inference.add(new Case("onnxruntime", "inference", "forward", batch,
                            () -> ort.scores(workload.batch(0, batch), batch)));
                }
                timeInterleaved(inference);
            } finally {
                pool.shutdown();
            }
            pythonPeer(workload, outputs);
            List<Case> etalons = new ArrayList<>();
            for (int batch : new int[] {1, 16, 64, 256}) {
                etalons.add(new Case("pytorch-djl", "etalons", "autograd", batch, () -> djl.etalons(workload.batch(0, batch), batch)));
            }
            for (Method method : new Method[] {Method.AUTO, Method.REVERSE}) {
                Explainer explainer = Engines.explainer(workload.network(), method, threads);
                for (int batch : new int[] {1, 256}) {
                    etalons.add(new Case("etalon", "etalons", method.cliName(), batch,
                            () -> Engines.etalons(explainer, workload.batch(0, batch), batch, outputs)));
                }
            }
            timeInterleaved(etalons);
            // the slow solvers are not compared with a peer: one round each
            Explainer forward = Engines.explainer(workload.network(), Method.FORWARD, threads);
            Explainer coordinate = Engines.explainer(workload.network(), Method.COORDINATE, threads);
            List<Case> slow = List.of(
                    new Case("etalon", "etalons", "forward", 16, () -> Engines.etalons(forward, workload.batch(0, 16), 16, outputs)),
                    new Case("etalon", "etalons", "coordinate", 2, () -> Engines.etalons(coordinate, workload.batch(0, 2), 2, outputs)));
            for (Case one : slow) {
                warmUp(one);
                double rate = time(one, seconds);
                record(one, rate, rate, rate);
            }
        }
    }

    /** ImageNet-size batches: one image, and the batches each task is timed at besides. */
    private static final int[] INFERENCE_BATCHES = {1, 8};
    private static final int[] ETALON_BATCHES = {1, 4};
    private static final int[] TOP = {1, 5};

    /**
     * SqueezeNet 1.1 and the ResNet-18-shaped network on the shipped photos: the etalons of each image's best and 5
     * best classes (ours vs PyTorch autograd through DJL on the same weights as TorchScript) and plain inference (ours
     * vs ONNX Runtime on the same ONNX file), each checked against ours first.
     */
    private void runImagenet(List<String> names) throws Exception {
        String isa = System.getenv("DNNL_MAX_CPU_ISA");
        peakGflops = MachinePeak.matrixProductGflops(Math.min(3, seconds));
        out.printf(Locale.ROOT, "Etalon vs peers at 224x224: %s, %d thread(s), %s, Java %s, Etalon kernels %s; PyTorch %s "
                + "through DJL%s, ONNX Runtime; machine peak (1024x1024 float32 matrix product through DJL) %.1f GFLOP/s%n",
                String.join(", ", names), threads, LocalDate.now(), System.getProperty("java.version"),
                io.etalon.kernel.Kernels.best().name(), DjlAutograd.version(),
                isa == null ? "" : " (oneDNN capped at " + isa + ")", peakGflops);
        for (String name : names) {
            ImagenetWorkload workload = ImagenetWorkload.load(name);
            int classes = workload.network().outputShape().size();
            double flops = workload.flops();
            out.printf(Locale.ROOT, "%s: %d photos, %.2f GFLOP per forward pass (convolutions and dense layers)%n", name,
                    workload.count(), flops / 1e9);
            ForkJoinPool pool = new ForkJoinPool(threads);
            try (DjlTorchScript djl = new DjlTorchScript(workload.torchScript(), classes);
                 OrtForward ort = new OrtForward(workload.onnxFile(), threads, new long[] {3, 224, 224}, classes)) {
                checkImagenet(workload, djl, ort, pool);
                List<Case> inference = new ArrayList<>();
                for (int batch : INFERENCE_BATCHES) {
                    float[] images = workload.batch(batch);
                    inference.add(new Case(name, "etalon", "inference", "forward", batch, flops,
                            () -> Engines.infer(workload.network(), pool, images, batch)));
                    inference.add(new Case(name, "onnxruntime", "inference", "forward", batch, flops,
                            () -> ort.scores(images, batch)));
                }
                timeInterleaved(inference, IMAGENET_ROUNDS, 1);
                List<Case> etalons = new ArrayList<>();
                for (int k : TOP) {
                    for (int batch : ETALON_BATCHES) {
                        float[] images = workload.batch(batch);
                        // nominal work: one forward pass and k transposed passes, each as costly as a forward pass
                        double work = (1 + k) * flops;
                        etalons.add(new Case(name, "etalon", "etalons-top" + k, "reverse", batch, work,
                                () -> Engines.topEtalons(workload.network(), pool, images, batch, k)));
                        etalons.add(new Case(name, "pytorch-djl", "etalons-top" + k, "autograd", batch, work,
                                () -> djl.etalons(images, batch, k)));
                    }
                }
                timeInterleaved(etalons, IMAGENET_ROUNDS, 1);
            } finally {
                pool.shutdown();
            }
        }
    }

    /** Rounds of the interleaved timing at 224x224, where one call can take seconds. */
    static final int IMAGENET_ROUNDS = 3;

    /**
     * Checks DJL's top-5 etalons and ONNX Runtime's scores against Etalon's on all photos of a workload. A failed
     * etalon check marks the PyTorch rows of that model; a failed score check voids the comparison.
     */
    private void checkImagenet(ImagenetWorkload workload, DjlTorchScript djl, OrtForward ort, ForkJoinPool pool)
            throws Exception {
        int batch = workload.count();
        int k = 5;
        int classes = workload.network().outputShape().size();
        int pixels = workload.network().inputShape().size();
        float[] images = workload.batch(batch);
        float[] ourScores = Engines.infer(workload.network(), pool, images, batch);
        float[] ortScores = ort.scores(images, batch);
        float[] djlScores = djl.scores(images, batch);
        double worstOrt = 0;
        double worstDjl = 0;
        int sameTop = 0;
        for (int i = 0; i < ourScores.length; i++) {
            worstOrt = Math.max(worstOrt, Math.abs(ortScores[i] - ourScores[i]) / (1 + Math.abs(ortScores[i])));
            worstDjl = Math.max(worstDjl, Math.abs(djlScores[i] - ourScores[i]) / (1 + Math.abs(djlScores[i])));
        }
        for (int b = 0; b < batch; b++) {
            if (java.util.Arrays.equals(TopClasses.of(ourScores, b * classes, classes, k),
                    TopClasses.of(djlScores, b * classes, classes, k))) {
                sameTop++;
            }
        }
        float[] ours = Engines.topEtalons(workload.network(), pool, images, batch, k);
        float[] theirs = djl.etalons(images, batch, k);
        double worst = 0;
        int samePhotos = 0;
        StringBuilder perPhoto = new StringBuilder();
        for (int b = 0; b < batch; b++) {
            double photo = 0;
            for (int e = b * k; e < (b + 1) * k; e++) {
                double scale = 1e-30;
                for (int j = 0; j < pixels; j++) {
                    scale = Math.max(scale, Math.abs(theirs[e * pixels + j]));
                }
                for (int j = 0; j < pixels; j++) {
                    photo = Math.max(photo, Math.abs(ours[e * pixels + j] - theirs[e * pixels + j]) / scale);
                }
            }
            perPhoto.append(String.format(Locale.ROOT, "%s%.1e", b == 0 ? "" : ", ", photo));
            worst = Math.max(worst, photo);
            if (photo <= SAME_REGION) {
                samePhotos++;
            }
        }
        out.printf(Locale.ROOT, "agreement on %d photos of %s: scores vs ONNX Runtime %.2e, vs PyTorch %.2e; the same 5 "
                + "best classes in order for %d of %d; top-5 etalons vs PyTorch autograd, max relative difference per photo: "
                + "%s%n", batch, workload.name(), worstOrt, worstDjl, sameTop, batch, perPhoto);
        if (worstOrt > SAME_REGION) {
            throw new IllegalStateException("ONNX Runtime's scores of " + workload.name() + " differ from Etalon's beyond "
                    + SAME_REGION + "; the comparison is void");
        }
        // A photo whose five etalons agree to round-off shows libtorch's input-gradient kernels right on this machine
        // (the wrong oneDNN kernels LeNet met give O(1) errors on every image); the others may sit in a neighbouring
        // region, as in float32 a ReLU input within round-off of 0 can fall either way under another order of sums.
        boolean agrees = samePhotos > 0 && sameTop == batch;
        imagenetAgrees.put(workload.name(), agrees);
        if (samePhotos < batch) {
            out.printf(Locale.ROOT, "  %d of %d photos agree to %.0e; on the others, ReLU inputs within round-off of zero can fall "
                    + "the other way in one engine's float32 sums than in the other's, giving the exact etalon of a "
                    + "neighbouring region (largest difference %.1e)%n", samePhotos, batch, SAME_REGION,
                    worst);
        }
        if (!agrees) {
            out.printf(Locale.ROOT, "WARNING: no photo's etalons of %s from PyTorch through DJL agree with Etalon's to %.0e, or "
                    + "the best classes differ; its rows are marked.%n", workload.name(), SAME_REGION);
        }
    }

    /** Relative agreement of two engines in the same linear region at 224x224 (float32 sums in other orders). */
    static final double SAME_REGION = 1e-4;

    private void checkAgreement(Workload workload, DjlAutograd djl, OrtForward ort, List<Neuron> outputs) throws Exception {
        int batch = 64;
        float[] images = workload.batch(0, batch);
        float[] ours = Engines.etalons(Engines.explainer(workload.network(), Method.AUTO, threads), images, batch, outputs);
        float[] theirs = djl.etalons(images, batch);
        double worst = 0;
        for (int e = 0; e < batch * outputs.size(); e++) {
            double scale = 1e-30;
            for (int j = 0; j < 784; j++) {
                scale = Math.max(scale, Math.abs(theirs[e * 784 + j]));
            }
            for (int j = 0; j < 784; j++) {
                worst = Math.max(worst, Math.abs(ours[e * 784 + j] - theirs[e * 784 + j]) / scale);
            }
        }
        float[] ortScores = ort.scores(images, batch);
        float[] ourScores = Engines.infer(workload.network(), ForkJoinPool.commonPool(), images, batch);
        double worstScore = 0;
        for (int i = 0; i < ortScores.length; i++) {
            worstScore = Math.max(worstScore, Math.abs(ortScores[i] - ourScores[i]) / (1 + Math.abs(ortScores[i])));
        }
        out.printf(Locale.ROOT, "agreement on %d images: etalons vs PyTorch autograd max relative difference %.2e; "
                + "scores vs ONNX Runtime %.2e%n", batch, worst, worstScore);
        if (worstScore > 1e-4) {
            throw new IllegalStateException("ONNX Runtime's scores differ from Etalon's beyond 1e-4; the comparison is void");
        }
        djlAgrees = worst <= 1e-4;
        if (!djlAgrees) {
            out.printf(Locale.ROOT, "WARNING: DJL's autograd etalons differ from Etalon's. Its input gradient of a single 5x5"
                    + " convolution differs from a brute-force sum by %.3g (should be ~1e-7), so libtorch through DJL is not a"
                    + " valid etalon peer on this machine; its speed is still shown. PyTorch from Python is checked below."
                    + " On AMD EPYC here, libtorch's oneDNN backward-data kernels for AVX2 and AVX-512 are the culprit: run"
                    + " with DNNL_MAX_CPU_ISA=AVX in the environment for correct (slower) DJL etalons.%n",
                    djl.convolutionGradientError());
        }
    }

    /** Times PyTorch autograd from Python (Debian's python3-torch) on the same images and threads, if present. */
    private void pythonPeer(Workload workload, List<Neuron> outputs) throws Exception {
        Path script = Workload.root().resolve("tools/bench/torch_autograd.py");
        if (!Files.exists(Path.of("/usr/bin/python3")) || !Files.exists(script)) {
            out.println("python peer skipped: /usr/bin/python3 or " + script + " is missing");
            return;
        }
        int batch = 64;
        float[] ours = Engines.etalons(Engines.explainer(workload.network(), Method.AUTO, threads),
                workload.batch(0, batch), batch, outputs);
        Path npy = Files.createTempFile("etalon-ours-", ".npy");
        try {
            io.etalon.data.Npy.writeFloat32(npy, new int[] {batch, outputs.size(), 1, 28, 28}, ours);
            Process process = new ProcessBuilder("/usr/bin/python3", script.toString(),
                    "--model", workload.modelFile().toString(),
                    "--images", Workload.root().resolve("data/mnist/test-images-idx3-ubyte.gz").toString(),
                    "--ours", npy.toString(), "--threads", String.valueOf(threads),
                    "--seconds", String.valueOf(seconds)).redirectErrorStream(true).start();
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream())).lines()) {
                lines.forEach(line -> {
                    java.util.regex.Matcher difference = java.util.regex.Pattern
                            .compile("\"maxRelativeDifference\": ([0-9.eE+-]+)").matcher(line);
                    java.util.regex.Matcher rate = java.util.regex.Pattern
                            .compile("\"batch\": (\\d+), \"imagesPerSecond\": ([0-9.eE+-]+)").matcher(line);
                    if (difference.find()) {
                        double value = Double.parseDouble(difference.group(1));
                        pythonAgrees = value <= 1e-4;
                        out.printf(Locale.ROOT, "agreement: etalons vs PyTorch autograd from Python (%s) max relative "
                                + "difference %.2e%n", line.replaceAll(".*\"version\": \"([^\"]*)\".*", "$1"), value);
                    } else if (rate.find()) {
                        int b = Integer.parseInt(rate.group(1));
                        double perSecond = Double.parseDouble(rate.group(2));
                        rows.add(new Row("lenet", "pytorch-python", "etalons", "autograd", b, threads, perSecond, perSecond, perSecond, 0));
                        out.printf(Locale.ROOT, "  %-14s %-9s %-10s batch %4d: %10.1f images/s%n", "pytorch-python",
                                "etalons", "autograd", b, perSecond);
                    } else {
                        out.println("  python: " + line);
                    }
                });
            }
            if (process.waitFor() != 0) {
                out.println("python peer failed; see its output above");
            }
        } finally {
            Files.deleteIfExists(npy);
        }
    }

    /** Times the cases in turn, {@link #ROUNDS} times over, and records each one's median round. */
    private void timeInterleaved(List<Case> cases) throws Exception {
        timeInterleaved(cases, ROUNDS, 3);
    }

    /**
     * Times the cases in turn, {@code rounds} times over (odd), each slice at least {@code calls} calls long, and records
     * each one's median round. The 224x224 cases take one call per slice at least: a call of five etalons of a batch
     * of ResNet-18 takes seconds on a shared machine.
     */
    private void timeInterleaved(List<Case> cases, int rounds, int calls) throws Exception {
        for (Case one : cases) {
            warmUp(one);
        }
        double[][] rates = new double[cases.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < cases.size(); i++) {
                // the peers' thread pools spin-wait after each call (ONNX Runtime's intra-op threads, libtorch's
                // OpenMP team) and would take the cores from whatever runs next: let them go to sleep first
                Thread.sleep(PAUSE_MILLIS);
                rates[i][round] = time(cases.get(i), seconds / rounds, calls);
            }
        }
        for (int i = 0; i < cases.size(); i++) {
            double[] sorted = rates[i].clone();
            java.util.Arrays.sort(sorted);
            record(cases.get(i), sorted[rounds / 2], sorted[0], sorted[rounds - 1]);
        }
    }

    private void warmUp(Case one) throws Exception {
        checksum += WarmUp.run(one.work()::call, Math.min(WARM_UP_SECONDS, seconds), one.flopsPerImage() > 0 ? 1 : 2);
    }

    /** Images per second over a slice of about {@code slice} seconds (at least three calls). */
    private double time(Case one, double slice) throws Exception {
        return time(one, slice, 3);
    }

    /** Images per second over a slice of about {@code slice} seconds (at least {@code calls} calls). */
    private double time(Case one, double slice, int calls) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (slice * 1e9);
        long images = 0;
        int runs = 0;
        while (System.nanoTime() < end || runs < calls) {
            checksum += one.work().call()[0];
            images += one.batch();
            runs++;
        }
        return images / ((System.nanoTime() - start) / 1e9);
    }

    private void record(Case one, double median, double slowest, double fastest) {
        rows.add(new Row(one.model(), one.engine(), one.task(), one.method(), one.batch(), threads, median, slowest, fastest,
                one.flopsPerImage()));
        out.printf(Locale.ROOT, "  %-13s %-14s %-13s %-10s batch %4d: %10.2f images/s (rounds %.2f to %.2f)%n", one.model(),
                one.engine(), one.task(), one.method(), one.batch(), median, slowest, fastest);
    }

    private double best(String model, String engine, String task) {
        return rows.stream().filter(r -> r.model().equals(model) && r.engine().equals(engine) && r.task().equals(task))
                .mapToDouble(Row::imagesPerSecond).max().orElse(Double.NaN);
    }

    private double same(Row row, String engine) {
        return rows.stream().filter(r -> r.model().equals(row.model()) && r.engine().equals(engine)
                        && r.task().equals(row.task()) && r.batch() == row.batch())
                .mapToDouble(Row::imagesPerSecond).findFirst().orElse(Double.NaN);
    }

    private void printTable() {
        out.println();
        out.println("| model | engine | task | method | batch | threads | images/s (median round) | rounds | GFLOP/s | ratio |");
        out.println("|---|---|---|---|---:|---:|---:|---:|---:|---|");
        for (Row row : rows) {
            String ratio;
            if (row.model().equals("lenet") && row.task().equals("etalons")) {
                ratio = String.format(Locale.ROOT, "%.2fx PyTorch/Python%s, %.2fx PyTorch/DJL%s (best batches)",
                        row.imagesPerSecond() / best("lenet", "pytorch-python", "etalons"), pythonAgrees ? "" : " (unverified)",
                        row.imagesPerSecond() / best("lenet", "pytorch-djl", "etalons"), djlAgrees ? "" : " (wrong etalons)");
            } else if (row.task().equals("inference")) {
                ratio = String.format(Locale.ROOT, "%.2fx ONNX Runtime (same batch)", row.imagesPerSecond() / same(row, "onnxruntime"));
            } else {
                String mark = imagenetAgrees.getOrDefault(row.model(), false) ? "" : " (unverified etalons)";
                ratio = String.format(Locale.ROOT, "%.2fx PyTorch/DJL same batch, %.2fx its best batch%s",
                        row.imagesPerSecond() / same(row, "pytorch-djl"),
                        row.imagesPerSecond() / best(row.model(), "pytorch-djl", row.task()), mark);
            }
            String rounds = row.slowest() == row.fastest() ? "one"
                    : String.format(Locale.ROOT, "%s-%s", figure(row.slowest()), figure(row.fastest()));
            String gflops = row.flopsPerImage() == 0 ? "" : String.format(Locale.ROOT, "%.1f (%.0f%% of peak)",
                    row.imagesPerSecond() * row.flopsPerImage() / 1e9,
                    100 * row.imagesPerSecond() * row.flopsPerImage() / 1e9 / peakGflops);
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %d | %d | %s | %s | %s | %s |%n", row.model(), row.engine(), row.task(),
                    row.method(), row.batch(), row.threads(), figure(row.imagesPerSecond()), rounds, gflops, ratio);
        }
        if (!Double.isNaN(peakGflops)) {
            out.printf(Locale.ROOT, "GFLOP/s are nominal (a forward pass, plus one transposed pass per etalon, each costing the "
                    + "forward pass's multiply-adds), against a peak of %.1f GFLOP/s measured in this run%n", peakGflops);
        }
        if (!Double.isNaN(stolenPercent)) {
            out.printf(Locale.ROOT, "the host took %.1f%% of this machine's CPU time for others during the run (steal in "
                    + "/proc/stat)%s%n", stolenPercent, stolenPercent >= 5 ? ": a noisy run, compare ratios only" : "");
        }
    }

    /** Three significant figures at most, one decimal at least where it matters. */
    private static String figure(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value);
    }

    private void writeJson(Path file) throws IOException {
        StringBuilder text = new StringBuilder("{\n  \"date\": \"" + LocalDate.now() + "\",\n  \"cores\": "
                + Runtime.getRuntime().availableProcessors() + ",\n  \"java\": \"" + System.getProperty("java.version")
                + "\",\n  \"peakGflops\": " + (Double.isNaN(peakGflops) ? "null" : String.format(Locale.ROOT, "%.1f", peakGflops))
                + ",\n  \"stolenPercent\": " + (Double.isNaN(stolenPercent) ? "null" : String.format(Locale.ROOT, "%.1f", stolenPercent))
                + ",\n  \"results\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            text.append(String.format(Locale.ROOT,
                    "    {\"model\": \"%s\", \"engine\": \"%s\", \"task\": \"%s\", \"method\": \"%s\", \"batch\": %d, \"threads\": %d, \"imagesPerSecond\": %.3f,"
                            + " \"slowestRound\": %.3f, \"fastestRound\": %.3f, \"gflops\": %s}%s%n",
                    row.model(), row.engine(), row.task(), row.method(), row.batch(), row.threads(), row.imagesPerSecond(), row.slowest(),
                    row.fastest(), row.flopsPerImage() == 0 ? "null" : String.format(Locale.ROOT, "%.2f",
                            row.imagesPerSecond() * row.flopsPerImage() / 1e9), i + 1 < rows.size() ? "," : ""));
        }
        text.append("  ]\n}\n");
        io.etalon.data.AtomicFiles.write(file, text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
