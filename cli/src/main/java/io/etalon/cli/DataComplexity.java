package io.etalon.cli;

import io.etalon.api.Etalons;
import io.etalon.api.ExplainedNeuron;
import io.etalon.data.ImageSet;
import io.etalon.data.Preprocessing;
import io.etalon.etalon.NeuronSelection;
import io.etalon.graph.Network;
import io.etalon.pattern.Census;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's conjecture that a more complex data manifold needs more and worse etalons, measured on one model and
 * its data set so that two (MNIST and Fashion-MNIST, each with the LeNet trained on it) can be set side by side on the
 * same numbers of inputs.
 *
 * <p>More etalons: distinct linear regions and distinct output-etalon sets among the first N training inputs, the
 * largest group sharing one, and how many held-out inputs land in a region some training input has. Worse etalons:
 * held-out accuracy; consistency, the mean cosine between an input's own-class etalon and the mean own-class etalon of
 * its class (1 when a class has one template); and the share of the winning score the bias carries instead of the
 * pixels.
 */
final class DataComplexity {

    /** What was measured for one model on one data set. */
    record Profile(String name, String model, String data, int trainInputs, int testInputs, double accuracy,
                   Census census, int testSharingARegion, double consistency, double biasShare, int etalonClusters) {

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", name);
            json.put("model", model);
            json.put("data", data);
            json.put("trainInputs", trainInputs);
            json.put("testInputs", testInputs);
            json.put("testAccuracy", accuracy);
            json.put("distinctRegions", census.distinctPatterns());
            json.put("distinctOutputEtalons", census.distinctEtalons());
            json.put("distinctPerLayer", census.distinctPerLayer());
            json.put("largestGroup", census.groupSizes().keySet().stream().mapToInt(Integer::intValue).max().orElse(0));
            json.put("testSharingARegionWithTraining", testSharingARegion);
            json.put("etalonConsistency", consistency);
            json.put("biasShareOfWinningScore", biasShare);
            json.put("etalonClusters", etalonClusters);
            json.put("etalonClusterCosine", CLUSTER_COSINE);
            json.put("growth", census.growth());
            return json;
        }
    }

    /** Two etalons of one class closer than this (cosine) count as one in {@link #clusters}. */
    static final double CLUSTER_COSINE = 0.9;

    private DataComplexity() {
    }

    /**
     * The effective number of etalons: own-class etalons of the held-out inputs, grouped per class by leader
     * clustering (an etalon joins the first leader within {@link #CLUSTER_COSINE}, else leads a new group). Every input
     * has its own exact region, so the exact census cannot say how many different rules a class uses; this can.
     */
    static int clusters(float[][] etalons, int[] labels, int classes) {
        int total = 0;
        for (int c = 0; c < classes; c++) {
            List<float[]> leaders = new java.util.ArrayList<>();
            for (int i = 0; i < etalons.length; i++) {
                if (etalons[i] == null || labels[i] != c) {
                    continue;
                }
                boolean joined = false;
                for (float[] leader : leaders) {
                    if (cosine(etalons[i], leader) >= CLUSTER_COSINE) {
                        joined = true;
                        break;
                    }
                }
                if (!joined) {
                    leaders.add(etalons[i]);
                }
            }
            total += leaders.size();
        }
        return total;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int j = 0; j < a.length; j++) {
            dot += (double) a[j] * b[j];
            aa += (double) a[j] * a[j];
            bb += (double) b[j] * b[j];
        }
        return aa == 0 || bb == 0 ? 0 : dot / Math.sqrt(aa * bb);
    }

    /**
     * Measures a model on the first {@code trainLimit} training and {@code testLimit} held-out images of a data folder.
     */
    static Profile measure(String name, Path modelFile, Network network, Path folder, int trainLimit, int testLimit,
                           int threads) throws IOException {
        Etalons etalons = Etalons.of(network, Preprocessing.NONE).withThreads(threads).withNearTies(false);
        NeuronSelection outputs = etalons.neurons("output");
        Census train = CensusCommand.census(etalons, Home.existing(Home.trainImages(folder), "training images"),
                trainLimit);
        int[] shared = new int[1];
        ImageSet allTest = Inputs.idx(Home.testImages(folder), network);
        int[] labels = Inputs.labels(Home.testLabels(folder), allTest.count());
        ImageSet test = Inputs.first(allTest, testLimit, "the test limit");
        int pixels = network.inputShape().size();
        int classes = outputs.count();
        double[][] means = new double[classes][pixels];
        int[] counts = new int[classes];
        float[][] own = new float[test.count()][];
        int[] correct = new int[1];
        double[] biasShare = new double[1];
        Batches.explain(etalons, test, outputs, "etalons " + name, (index, x, explanation) -> {
            int label = labels[index];
            correct[0] += explanation.predicted() == label ? 1 : 0;
            shared[0] += train.contains(Census.wholeFingerprint(explanation.pattern())) ? 1 : 0;
            ExplainedNeuron winner = explanation.neurons().get(explanation.predicted());
            double linear = explanation.scores()[explanation.predicted()] - winner.bias();
            biasShare[0] += Math.abs(winner.bias()) / Math.max(1e-12, Math.abs(linear) + Math.abs(winner.bias()));
            if (label < 0 || label >= classes) {
                return;
            }
            own[index] = explanation.neurons().get(label).etalon();
            counts[label]++;
            for (int j = 0; j < pixels; j++) {
                means[label][j] += own[index][j];
            }
        });
        float[][] classMeans = new float[classes][pixels];
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < pixels; j++) {
                classMeans[c][j] = (float) (means[c][j] / Math.max(1, counts[c]));
            }
        }
        double consistency = 0;
        int consistent = 0;
        for (int i = 0; i < test.count(); i++) {
            if (own[i] != null) {
                consistency += cosine(own[i], classMeans[labels[i]]);
                consistent++;
            }
        }
        return new Profile(name, modelFile.toString(), folder.toString(), train.inputs(), test.count(),
                (double) correct[0] / test.count(), train, shared[0], consistency / Math.max(1, consistent),
                biasShare[0] / test.count(), clusters(own, java.util.Arrays.copyOf(labels, test.count()), classes));
    }

    /** Training and held-out images of a data folder, for choosing equal limits for two folders. */
    static int[] sizes(Path folder) throws IOException {
        try (var trainImages = io.etalon.data.Idx.streamImages(Home.existing(Home.trainImages(folder), "training images"));
             var testImages = io.etalon.data.Idx.streamImages(Home.existing(Home.testImages(folder), "held-out images"))) {
            return new int[] {trainImages.count(), testImages.count()};
        }
    }

}
