package io.etalon.cli;

import io.etalon.api.Etalons;
import io.etalon.api.ExplainedImage;
import io.etalon.api.ExplainedNeuron;
import io.etalon.data.ImageSet;
import io.etalon.data.Preprocessing;
import io.etalon.etalon.Neuron;
import io.etalon.etalon.NeuronSelection;
import io.etalon.graph.Network;
import io.etalon.pattern.Census;
import io.etalon.region.RegionReport;
import io.etalon.render.FigureGrid;
import io.etalon.render.Palette;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The paper's analyses as a self-contained HTML report with a JSON of every number: Figure 11, voting by attention
 * and ignoring, the etalon census, region geometry and hidden-neuron etalons. Streams the data in chunks.
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Write an HTML report of the paper's analyses: voting, census, region geometry, hidden etalons.")
final class StudyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "The ONNX model (default: the shipped LeNet).")
    Path model;

    @Option(names = "--data", description = "Folder with MNIST-named IDX files (default: the shipped MNIST).")
    Path data;

    @Option(names = "--regions", defaultValue = "50", description = "Test digits whose region geometry is measured (default: ${DEFAULT-VALUE}).")
    int regions;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--compare", description = "A second data folder (e.g. /usr/share/datasets/fashion-mnist) to set "
            + "against --data on equal numbers of inputs: the paper's conjecture that harder data needs more and worse etalons.")
    Path compare;

    @Option(names = "--compare-model", description = "The model trained on the --compare data (required with --compare).")
    Path compareModel;

    @Option(names = "--checkpoints", description = "A folder of epoch-NN.onnx files from etalon train --checkpoints: "
            + "adds the census across training epochs (on the --data split).")
    Path checkpoints;

    @Option(names = "--out", required = true, description = "Output folder for report.html and report.json.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path file = model == null ? Home.existing(Home.model(), "shipped model") : model;
        Network network = Models.load(file, spec.commandLine().getErr());
        Path folder = data == null ? Home.mnist() : data;
        if (compare != null && compareModel == null) {
            throw new IllegalArgumentException("--compare needs --compare-model, the model trained on that data "
                    + "(e.g. etalon train --data " + compare + " --out other.onnx)");
        }
        if (compareModel != null && compare == null) {
            throw new IllegalArgumentException("--compare-model needs --compare DIR, the data that model was trained on");
        }
        // the second data set and its model are checked before the long work starts
        int[] theirs = compare == null ? null : DataComplexity.sizes(compare);
        Network compareNetwork = compare == null ? null : Models.load(compareModel, spec.commandLine().getErr());
        List<Path> epochFiles = checkpoints == null ? List.of() : EpochCensus.checkpoints(checkpoints);
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : Arguments.threads(threads);
        if (network.inputShape().rank() != 3 || network.inputShape().dim(0) != 1) {
            throw new IllegalArgumentException("study needs a model of grey images; this one takes " + network.inputShape());
        }
        int height = network.inputShape().dim(1);
        int width = network.inputShape().dim(2);
        int pixels = height * width;
        // the library's front door, as a Java program would use it: one way to explain an image
        Etalons etalons = Etalons.of(network, Preprocessing.NONE).withThreads(workers).withNearTies(false);
        NeuronSelection outputs = etalons.neurons("output");
        int classes = outputs.count();
        ImageSet test = Inputs.idx(Home.testImages(folder), network);
        int[] labels = Inputs.labels(Home.testLabels(folder), test.count());
        PrintWriter stdout = spec.commandLine().getOut();

        // 1. voting: attention (positive contributions) and ignoring (negative ones) of each class's own etalon
        double[][] meanEtalon = new double[classes][pixels];
        double[][] meanContribution = new double[classes][pixels];
        double[][] meanAgainst = new double[classes][pixels]; // ink that votes against the other classes (all of them)
        double[][] votes = new double[classes][6]; // attention, ignoring, bias, margin by attention, by ignoring, by bias
        int[] count = new int[classes];
        int[] correct = new int[1];
        Batches.explain(etalons, test, outputs, "voting", (index, x, explanation) -> {
            int label = labels[index];
            if (label < 0 || label >= classes) {
                return;
            }
            correct[0] += explanation.predicted() == label ? 1 : 0;
            ExplainedNeuron own = explanation.neurons().get(label);
            float[] ownWeights = own.etalon();
            double[] ownVotes = votes(ownWeights, own.bias(), x);
            int rival = strongestOther(explanation.scores(), label);
            ExplainedNeuron rivalNeuron = explanation.neurons().get(rival);
            double[] rivalVotes = votes(rivalNeuron.etalon(), rivalNeuron.bias(), x);
            count[label]++;
            for (int j = 0; j < pixels; j++) {
                meanEtalon[label][j] += ownWeights[j];
                meanContribution[label][j] += ownWeights[j] * x[j];
            }
            for (int other = 0; other < classes; other++) {
                if (other == label) {
                    continue;
                }
                float[] weights = explanation.neurons().get(other).etalon();
                for (int j = 0; j < pixels; j++) {
                    meanAgainst[label][j] += Math.min(0, weights[j] * x[j]) / (classes - 1);
                }
            }
            for (int v = 0; v < 3; v++) {
                votes[label][v] += ownVotes[v];
                votes[label][3 + v] += ownVotes[v] - rivalVotes[v];
            }
        });
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < pixels; j++) {
                meanEtalon[c][j] /= Math.max(1, count[c]);
                meanContribution[c][j] /= Math.max(1, count[c]);
                meanAgainst[c][j] /= Math.max(1, count[c]);
            }
            for (int v = 0; v < 6; v++) {
                votes[c][v] /= Math.max(1, count[c]);
            }
        }
        double accuracy = (double) correct[0] / test.count();

        // 2. census over the training split, and how many test digits share a training region
        Census train = CensusCommand.census(etalons, Home.existing(Home.trainImages(folder), "training images"));
        Census testCensus = CensusCommand.census(etalons, Home.testImages(folder));
        int shared = testCensus.inputsInRegionsOf(train);

        // 3. region geometry of a sample of test digits
        int sample = Math.min(Math.max(0, regions), test.count());
        int onFace = 0;
        List<Double> faceRadii = new ArrayList<>();
        List<Double> decisionDistances = new ArrayList<>();
        Map<String, Integer> firstFlipLayers = new TreeMap<>();
        try (Progress progress = new Progress("regions", sample)) {
            for (int i = 0; i < sample; i++) {
                RegionReport report = etalons.region(test.image(i));
                onFace += report.tiedConstraints() > 0 ? 1 : 0;
                faceRadii.add(report.faceRadiusL2());
                decisionDistances.add(report.decisionDistanceL2());
                if (report.firstFlip() != null) {
                    firstFlipLayers.merge(report.firstFlip().layer(), 1, Integer::sum);
                }
                progress.stepTo(i + 1);
            }
        }

        // 4. data complexity: this model on its data against another model on other data, on equal input counts
        List<DataComplexity.Profile> profiles = new ArrayList<>();
        if (compare != null) {
            int[] ours = DataComplexity.sizes(folder);
            int trainLimit = Math.min(ours[0], theirs[0]);
            int testLimit = Math.min(ours[1], theirs[1]);
            profiles.add(DataComplexity.measure(folder.getFileName().toString(), file, network, folder, trainLimit, testLimit, workers));
            profiles.add(DataComplexity.measure(compare.getFileName().toString(), compareModel, compareNetwork, compare, trainLimit,
                    testLimit, workers));
        }

        // 5. the census across training epochs
        List<Map<String, Object>> epochs = EpochCensus.measure(epochFiles, folder, workers, spec.commandLine().getErr());

        // 6. pictures
        Figure.Result figure = Figure.draw(etalons, test, labels, Figure.firstOfEachClass(labels, classes),
                Palette.GREY, 3, "Figure 11: etalons of one held-out digit per class (rows) for each output neuron (columns)");
        List<String> titles = Neuron.parse("output", network).stream().map(n -> String.valueOf(n.index())).toList();
        String meanRow = Charts.dataUri(FigureGrid.draw("Per class: mean own etalon, mean X (.) W, and the ink that votes against the other classes",
                titles, List.of(new FigureGrid.Row(new float[pixels], "etalon", toFloat(meanEtalon)),
                        new FigureGrid.Row(new float[pixels], "X (.) W", toFloat(meanContribution)),
                        new FigureGrid.Row(new float[pixels], "against others", toFloat(meanAgainst))), height, width, 3, Palette.GREY));
        Map<String, Map<String, Double>> voteBars = new LinkedHashMap<>();
        String[] names = {"attention (positive mass)", "ignoring (negative mass)", "bias"};
        for (int v = 0; v < 3; v++) {
            Map<String, Double> values = new LinkedHashMap<>();
            for (int c = 0; c < classes; c++) {
                values.put(String.valueOf(c), votes[c][3 + v]);
            }
            voteBars.put(names[v], values);
        }
        String voteChart = Charts.bars("Where the winning margin comes from (own class minus strongest rival), per class",
                "mean share of the margin", voteBars);
        String growthChart = Charts.lines("Distinct linear regions against inputs seen", "inputs", "distinct regions",
                Map.of("training split", train.growth()));
        List<String> hidden = hiddenGrids(etalons, test.image(0), height, width);

        // 7. report
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", file.toString());
        json.put("testAccuracy", accuracy);
        json.put("maxRelativeResidualFigure", figure.maxRelativeResidual());
        List<Map<String, Object>> voting = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", c);
            row.put("digits", count[c]);
            row.put("attention", votes[c][0]);
            row.put("ignoring", votes[c][1]);
            row.put("bias", votes[c][2]);
            row.put("marginFromAttention", votes[c][3]);
            row.put("marginFromIgnoring", votes[c][4]);
            row.put("marginFromBias", votes[c][5]);
            voting.add(row);
        }
        json.put("voting", voting);
        json.put("censusTrain", CensusCommand.summary(train));
        json.put("censusTest", CensusCommand.summary(testCensus));
        json.put("testSharingARegionWithTraining", shared);
        Map<String, Object> geometry = new LinkedHashMap<>();
        geometry.put("digits", sample);
        geometry.put("onAFace", onFace);
        geometry.put("medianFaceRadiusL2", median(faceRadii));
        geometry.put("medianDecisionDistanceL2", median(decisionDistances));
        geometry.put("firstFlipLayers", firstFlipLayers);
        json.put("regionGeometry", geometry);
        if (!profiles.isEmpty()) {
            json.put("dataComplexity", profiles.stream().map(DataComplexity.Profile::toJson).toList());
        }
        if (!epochs.isEmpty()) {
            json.put("censusAcrossEpochs", epochs);
        }
        String html = html(json, Charts.dataUri(figure.image()), meanRow, voteChart, growthChart,
                complexityHtml(profiles) + epochsHtml(epochs), hidden, train, votes, count);
        try (Staging staging = new Staging(out)) {
            io.etalon.data.AtomicFiles.write(staging.resolve("report.html"), html.getBytes(StandardCharsets.UTF_8));
            Json.write(staging.resolve("report.json"), json);
            staging.publish("report.html");
            staging.publish("report.json");
        }
        stdout.printf("accuracy %.2f%%; %d of %d training digits in distinct regions; %d of %d sampled test digits on a face%n",
                100 * accuracy, train.distinctPatterns(), train.inputs(), onFace, sample);
        stdout.printf("wrote %s%n", out.resolve("report.html").toAbsolutePath().normalize());
        return 0;
    }

    /** Attention, ignoring and bias of one etalon W, b on one input: sum of positive and of negative X (.) W, and b. */
    private static double[] votes(float[] weights, double bias, float[] x) {
        double attention = 0;
        double ignoring = 0;
        for (int j = 0; j < x.length; j++) {
            double term = (double) weights[j] * x[j];
            if (term > 0) {
                attention += term;
            } else {
                ignoring += term;
            }
        }
        return new double[] {attention, ignoring, bias};
    }

    private static int strongestOther(float[] scores, int label) {
        int best = label == 0 ? 1 : 0;
        for (int c = 0; c < scores.length; c++) {
            if (c != label && scores[c] > scores[best]) {
                best = c;
            }
        }
        return best;
    }

    private static List<float[]> toFloat(double[][] rows) {
        List<float[]> images = new ArrayList<>();
        for (double[] row : rows) {
            float[] image = new float[row.length];
            for (int j = 0; j < row.length; j++) {
                image[j] = (float) row[j];
            }
            images.add(image);
        }
        return images;
    }

    /** Etalons of hidden neurons for one digit: the centre unit of each conv channel, the first dense units. */
    private static List<String> hiddenGrids(Etalons etalons, float[] image, int height, int width) {
        Network network = etalons.network();
        List<String> grids = new ArrayList<>();
        for (Network.Node node : network.nodes()) {
            String kind = node.op().kind();
            if (!kind.equals("Conv2d") && !kind.equals("ConvTranspose2d") && !kind.equals("Dense")
                    || node == network.node(network.outputIndex())) {
                continue;
            }
            int[] shape = node.op().outputShape().dims();
            List<String> specs = new ArrayList<>();
            if (shape.length == 3) {
                for (int c = 0; c < Math.min(16, shape[0]); c++) {
                    specs.add(node.name() + ":" + c + "," + shape[1] / 2 + "," + shape[2] / 2);
                }
            } else {
                for (int i = 0; i < Math.min(16, shape[0]); i++) {
                    specs.add(node.name() + ":" + i);
                }
            }
            ExplainedImage explanation = etalons.explain(image, specs.toArray(String[]::new));
            List<float[]> cells = explanation.neurons().stream().map(ExplainedNeuron::etalon).toList();
            grids.add(Charts.dataUri(FigureGrid.draw("Etalons of " + node.name() + " neurons for test digit 0", specs,
                    List.of(new FigureGrid.Row(image, "input", cells)), height, width, 3, Palette.GREY)));
        }
        return grids;
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).sorted().toArray();
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    private static String html(Map<String, Object> json, String figure, String means, String voteChart, String growth,
                               String comparisons, List<String> hidden, Census train, double[][] votes, int[] count) {
        StringBuilder page = new StringBuilder();
        page.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Etalon study</title><style>")
                .append("body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;color:#1b1b1b}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}")
                .append("img{max-width:100%}</style></head><body>");
        page.append("<h1>Etalon study</h1><p>Model <code>").append(escape(String.valueOf(json.get("model"))))
                .append("</code>; held-out accuracy ").append(String.format("%.2f%%", 100 * (double) json.get("testAccuracy")))
                .append(". Every etalon below is exact: the largest relative residual in Figure 11 is ")
                .append(String.format("%.2g", (double) json.get("maxRelativeResidualFigure"))).append(".</p>");
        page.append("<h2>Figure 11</h2><img alt=\"Figure 11\" src=\"").append(figure).append("\">");
        page.append("<h2>Voting: attention and ignoring</h2><p>For each digit, its own class's score splits into the "
                + "positive part of X (.) W (attention, white in the etalon where the digit has ink), the negative part "
                + "(ignoring: ink where the etalon is black) and the bias. The margin over the strongest other class "
                + "splits the same way.</p><table><tr><th>class</th><th>digits</th><th>attention</th><th>ignoring</th>"
                + "<th>bias</th><th>margin from attention</th><th>from ignoring</th><th>from bias</th></tr>");
        for (int c = 0; c < votes.length; c++) {
            page.append("<tr><td>").append(c).append("</td><td>").append(count[c]).append("</td>");
            for (double v : votes[c]) {
                page.append("<td>").append(String.format("%.3f", v)).append("</td>");
            }
            page.append("</tr>");
        }
        page.append("</table><img alt=\"margin decomposition\" src=\"").append(voteChart).append("\">");
        page.append("<img alt=\"mean etalons\" src=\"").append(means).append("\">");
        page.append("<h2>Census of etalons</h2><p>").append(train.inputs()).append(" training digits fall in ")
                .append(train.distinctPatterns()).append(" distinct linear regions and use ").append(train.distinctEtalons())
                .append(" distinct sets of output etalons; ").append(json.get("testSharingARegionWithTraining"))
                .append(" held-out digits fall in a region some training digit falls in. Distinct patterns per layer: ")
                .append(escape(train.distinctPerLayer().toString())).append(".</p><img alt=\"growth\" src=\"").append(growth).append("\">");
        @SuppressWarnings("unchecked")
        Map<String, Object> geometry = (Map<String, Object>) json.get("regionGeometry");
        page.append("<h2>Region geometry</h2><p>Of ").append(geometry.get("digits")).append(" held-out digits, ")
                .append(geometry.get("onAFace")).append(" sit exactly on a face of their region (tied pool windows on the flat "
                        + "background), so their L2 radius is 0. Within the face, the median radius is ")
                .append(String.format("%.3g", (double) geometry.get("medianFaceRadiusL2")))
                .append("; the median distance to the class boundary of the region's affine map is ")
                .append(String.format("%.3g", (double) geometry.get("medianDecisionDistanceL2")))
                .append(". The layer whose decision flips first: ").append(escape(String.valueOf(geometry.get("firstFlipLayers"))))
                .append(".</p>");
        page.append(comparisons);
        page.append("<h2>Hidden neurons</h2>");
        hidden.forEach(grid -> page.append("<img alt=\"hidden etalons\" src=\"").append(grid).append("\">"));
        page.append("<p>All numbers are in <code>report.json</code> beside this file.</p></body></html>");
        return page.toString();
    }

    private static String complexityHtml(List<DataComplexity.Profile> profiles) {
        if (profiles.isEmpty()) {
            return "";
        }
        StringBuilder page = new StringBuilder("<h2>Data complexity: more and worse etalons?</h2><p>The paper conjectures "
                + "that the number and quality of etalons reflect the complexity of the data. Each model below is measured "
                + "on its own data, on the same numbers of inputs. More etalons: distinct linear regions and output-etalon "
                + "sets among the training inputs. Worse etalons: lower accuracy, lower consistency (mean cosine between an "
                + "input's own-class etalon and its class's mean etalon) and more of the winning score carried by the bias. "
                + "Every input tends to have its own exact region, so the last column counts the effective number of "
                + "etalons: held-out own-class etalons grouped per class when their cosine is at least "
                + DataComplexity.CLUSTER_COSINE + ".</p><table><tr><th>data</th><th>training inputs</th><th>distinct regions</th><th>distinct output etalons</th>"
                + "<th>largest group</th><th>held-out inputs in a training region</th><th>accuracy</th><th>consistency</th>"
                + "<th>bias share</th><th>etalon clusters (cosine &ge; " + DataComplexity.CLUSTER_COSINE + ")</th></tr>");
        Map<String, List<int[]>> growth = new LinkedHashMap<>();
        for (DataComplexity.Profile p : profiles) {
            Map<String, Object> row = p.toJson();
            page.append("<tr><td>").append(escape(p.name())).append("</td><td>").append(p.trainInputs()).append("</td><td>")
                    .append(row.get("distinctRegions")).append("</td><td>").append(row.get("distinctOutputEtalons"))
                    .append("</td><td>").append(row.get("largestGroup")).append("</td><td>").append(p.testSharingARegion())
                    .append(" of ").append(p.testInputs()).append("</td><td>").append(String.format("%.2f%%", 100 * p.accuracy()))
                    .append("</td><td>").append(String.format("%.3f", p.consistency())).append("</td><td>")
                    .append(String.format("%.3f", p.biasShare())).append("</td><td>").append(p.etalonClusters())
                    .append("</td></tr>");
            growth.put(p.name(), p.census().growth());
        }
        page.append("</table><img alt=\"growth of distinct regions per data set\" src=\"")
                .append(Charts.lines("Distinct linear regions against training inputs seen", "inputs", "distinct regions", growth))
                .append("\">");
        return page.toString();
    }

    private static String epochsHtml(List<Map<String, Object>> epochs) {
        if (epochs.isEmpty()) {
            return "";
        }
        StringBuilder page = new StringBuilder("<h2>Census across training</h2><p>Each checkpoint's census on the training "
                + "inputs: how the number of linear regions and etalons changes as the network learns.</p><table><tr>"
                + "<th>epoch</th><th>accuracy</th><th>distinct regions</th><th>distinct output etalons</th>"
                + "<th>held-out inputs in a training region</th></tr>");
        List<int[]> regions = new ArrayList<>();
        List<int[]> etalons = new ArrayList<>();
        for (Map<String, Object> row : epochs) {
            page.append("<tr><td>").append(row.get("epoch")).append("</td><td>")
                    .append(String.format("%.2f%%", 100 * (double) row.get("testAccuracy"))).append("</td><td>")
                    .append(row.get("distinctRegions")).append("</td><td>").append(row.get("distinctOutputEtalons"))
                    .append("</td><td>").append(row.get("testSharingARegionWithTraining")).append("</td></tr>");
            regions.add(new int[] {(int) row.get("epoch"), (int) row.get("distinctRegions")});
            etalons.add(new int[] {(int) row.get("epoch"), (int) row.get("distinctOutputEtalons")});
        }
        Map<String, List<int[]>> series = new LinkedHashMap<>();
        series.put("distinct regions", regions);
        series.put("distinct output etalons", etalons);
        page.append("</table><img alt=\"census across epochs\" src=\"")
                .append(Charts.lines("Census across training epochs", "epoch", "distinct", series)).append("\">");
        return page.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

}
