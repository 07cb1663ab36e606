package io.etalon.data;

import io.etalon.tensor.Shape;
import java.util.Arrays;

/**
 * A set of images with pixels in {@code [0, 1]}, stored row-major {@code (N, C, H, W)}.
 *
 * @param count    number of images
 * @param channels channels per image
 * @param height   rows per image
 * @param width    columns per image
 * @param pixels   {@code count * channels * height * width} finite values (copied in and out)
 */
public record ImageSet(int count, int channels, int height, int width, float[] pixels) {

    public ImageSet {
        if (count <= 0 || channels <= 0 || height <= 0 || width <= 0) {
            throw new DataFormatException("an image set needs positive dimensions, got " + count + " images of "
                    + channels + "x" + height + "x" + width);
        }
        if (pixels.length != (long) count * channels * height * width) {
            throw new DataFormatException(count + " images of " + channels + "x" + height + "x" + width + " need "
                    + (long) count * channels * height * width + " pixels, got " + pixels.length);
        }
        for (int i = 0; i < pixels.length; i++) {
            if (!Float.isFinite(pixels[i])) {
                int size = channels * height * width;
                throw new DataFormatException("pixel " + i % size + " of image " + i / size + " is " + pixels[i]
                        + "; pixels must be finite numbers");
            }
        }
        pixels = pixels.clone();
    }

    @Override
    public float[] pixels() {
        return pixels.clone();
    }

    public int pixelsPerImage() {
        return channels * height * width;
    }

    /** Shape of one image, {@code C x H x W}. */
    public Shape shape() {
        return Shape.of(channels, height, width);
    }

    /** A copy of image {@code i}. */
    public float[] image(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("image index " + i + " is out of range: the set has " + count
                    + " images (0.." + (count - 1) + ")");
        }
        return Arrays.copyOfRange(pixels, i * pixelsPerImage(), (i + 1) * pixelsPerImage());
    }

    /** The images at the given indices, in that order. */
    public ImageSet select(int[] indices) {
        int size = pixelsPerImage();
        float[] selected = new float[indices.length * size];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(image(indices[k]), 0, selected, k * size, size);
        }
        return new ImageSet(indices.length, channels, height, width, selected);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ImageSet set && count == set.count && channels == set.channels && height == set.height
                && width == set.width && Arrays.equals(pixels, set.pixels);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "ImageSet[" + count + " x " + channels + "x" + height + "x" + width + "]";
    }
}
