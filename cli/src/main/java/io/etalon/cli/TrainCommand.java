package io.etalon.cli;

import io.etalon.data.ImageSet;
import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import io.etalon.onnx.OnnxModels;
import io.etalon.train.Trainer;
import io.etalon.train.TrainingConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains the paper's LeNet on MNIST-format IDX files and saves it as ONNX. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the paper's LeNet (ReLU variant) and save it as ONNX (opset 13).")
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", description = "Folder with {train,test}-{images-idx3,labels-idx1}-ubyte.gz (default: the shipped MNIST).")
    Path data;

    @Option(names = "--epochs", description = "Passes over the training set (default: 15).")
    Integer epochs;

    @Option(names = "--seed", description = "Seed of every random choice (default: 1).")
    Long seed;

    @Option(names = "--threads", description = "Worker threads; the result does not depend on it (default: all cores).")
    Integer threads;

    @Option(names = "--batch-size", description = "Samples per step (default: 32).")
    Integer batchSize;

    @Option(names = "--learning-rate", description = "Adam's initial step, decayed along a cosine (default: 0.002).")
    Double learningRate;

    @Option(names = "--shift", description = "Largest random translation of training images in pixels (default: 2).")
    Integer shift;

    @Option(names = "--weight-decay", description = "Decoupled weight decay of the weights; smooths the etalons (default: 0.3).")
    Double weightDecay;

    @Option(names = "--limit-train", description = "Train on the first N training images only (default: all).")
    Integer limitTrain;

    @Option(names = "--limit-test", description = "Test on the first N held-out images only (default: all).")
    Integer limitTest;

    @Option(names = "--checkpoints", description = "Also save the model after every epoch as DIR/epoch-NN.onnx, e.g. for "
            + "etalon study --checkpoints DIR (the census across training).")
    Path checkpoints;

    @Option(names = "--out", required = true, description = "The ONNX file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        TrainingConfig config = TrainingConfig.defaults();
        if (epochs != null) {
            config = config.withEpochs(epochs);
        }
        if (seed != null) {
            config = config.withSeed(seed);
        }
        if (threads != null) {
            config = config.withThreads(threads);
        }
        if (batchSize != null) {
            config = config.withBatchSize(batchSize);
        }
        if (learningRate != null) {
            config = config.withLearningRate(learningRate);
        }
        if (shift != null) {
            config = config.withMaxShift(shift);
        }
        if (weightDecay != null) {
            config = config.withWeightDecay(weightDecay);
        }
        Path folder = data == null ? Home.mnist() : data;
        Network network = LeNet.create(config.seed());
        ImageSet fullTrain = Inputs.idx(Home.trainImages(folder), network);
        int[] trainLabels = Inputs.labels(Home.trainLabels(folder), fullTrain.count());
        ImageSet fullTest = Inputs.idx(Home.testImages(folder), network);
        int[] testLabels = Inputs.labels(Home.testLabels(folder), fullTest.count());
        ImageSet train = Inputs.first(fullTrain, limitTrain, "--limit-train");
        trainLabels = java.util.Arrays.copyOf(trainLabels, train.count());
        ImageSet test = Inputs.first(fullTest, limitTest, "--limit-test");
        testLabels = java.util.Arrays.copyOf(testLabels, test.count());
        final int[] heldOutLabels = testLabels;
        if (checkpoints != null) {
            java.nio.file.Files.createDirectories(checkpoints);
        }
        var stdout = spec.commandLine().getOut();
        stdout.printf("training LeNet on %d images, testing on %d; %s%n", train.count(), test.count(), config);
        long start = System.nanoTime();
        final TrainingConfig settings = config;
        final double[] lastAccuracy = {0};
        Network trained;
        try (Progress progress = new Progress("train", (long) settings.epochs() * ((train.count() + settings.batchSize() - 1) / settings.batchSize()))) {
            trained = new Trainer(settings).train(network, train.pixels(), trainLabels, new Trainer.Listener() {
                private long steps;

                @Override
                public void step(int epoch, int step, int stepsPerEpoch, double loss) {
                    progress.stepTo(++steps);
                    if (step % 20 == 0) {
                        progress.extra(String.format("epoch %d/%d loss %.4f", epoch, settings.epochs(), loss));
                    }
                }

                @Override
                public void epoch(int epoch, Network current, double meanLoss) {
                    lastAccuracy[0] = Trainer.accuracy(current, test.pixels(), heldOutLabels, settings.threads());
                    if (checkpoints != null) {
                        saveCheckpoint(current, epoch);
                    }
                    progress.extra(String.format("epoch %d/%d loss %.4f test %.2f%%", epoch, settings.epochs(), meanLoss,
                            100 * lastAccuracy[0]));
                }
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        OnnxModels.save(trained, out);
        if (checkpoints != null) {
            stdout.printf("saved %d checkpoints in %s%n", settings.epochs(), checkpoints.toAbsolutePath().normalize());
        }
        stdout.printf("test accuracy %.2f%% on %d held-out images after %d epochs in %.1f s%n", 100 * lastAccuracy[0],
                test.count(), settings.epochs(), seconds);
        stdout.printf("saved %s%n", out.toAbsolutePath().normalize());
        return 0;
    }

    private void saveCheckpoint(Network current, int epoch) {
        try {
            OnnxModels.save(current, checkpoints.resolve(String.format("epoch-%02d.onnx", epoch)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
