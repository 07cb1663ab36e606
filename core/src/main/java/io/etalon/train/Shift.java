package io.etalon.train;

import io.etalon.tensor.Shape;

/** Integer translation of a {@code (C,H,W)} image with zero fill: the data augmentation of training. */
final class Shift {

    private Shift() {
    }

    /**
     * Writes {@code dst[y, x] = src[y - dy, x - dx]} (0 outside) for every channel.
     *
     * @param src not modified
     * @param dst modified (overwritten) over one image
     */
    static void copyShifted(float[] src, int srcOffset, float[] dst, int dstOffset, Shape shape, int dy, int dx) {
        int channels = shape.rank() == 3 ? shape.dim(0) : 1;
        int height = shape.rank() == 3 ? shape.dim(1) : 1;
        int width = shape.dim(shape.rank() - 1);
        if (shape.rank() != 3) {
            System.arraycopy(src, srcOffset, dst, dstOffset, shape.size());
            return;
        }
        java.util.Arrays.fill(dst, dstOffset, dstOffset + shape.size(), 0f);
        for (int c = 0; c < channels; c++) {
            for (int y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
                int srcRow = srcOffset + (c * height + y - dy) * width;
                int dstRow = dstOffset + (c * height + y) * width;
                for (int x = Math.max(0, dx); x < Math.min(width, width + dx); x++) {
                    dst[dstRow + x] = src[srcRow + x - dx];
                }
            }
        }
    }
}
