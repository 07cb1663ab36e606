package io.etalon.op;

import io.etalon.tensor.Shape;
import java.util.List;

/**
 * Bilinear resizing of a {@code (C,H,W)} input to {@code (C,H',W')} (ONNX Resize in linear mode, PyTorch's
 * {@code interpolate(mode='bilinear')}, Keras's {@code UpSampling2D(interpolation='bilinear')}). Output row y reads the
 * input at {@code x = transform(y)}: rows {@code floor(x)} and {@code floor(x) + 1}, clamped to the image, weighted
 * {@code 1 - f} and {@code f} with {@code f = x - floor(x)}; the same for columns. The weights are fixed, so the op is
 * linear and has no switches; its transpose spreads each output back onto its four sources with the same weights.
 *
 * <p>Transforms, as ONNX names them: {@code half_pixel} {@code (y + 0.5) / s - 0.5}, {@code pytorch_half_pixel} (the
 * same, 0 for an output of one), {@code align_corners} {@code y (n - 1) / (m - 1)}, {@code asymmetric} {@code y / s},
 * where s is the scale, n the input size and m = s n the output size before rounding down (as ONNX has it: with a
 * scale of 0.6 on 4 columns, align_corners divides by 1.4, not by the 1 of the 2 columns produced).
 */
public final class Bilinear2d implements Op {

    private final Shape inputShape;
    private final Shape outputShape;
    private final String transform;
    private final double[] scales;
    private final int[] rowLow;
    private final int[] rowHigh;
    private final float[] rowWeight;
    private final int[] columnLow;
    private final int[] columnHigh;
    private final float[] columnWeight;

    /**
     * @param outputSize {@code {H', W'}}
     * @param transform  half_pixel, pytorch_half_pixel, align_corners or asymmetric
     * @param scales     {@code {sy, sx}}, the scales the transform divides by (for a size given, output / input)
     */
    public Bilinear2d(Shape inputShape, int[] outputSize, String transform, double[] scales) {
        if (inputShape.rank() != 3 || outputSize.length != 2 || outputSize[0] < 1 || outputSize[1] < 1
                || scales.length != 2 || !(scales[0] > 0) || !(scales[1] > 0)) {
            throw new IllegalArgumentException("Bilinear2d needs a CxHxW input, 2 output sizes and 2 positive scales");
        }
        this.inputShape = inputShape;
        this.outputShape = Shape.of(inputShape.dim(0), outputSize[0], outputSize[1]);
        this.transform = transform;
        this.scales = scales.clone();
        this.rowLow = new int[outputSize[0]];
        this.rowHigh = new int[outputSize[0]];
        this.rowWeight = new float[outputSize[0]];
        this.columnLow = new int[outputSize[1]];
        this.columnHigh = new int[outputSize[1]];
        this.columnWeight = new float[outputSize[1]];
        taps(inputShape.dim(1), scales[0], rowLow, rowHigh, rowWeight);
        taps(inputShape.dim(2), scales[1], columnLow, columnHigh, columnWeight);
    }

    private void taps(int n, double scale, int[] low, int[] high, float[] weight) {
        if (!java.util.Set.of("half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric").contains(transform)) {
            throw new IllegalArgumentException("Bilinear2d does not know the coordinate transform " + transform
                    + "; use half_pixel, pytorch_half_pixel, align_corners or asymmetric");
        }
        for (int y = 0; y < low.length; y++) {
            double x = ResizeCoordinates.source(transform, y, n, scale);
            double floor = Math.floor(x);
            low[y] = (int) Math.max(0, Math.min(n - 1, floor));
            high[y] = (int) Math.max(0, Math.min(n - 1, floor + 1));
            weight[y] = (float) (x - floor);
        }
    }

    @Override
    public String kind() {
        return "Bilinear2d";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(inputShape);
    }

    @Override
    public Shape outputShape() {
        return outputShape;
    }

    /** The coordinate transform, as ONNX names it. */
    public String transform() {
        return transform;
    }

    /** {@code {sy, sx}}. */
    public double[] scales() {
        return scales.clone();
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        float[] in = inputs[0];
        int planes = rows * inputShape.dim(0);
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        for (int p = 0; p < planes; p++) {
            int plane = p * inH * inW;
            for (int y = 0; y < outH; y++) {
                int top = plane + rowLow[y] * inW;
                int bottom = plane + rowHigh[y] * inW;
                float wy = rowWeight[y];
                int outRow = (p * outH + y) * outW;
                for (int x = 0; x < outW; x++) {
                    float wx = columnWeight[x];
                    float upper = (1 - wx) * in[top + columnLow[x]] + wx * in[top + columnHigh[x]];
                    float lower = (1 - wx) * in[bottom + columnLow[x]] + wx * in[bottom + columnHigh[x]];
                    out[outRow + x] = (1 - wy) * upper + wy * lower;
                }
            }
        }
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        int planes = rows * inputShape.dim(0);
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        for (int p = 0; p < planes; p++) {
            int plane = p * inH * inW;
            for (int y = 0; y < outH; y++) {
                int top = plane + rowLow[y] * inW;
                int bottom = plane + rowHigh[y] * inW;
                float wy = rowWeight[y];
                int outRow = (p * outH + y) * outW;
                for (int x = 0; x < outW; x++) {
                    float wx = columnWeight[x];
                    float g = gradOut[outRow + x];
                    float upper = (1 - wy) * g;
                    float lower = wy * g;
                    gradIn[top + columnLow[x]] += (1 - wx) * upper;
                    gradIn[top + columnHigh[x]] += wx * upper;
                    gradIn[bottom + columnLow[x]] += (1 - wx) * lower;
                    gradIn[bottom + columnHigh[x]] += wx * lower;
                }
            }
        }
    }

    @Override
    public String describe() {
        return String.format(java.util.Locale.ROOT, "bilinear, %s, scales %.4g,%.4g", transform, scales[0], scales[1]);
    }
}
