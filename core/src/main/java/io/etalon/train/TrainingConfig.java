package io.etalon.train;

/**
 * Settings of one training run. Everything random (initialisation, order, shifts) is drawn from {@code seed}, and
 * gradients are summed in a fixed order over fixed chunks of each batch, so a run gives the same parameters
 * whatever the thread count.
 *
 * @param epochs       passes over the training set
 * @param batchSize    samples per Adam step
 * @param learningRate Adam's initial step size; it decays to zero along a cosine over the run
 * @param seed         seed of every random choice
 * @param maxShift     largest random translation in pixels applied to each training image (0: none)
 * @param threads      worker threads
 * @param weightDecay  decoupled weight decay (AdamW): each step shrinks weights by {@code rate * weightDecay}
 */
public record TrainingConfig(int epochs, int batchSize, double learningRate, long seed, int maxShift, int threads,
                             double weightDecay) {

    public TrainingConfig {
        if (epochs <= 0 || batchSize <= 0 || threads <= 0) {
            throw new IllegalArgumentException("epochs, batch size and threads must be positive");
        }
        if (!(learningRate > 0) || maxShift < 0 || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("the learning rate must be positive, the shift and weight decay not negative");
        }
    }

    /** The settings that trained the shipped model. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(15, 32, 2e-3, 1, 2, Runtime.getRuntime().availableProcessors(), 0.3);
    }

    public TrainingConfig withEpochs(int value) {
        return new TrainingConfig(value, batchSize, learningRate, seed, maxShift, threads, weightDecay);
    }

    public TrainingConfig withSeed(long value) {
        return new TrainingConfig(epochs, batchSize, learningRate, value, maxShift, threads, weightDecay);
    }

    public TrainingConfig withThreads(int value) {
        return new TrainingConfig(epochs, batchSize, learningRate, seed, maxShift, value, weightDecay);
    }

    public TrainingConfig withBatchSize(int value) {
        return new TrainingConfig(epochs, value, learningRate, seed, maxShift, threads, weightDecay);
    }

    public TrainingConfig withLearningRate(double value) {
        return new TrainingConfig(epochs, batchSize, value, seed, maxShift, threads, weightDecay);
    }

    public TrainingConfig withMaxShift(int value) {
        return new TrainingConfig(epochs, batchSize, learningRate, seed, value, threads, weightDecay);
    }

    public TrainingConfig withWeightDecay(double value) {
        return new TrainingConfig(epochs, batchSize, learningRate, seed, maxShift, threads, value);
    }
}
