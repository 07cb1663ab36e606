package io.etalon.op;

import io.etalon.tensor.Shape;
import java.util.List;

/**
 * Nearest-neighbour upsampling of a {@code (C,H,W)} input by whole factors (ONNX Resize or Upsample in nearest mode,
 * Keras's UpSampling2D, PyTorch's {@code Upsample(scale_factor=2)}): output {@code (c, y, x)} copies input
 * {@code (c, y / sy, x / sx)}. A linear map without switches; its transpose sums each block of copies back.
 */
public final class Upsample2d implements Op {

    private final Shape inputShape;
    private final Shape outputShape;
    private final int factorH;
    private final int factorW;

    /** @param factors {@code {sy, sx}}, each at least 1 */
    public Upsample2d(Shape inputShape, int[] factors) {
        if (inputShape.rank() != 3 || factors.length != 2 || factors[0] < 1 || factors[1] < 1) {
            throw new IllegalArgumentException("Upsample2d needs a CxHxW input and 2 whole factors of at least 1, got "
                    + inputShape + " and " + java.util.Arrays.toString(factors));
        }
        this.inputShape = inputShape;
        this.factorH = factors[0];
        this.factorW = factors[1];
        this.outputShape = Shape.of(inputShape.dim(0), inputShape.dim(1) * factorH, inputShape.dim(2) * factorW);
    }

    @Override
    public String kind() {
        return "Upsample2d";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(inputShape);
    }

    @Override
    public Shape outputShape() {
        return outputShape;
    }

    /** {@code {sy, sx}}. */
    public int[] factors() {
        return new int[] {factorH, factorW};
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        float[] in = inputs[0];
        int planes = rows * inputShape.dim(0);
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outW = outputShape.dim(2);
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < outputShape.dim(1); y++) {
                int inRow = (p * inH + y / factorH) * inW;
                int outRow = (p * outputShape.dim(1) + y) * outW;
                for (int x = 0; x < outW; x++) {
                    out[outRow + x] = in[inRow + x / factorW];
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
        int outW = outputShape.dim(2);
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < outputShape.dim(1); y++) {
                int inRow = (p * inH + y / factorH) * inW;
                int outRow = (p * outputShape.dim(1) + y) * outW;
                for (int x = 0; x < outW; x++) {
                    gradIn[inRow + x / factorW] += gradOut[outRow + x];
                }
            }
        }
    }

    @Override
    public String describe() {
        return "nearest, factors " + factorH + "," + factorW;
    }
}
