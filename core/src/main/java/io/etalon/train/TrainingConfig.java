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
 */
public record TrainingConfig(int epochs, int batchSize, double learningRate, long seed, int maxShift, int threads) {

    public TrainingConfig {
        if (epochs <= 0 || batchSize <= 0 || threads <= 0) {
            throw new IllegalArgumentException("epochs, batch size and threads must be positive");
        }
        if (!(learningRate > 0) || maxShift < 0) {
            throw new IllegalArgumentException("the learning rate must be positive and the shift not negative");
        }
    }

    /** The settings that trained the shipped model. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(15, 32, 2e-3, 1, 2, Runtime.getRuntime().availableProcessors());
    }

    public TrainingConfig withEpochs(int value) {
        return new TrainingConfig(value, batchSize, learningRate, seed, maxShift, threads);
    }

    public TrainingConfig withSeed(long value) {
        return new TrainingConfig(epochs, batchSize, learningRate, value, maxShift, threads);
    }

    public TrainingConfig withThreads(int value) {
        return new TrainingConfig(epochs, batchSize, learningRate, seed, maxShift, value);
    }

    public TrainingConfig withBatchSize(int value) {
        return new TrainingConfig(epochs, value, learningRate, seed, maxShift, threads);
    }

    public TrainingConfig withLearningRate(double value) {
        return new TrainingConfig(epochs, batchSize, value, seed, maxShift, threads);
    }

    public TrainingConfig withMaxShift(int value) {
        return new TrainingConfig(epochs, batchSize, learningRate, seed, value, threads);
    }
}
