package io.etalon.op;

import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.List;

/**
 * Per-channel affine map: {@code out[c, ...] = scale[c] * in[c, ...] + shift[c]}. It is what batch normalisation
 * becomes at inference ({@code scale = gamma / sqrt(var + eps)}, {@code shift = beta - mean * scale}) and what
 * input normalisation and multiplications or additions by constants become.
 *
 * <p>Shapes: in and out {@code (C,H,W)} or {@code (C)}; scale and shift {@code (C)}. A single channel of scale
 * and shift applies to every value (a scalar constant); one per value of the input (scale and shift as large as the
 * input, such as a mean image subtracted from every input) makes each value its own "channel".
 */
public final class ChannelAffine implements Op {

    private final Shape shape;
    private final float[] scale;
    private final float[] shift;
    private final int channels;
    private final int plane;

    /**
     * @param scale {@code (C)} or {@code (1)}, copied
     * @param shift {@code (C)} or {@code (1)}, copied; {@code null} for none
     */
    public ChannelAffine(Shape shape, Tensor scale, Tensor shift) {
        int c = shape.dim(0);
        if (scale.size() != c && scale.size() != 1 && scale.size() != shape.size()) {
            throw new IllegalArgumentException("per-channel scale of " + scale.size() + " values does not fit " + shape);
        }
        if (shift != null && shift.size() != scale.size()) {
            throw new IllegalArgumentException("per-channel shift has " + shift.size() + " values, scale " + scale.size());
        }
        this.shape = shape;
        this.channels = scale.size();
        this.plane = shape.size() / channels;
        this.scale = scale.data();
        this.shift = shift == null ? new float[channels] : shift.data();
    }

    @Override
    public String kind() {
        return "ChannelAffine";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(shape);
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    @Override
    public List<Tensor> parameters() {
        return List.of(new Tensor(Shape.of(channels), scale), new Tensor(Shape.of(channels), shift));
    }

    @Override
    public Op withParameters(List<Tensor> parameters) {
        return new ChannelAffine(shape, parameters.get(0), parameters.get(1));
    }

    @Override
    public Op withoutBias() {
        return new ChannelAffine(shape, new Tensor(Shape.of(channels), scale), null);
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        // in (rows, C, plane) -> out (rows, C, plane) = scale[c] * in
        float[] in = inputs[0];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < channels; c++) {
                int base = (r * channels + c) * plane;
                float s = scale[c];
                for (int k = 0; k < plane; k++) {
                    out[base + k] = s * in[base + k];
                }
            }
        }
    }

    @Override
    public void addBias(float[] out, int rows, Switches switches, int rowsPerSample) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < channels; c++) {
                int base = (r * channels + c) * plane;
                float b = shift[c];
                for (int k = 0; k < plane; k++) {
                    out[base + k] += b;
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
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < channels; c++) {
                int base = (r * channels + c) * plane;
                float s = scale[c];
                for (int k = 0; k < plane; k++) {
                    gradIn[base + k] += s * gradOut[base + k];
                }
            }
        }
    }

    @Override
    public void accumulateBiasContribution(float[] gradOut, int rows, Switches switches, int rowsPerSample,
                                           double[] contribution, double[] magnitude) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < channels; c++) {
                int base = (r * channels + c) * plane;
                double sum = 0;
                double absolute = 0;
                for (int k = 0; k < plane; k++) {
                    sum += gradOut[base + k];
                    absolute += Math.abs(gradOut[base + k]);
                }
                contribution[r] += sum * shift[c];
                magnitude[r] += absolute * Math.abs(shift[c]);
            }
        }
    }

    @Override
    public void accumulateGradients(float[][] inputs, float[] gradOut, int n, float[][] gradParams) {
        float[] in = inputs[0];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < channels; c++) {
                int base = (r * channels + c) * plane;
                for (int k = 0; k < plane; k++) {
                    gradParams[0][c] += gradOut[base + k] * in[base + k];
                    gradParams[1][c] += gradOut[base + k];
                }
            }
        }
    }

    @Override
    public String describe() {
        if (channels == 1) {
            return "x * " + scale[0] + " + " + shift[0];
        }
        return channels == shape.dim(0) ? channels + " channels: x * scale[c] + shift[c]"
                : "one scale and shift per value: x * scale[i] + shift[i]";
    }
}
