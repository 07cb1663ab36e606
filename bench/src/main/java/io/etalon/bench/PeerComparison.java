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
 * no engine's spinning worker threads are still holding the cores.
 *
 * <p>Run with {@code ./etalon bench --peers [--threads N] [--seconds S] [--json FILE]}.
 */
public final class PeerComparison {

    /** Rounds of the interleaved timing; each engine runs seconds / ROUNDS per round. */
    static final int ROUNDS = 5;

    /** Idle time before each slice, untimed: longer than the peers' thread pools spin before they sleep. */
    static final long PAUSE_MILLIS = 500;

    /** One measured line of the table: the median round's images/s, and the slowest and fastest rounds'. */
    record Row(String engine, String task, String method, int batch, int threads, double imagesPerSecond, double slowest,
               double fastest) {
    }

    /** One workload to time: an engine doing a task on a batch. */
    private record Case(String engine, String task, String method, int batch, Callable<float[]> work) {
    }

    private final int threads;
    private final double seconds;
    private final PrintStream out;
    private final List<Row> rows = new ArrayList<>();
    private double checksum;
    private boolean djlAgrees;
    private boolean pythonAgrees;

    PeerComparison(int threads, double seconds, PrintStream out) {
        this.threads = threads;
        this.seconds = seconds;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        double seconds = 5;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--peers" -> { }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --threads N, --seconds S, --json FILE");
            }
        }
        new PeerComparison(threads, seconds, System.out).run(json);
    }

    void run(Path json) throws Exception {
        DjlAutograd.configureThreads(threads);
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
        printTable();
        if (json != null) {
            writeJson(json);
            out.println("wrote " + json.toAbsolutePath().normalize());
        }
        if (checksum == 42) {
            out.println(); // keeps the results alive for the JIT
        }
    }

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
                        rows.add(new Row("pytorch-python", "etalons", "autograd", b, threads, perSecond, perSecond, perSecond));
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
        for (Case one : cases) {
            warmUp(one);
        }
        double[][] rates = new double[cases.size()][ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < cases.size(); i++) {
                // the peers' thread pools spin-wait after each call (ONNX Runtime's intra-op threads, libtorch's
                // OpenMP team) and would take the cores from whatever runs next: let them go to sleep first
                Thread.sleep(PAUSE_MILLIS);
                rates[i][round] = time(cases.get(i), seconds / ROUNDS);
            }
        }
        for (int i = 0; i < cases.size(); i++) {
            double[] sorted = rates[i].clone();
            java.util.Arrays.sort(sorted);
            record(cases.get(i), sorted[ROUNDS / 2], sorted[0], sorted[ROUNDS - 1]);
        }
    }

    private void warmUp(Case one) throws Exception {
        long warmupEnd = System.nanoTime() + (long) (Math.min(2, seconds / 2) * 1e9);
        int warmups = 0;
        while (System.nanoTime() < warmupEnd || warmups < 2) {
            checksum += one.work().call()[0];
            warmups++;
        }
    }

    /** Images per second over a slice of about {@code slice} seconds (at least three calls). */
    private double time(Case one, double slice) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (slice * 1e9);
        long images = 0;
        int runs = 0;
        while (System.nanoTime() < end || runs < 3) {
            checksum += one.work().call()[0];
            images += one.batch();
            runs++;
        }
        return images / ((System.nanoTime() - start) / 1e9);
    }

    private void record(Case one, double median, double slowest, double fastest) {
        rows.add(new Row(one.engine(), one.task(), one.method(), one.batch(), threads, median, slowest, fastest));
        out.printf(Locale.ROOT, "  %-14s %-9s %-10s batch %4d: %10.1f images/s (rounds %.1f to %.1f)%n", one.engine(),
                one.task(), one.method(), one.batch(), median, slowest, fastest);
    }

    private double best(String engine, String task) {
        return rows.stream().filter(r -> r.engine().equals(engine) && r.task().equals(task))
                .mapToDouble(Row::imagesPerSecond).max().orElse(Double.NaN);
    }

    private void printTable() {
        double djlBest = best("pytorch-djl", "etalons");
        double pythonBest = best("pytorch-python", "etalons");
        out.println();
        out.println("| engine | task | method | batch | threads | images/s (median round) | rounds | ratio |");
        out.println("|---|---|---|---:|---:|---:|---:|---|");
        for (Row row : rows) {
            String ratio;
            if (row.task().equals("etalons")) {
                ratio = String.format(Locale.ROOT, "%.2fx PyTorch/Python%s, %.2fx PyTorch/DJL%s (best batches)",
                        row.imagesPerSecond() / pythonBest, pythonAgrees ? "" : " (unverified)",
                        row.imagesPerSecond() / djlBest, djlAgrees ? "" : " (wrong etalons)");
            } else {
                double ort = rows.stream().filter(r -> r.engine().equals("onnxruntime") && r.batch() == row.batch())
                        .mapToDouble(Row::imagesPerSecond).findFirst().orElse(Double.NaN);
                ratio = String.format(Locale.ROOT, "%.2fx ONNX Runtime (same batch)", row.imagesPerSecond() / ort);
            }
            String rounds = row.slowest() == row.fastest() ? "one" : String.format(Locale.ROOT, "%.0f-%.0f", row.slowest(), row.fastest());
            out.printf(Locale.ROOT, "| %s | %s | %s | %d | %d | %.1f | %s | %s |%n", row.engine(), row.task(), row.method(),
                    row.batch(), row.threads(), row.imagesPerSecond(), rounds, ratio);
        }
    }

    private void writeJson(Path file) throws IOException {
        StringBuilder text = new StringBuilder("{\n  \"date\": \"" + LocalDate.now() + "\",\n  \"cores\": "
                + Runtime.getRuntime().availableProcessors() + ",\n  \"java\": \"" + System.getProperty("java.version")
                + "\",\n  \"results\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            text.append(String.format(Locale.ROOT,
                    "    {\"engine\": \"%s\", \"task\": \"%s\", \"method\": \"%s\", \"batch\": %d, \"threads\": %d, \"imagesPerSecond\": %.3f,"
                            + " \"slowestRound\": %.3f, \"fastestRound\": %.3f}%s%n",
                    row.engine(), row.task(), row.method(), row.batch(), row.threads(), row.imagesPerSecond(), row.slowest(),
                    row.fastest(), i + 1 < rows.size() ? "," : ""));
        }
        text.append("  ]\n}\n");
        io.etalon.data.AtomicFiles.write(file, text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
