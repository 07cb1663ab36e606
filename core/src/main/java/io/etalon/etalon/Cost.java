package io.etalon.etalon;

import io.etalon.graph.Network;
import io.etalon.region.Radius;
import java.util.Locale;

/**
 * What a request costs on a big model, checked before any work: a command either fits the machine or refuses at once
 * with the estimate and the way to restrict it, never a silent hour or an {@code OutOfMemoryError}. Estimates count
 * the floats a request must hold and the passes it must make; they are orders of magnitude, stated as such.
 *
 * <p>The command line and the library ({@code io.etalon.api.Etalons}) check here, with the same messages; they name
 * the command-line options ({@code --method}, {@code --neuron}), which the library's arguments mirror.
 */
public final class Cost {

    /** Input values above which one coordinate image per value (forward mode, Algorithm 1) is refused. */
    public static final int COORDINATE_LIMIT = 20_000;

    /** Share of the heap the etalons of the images in flight may take. */
    public static final double ETALON_SHARE = 0.25;

    private Cost() {
    }

    /**
     * Refuses forward mode and Algorithm 1 on inputs of more than {@link #COORDINATE_LIMIT} values: they push one
     * coordinate image per input value (150,528 passes for a 3x224x224 photo), where reverse mode makes one transposed
     * pass per requested neuron.
     */
    public static void checkMethod(Method method, Network network) {
        int values = network.inputShape().size();
        if ((method == Method.FORWARD || method == Method.COORDINATE) && values > COORDINATE_LIMIT) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--method %s pushes one coordinate image per input"
                    + " value, %,d frozen passes for this %s input (hours, and every neuron's etalon in memory); use --method"
                    + " reverse or auto, one transposed pass per requested neuron", method.cliName(), values,
                    network.inputShape()));
        }
    }

    /**
     * How many images may be explained at once so that their etalons take at most {@link #ETALON_SHARE} of the heap:
     * {@code requested}, or fewer (at least 1).
     *
     * @throws IllegalArgumentException when even one image's etalons do not fit, with their size and the two fixes
     */
    public static int imagesInFlight(int requested, int neuronsPerImage, Network network, String neuronOption) {
        return imagesInFlight(requested, neuronsPerImage, network, neuronOption, Runtime.getRuntime().maxMemory());
    }

    /** {@link #imagesInFlight(int, int, Network, String)} for a heap of {@code heap} bytes. */
    public static int imagesInFlight(int requested, int neuronsPerImage, Network network, String neuronOption, long heap) {
        long perImage = 4L * neuronsPerImage * network.inputShape().size();
        long budget = (long) (heap * ETALON_SHARE);
        if (perImage > budget) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s asks for %,d etalons of %s per image: %s of"
                    + " floats, more than this run's heap (%s) can hold beside the network; ask for fewer neurons (e.g."
                    + " --neuron top:5) or give Java more memory (JAVA_OPTS=-Xmx%dg)", neuronOption, neuronsPerImage,
                    network.inputShape(), bytes(perImage), bytes(heap), Math.max(2, (perImage * 5 >> 30) + 1)));
        }
        return (int) Math.max(1, Math.min(requested, budget / Math.max(1, perImage)));
    }

    /**
     * A one-line note when a request makes many transposed passes over a big input (1,000 classes of a photo model:
     * minutes per image), so that a long run is never silent; null when the request is cheap.
     */
    public static String passesNote(int neuronsPerImage, Network network) {
        if (neuronsPerImage <= 100 || network.inputShape().size() <= COORDINATE_LIMIT) {
            return null;
        }
        return String.format(Locale.ROOT, "etalon: note: %,d etalons per image of a %s input cost %,d transposed passes"
                + " each (minutes per image); --neuron top:5 costs 5", neuronsPerImage, network.inputShape(), neuronsPerImage);
    }

    /**
     * Refuses {@code region} when the tangents of every decision over every input value ({@link Radius#floatsNeeded})
     * do not fit in half the heap.
     */
    public static void checkRegion(Network network, long heap) {
        long bytes = 4 * Radius.floatsNeeded(network);
        if (bytes > heap / 2) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "region takes the gradient of every ReLU and pool"
                    + " decision over every input value by forward mode: %s for this %s model (the cost grows with the"
                    + " square of the input), and this run's heap is %s; region works on LeNet-size models (MNIST: 0.1 GB);"
                    + " for a photo model use explain", bytes(bytes), network.inputShape(), bytes(heap)));
        }
    }

    /** A byte count as people read it: {@code 602 MB}, {@code 3.1 GB}. */
    public static String bytes(long bytes) {
        if (bytes >= 1L << 40) {
            return String.format(Locale.ROOT, "%.1f TB", bytes / (double) (1L << 40));
        }
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%d MB", Math.max(1, Math.round(bytes / (double) (1L << 20))));
    }
}
