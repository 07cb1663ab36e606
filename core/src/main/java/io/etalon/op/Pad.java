package io.etalon.op;

import io.etalon.tensor.Shape;
import java.util.List;

/** Zero padding of the spatial dimensions of a {@code (C,H,W)} input: a linear map; its transpose crops. */
public final class Pad implements Op {

    private final Shape inputShape;
    private final Shape outputShape;
    private final int[] pads;

    /** @param pads {@code {top, left, bottom, right}}, not negative */
    public Pad(Shape inputShape, int[] pads) {
        if (inputShape.rank() != 3 || pads.length != 4 || pads[0] < 0 || pads[1] < 0 || pads[2] < 0 || pads[3] < 0) {
            throw new IllegalArgumentException("Pad needs a CxHxW input and 4 non-negative pads");
        }
        this.inputShape = inputShape;
        this.pads = pads.clone();
        this.outputShape = Shape.of(inputShape.dim(0), inputShape.dim(1) + pads[0] + pads[2],
                inputShape.dim(2) + pads[1] + pads[3]);
    }

    @Override
    public String kind() {
        return "Pad";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(inputShape);
    }

    @Override
    public Shape outputShape() {
        return outputShape;
    }

    /** {@code {top, left, bottom, right}}. */
    public int[] pads() {
        return pads.clone();
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        float[] in = inputs[0];
        java.util.Arrays.fill(out, 0, rows * outputShape.size(), 0f);
        int channels = inputShape.dim(0);
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < channels; c++) {
                for (int h = 0; h < inH; h++) {
                    System.arraycopy(in, ((r * channels + c) * inH + h) * inW, out,
                            ((r * channels + c) * outH + h + pads[0]) * outW + pads[1], inW);
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
        int channels = inputShape.dim(0);
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < channels; c++) {
                for (int h = 0; h < inH; h++) {
                    int inRow = ((r * channels + c) * inH + h) * inW;
                    int outRow = ((r * channels + c) * outH + h + pads[0]) * outW + pads[1];
                    for (int w = 0; w < inW; w++) {
                        gradIn[inRow + w] += gradOut[outRow + w];
                    }
                }
            }
        }
    }

    @Override
    public String describe() {
        return String.format("zeros %d,%d,%d,%d", pads[0], pads[1], pads[2], pads[3]);
    }
}
