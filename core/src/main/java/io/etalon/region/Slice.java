package io.etalon.region;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.tensor.Floats;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;

/**
 * A 2-D slice of input space through three images, {@code X(u, v) = A + u (B - A) + v (C - A)}, sampled on a grid:
 * each grid point is coloured by the activation pattern of one layer (hue by predicted class, shade by pattern),
 * borders between that layer's patterns are drawn grey when they are rare enough to read, and the decision boundary
 * (a change of predicted class) is black. On MNIST the whole-network regions are finer than any grid, so a late
 * layer's patterns make the readable map; the number of distinct whole-network regions is counted too. The three images sit at (0,0), (1,0) and (0,1).
 * A sampled picture: regions thinner than a grid cell can fall between samples; {@link Walk} gives exact
 * breakpoints along a line.
 */
public final class Slice {

    /** The map and what it shows. */
    public record Map2d(BufferedImage image, int distinctRegions, int distinctLayerPatterns, int classesSeen, int size,
                        double low, double high) {
    }

    private Slice() {
    }

    /**
     * @param size  grid points per side
     * @param low   smallest u and v (e.g. -0.25, to show a margin around the triangle)
     * @param high  largest u and v
     */
    public static Map2d through(Network network, float[] a, float[] b, float[] c, int size, double low, double high,
                                String layer) {
        if (size < 2 || size > 2048) {
            throw new IllegalArgumentException("slice size must be between 2 and 2048, got " + size);
        }
        int pixels = network.inputShape().size();
        int[] pattern = new int[size * size];
        int[] whole = new int[size * size];
        int[] predicted = new int[size * size];
        float[] row = new float[size * pixels];
        for (int y = 0; y < size; y++) {
            double v = high - (high - low) * y / (size - 1);
            for (int x = 0; x < size; x++) {
                double u = low + (high - low) * x / (size - 1);
                for (int i = 0; i < pixels; i++) {
                    row[x * pixels + i] = (float) (a[i] + u * (b[i] - a[i]) + v * (c[i] - a[i]));
                }
            }
            Trace trace = network.forward(row, size);
            for (int x = 0; x < size; x++) {
                io.etalon.pattern.Pattern full = trace.pattern(x);
                whole[y * size + x] = full.hashCode();
                pattern[y * size + x] = java.util.Arrays.hashCode(full.states(layer));
                float[] scores = trace.output(x);
                predicted[y * size + x] = Floats.argmax(scores, 0, scores.length);
            }
        }
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Set<Integer> regions = new HashSet<>();
        Set<Integer> layerPatterns = new HashSet<>();
        Set<Integer> classes = new HashSet<>();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int k = y * size + x;
                regions.add(whole[k]);
                layerPatterns.add(pattern[k]);
                classes.add(predicted[k]);
                boolean decision = (x + 1 < size && predicted[k + 1] != predicted[k])
                        || (y + 1 < size && predicted[k + size] != predicted[k]);
                boolean border = (x + 1 < size && pattern[k + 1] != pattern[k])
                        || (y + 1 < size && pattern[k + size] != pattern[k]);
                int rgb;
                if (decision) {
                    rgb = 0x000000;
                } else if (border) {
                    rgb = 0x9a9a9a;
                } else {
                    float hue = (predicted[k] / 10f) + ((pattern[k] & 0xff) / 255f) * 0.06f;
                    rgb = Color.HSBtoRGB(hue, 0.35f + ((pattern[k] >>> 8) & 0x3f) / 255f, 0.95f) & 0xffffff;
                }
                image.setRGB(x, y, rgb);
            }
        }
        mark(image, size, low, high, 0, 0);
        mark(image, size, low, high, 1, 0);
        mark(image, size, low, high, 0, 1);
        return new Map2d(image, regions.size(), layerPatterns.size(), classes.size(), size, low, high);
    }

    /** A small red cross at plane point (u, v). */
    private static void mark(BufferedImage image, int size, double low, double high, double u, double v) {
        int x = (int) Math.round((u - low) / (high - low) * (size - 1));
        int y = (int) Math.round((high - v) / (high - low) * (size - 1));
        for (int d = -3; d <= 3; d++) {
            set(image, size, x + d, y);
            set(image, size, x, y + d);
        }
    }

    private static void set(BufferedImage image, int size, int x, int y) {
        if (x >= 0 && x < size && y >= 0 && y < size) {
            image.setRGB(x, y, 0xd62728);
        }
    }
}
