package io.etalon.op;

import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.List;

/**
 * A transposed convolution (ONNX ConvTranspose, PyTorch's {@code ConvTranspose2d}): each input value scatters its
 * kernel, scaled, into the output at {@code y * stride - pad + i * dilation}, then a bias per output channel is added.
 *
 * <p>Its linear part is, exactly, the transpose of a convolution: the one with the same weight, strides, pads,
 * dilations and groups that maps this op's output shape back to its input shape. So this op keeps that
 * convolution, {@link #adjoint()}, and its three views are the convolution's views swapped: {@code linear} is the
 * convolution's {@code transpose}, {@code transpose} is the convolution's {@code linear}, and the weight gradient is
 * the convolution's with the roles of input and output gradient exchanged. The tests check each against the
 * definition's scatter loop and the adjoint identity.
 *
 * <p>Output size per axis: {@code stride * (in - 1) + outputPadding + dilation * (k - 1) + 1 - padBegin - padEnd}.
 * Output padding (below the stride) adds rows and columns at the bottom and right that only the bias reaches (and
 * the kernel, where the end pad would otherwise cut it).
 */
public final class ConvTranspose2d implements Op {

    private final Shape inputShape;
    private final Shape outputShape;
    private final Conv2d adjoint;
    private final Tensor weight;
    private final float[] bias;
    private final int[] outputPadding;

    /**
     * @param inputShape    {@code CxHxW}
     * @param weight        {@code (C, O/G, KH, KW)}, as ONNX and PyTorch store it; copied
     * @param bias          {@code (O)}; {@code null} for none
     * @param stride        {@code {sy, sx}}
     * @param pads          {@code {top, left, bottom, right}}: rows and columns cut from the full output
     * @param dilation      {@code {dy, dx}}
     * @param groups        {@code G}, dividing C and O
     * @param outputPadding {@code {bottom, right}}: rows and columns added to the output, each below its stride or dilation
     */
    public ConvTranspose2d(Shape inputShape, Tensor weight, Tensor bias, int[] stride, int[] pads, int[] dilation, int groups,
                           int[] outputPadding) {
        if (inputShape.rank() != 3) {
            throw new IllegalArgumentException("ConvTranspose2d needs a CxHxW input, got " + inputShape);
        }
        Shape w = weight.shape();
        if (w.rank() != 4 || w.dim(0) != inputShape.dim(0) || groups <= 0 || w.dim(0) % groups != 0) {
            throw new IllegalArgumentException("ConvTranspose2d weight " + w + " does not fit input " + inputShape
                    + " (expected " + inputShape.dim(0) + "xO/" + groups + "xKHxKW)");
        }
        if (stride.length != 2 || pads.length != 4 || dilation.length != 2 || outputPadding.length != 2) {
            throw new IllegalArgumentException("ConvTranspose2d needs 2 strides, 4 pads, 2 dilations and 2 output paddings");
        }
        int outChannels = w.dim(1) * groups;
        if (bias != null && (bias.shape().rank() != 1 || bias.shape().dim(0) != outChannels)) {
            throw new IllegalArgumentException("ConvTranspose2d bias " + bias.shape() + " does not fit " + outChannels + " output channels");
        }
        int[] size = new int[2];
        for (int axis = 0; axis < 2; axis++) {
            if (stride[axis] <= 0 || dilation[axis] <= 0) {
                throw new IllegalArgumentException("ConvTranspose2d strides and dilations must be positive");
            }
            if (outputPadding[axis] < 0 || outputPadding[axis] >= Math.max(stride[axis], dilation[axis])) {
                throw new IllegalArgumentException("ConvTranspose2d output padding " + outputPadding[axis]
                        + " must be at least 0 and below the stride or the dilation");
            }
            size[axis] = stride[axis] * (inputShape.dim(axis + 1) - 1) + outputPadding[axis]
                    + dilation[axis] * (w.dim(axis + 2) - 1) + 1 - pads[axis] - pads[axis + 2];
            if (size[axis] <= 0) {
                throw new IllegalArgumentException("ConvTranspose2d pads " + pads[axis] + "+" + pads[axis + 2]
                        + " leave no output of input " + inputShape);
            }
        }
        this.inputShape = inputShape;
        this.outputShape = Shape.of(outChannels, size[0], size[1]);
        this.weight = new Tensor(w, weight.data());
        this.bias = bias == null ? new float[outChannels] : bias.data();
        this.outputPadding = outputPadding.clone();
        // the convolution from this op's output back to its input: weight (O_conv = C, C_conv / G = O / G, KH, KW)
        this.adjoint = new Conv2d(outputShape, this.weight, null, stride, pads, dilation, groups);
        if (!adjoint.outputShape().equals(inputShape)) {
            throw new IllegalArgumentException("ConvTranspose2d settings do not invert to input " + inputShape
                    + " (the convolution of " + outputShape + " gives " + adjoint.outputShape() + ")");
        }
    }

    @Override
    public String kind() {
        return "ConvTranspose2d";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(inputShape);
    }

    @Override
    public Shape outputShape() {
        return outputShape;
    }

    /** The convolution whose transpose this op's linear part is (without bias). */
    public Conv2d adjoint() {
        return adjoint;
    }

    /** {@code {bottom, right}}. */
    public int[] outputPadding() {
        return outputPadding.clone();
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        java.util.Arrays.fill(out, 0, rows * outputShape.size(), 0f);
        adjoint.transpose(inputs[0], new float[][] {out}, rows, switches, rowsPerSample);
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        int size = rows * inputShape.size();
        float[] product = new float[size];
        adjoint.linear(new float[][] {gradOut}, product, rows, switches, rowsPerSample);
        for (int i = 0; i < size; i++) {
            gradIn[i] += product[i];
        }
    }

    @Override
    public void addBias(float[] out, int rows, Switches switches, int rowsPerSample) {
        Conv2d.addChannelBias(bias, outputShape, out, rows);
    }

    @Override
    public void accumulateBiasContribution(float[] gradOut, int rows, Switches switches, int rowsPerSample,
                                           double[] contribution, double[] magnitude) {
        Conv2d.channelBiasContribution(bias, outputShape, gradOut, rows, contribution, magnitude);
    }

    @Override
    public List<Tensor> parameters() {
        return List.of(new Tensor(weight.shape(), weight.data()), new Tensor(Shape.of(bias.length), bias));
    }

    @Override
    public Op withParameters(List<Tensor> parameters) {
        return new ConvTranspose2d(inputShape, parameters.get(0), parameters.get(1), adjoint.stride(), adjoint.pads(),
                adjoint.dilation(), adjoint.groups(), outputPadding);
    }

    @Override
    public Op withoutBias() {
        return withParameters(List.of(weight, Tensor.zeros(Shape.of(bias.length))));
    }

    @Override
    public void accumulateGradients(float[][] inputs, float[] gradOut, int n, float[][] gradParams) {
        // <gradOut, C^T x> = <C gradOut, x>: the convolution's weight gradient with gradOut as its input, x as its gradient
        adjoint.accumulateGradients(new float[][] {gradOut}, inputs[0], n, new float[][] {gradParams[0], new float[inputShape.dim(0)]});
        int plane = outputShape.dim(1) * outputShape.dim(2);
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < bias.length; o++) {
                float sum = 0f;
                int base = (r * bias.length + o) * plane;
                for (int k = 0; k < plane; k++) {
                    sum += gradOut[base + k];
                }
                gradParams[1][o] += sum;
            }
        }
    }

    @Override
    public String describe() {
        int[] kernel = adjoint.kernel();
        int[] stride = adjoint.stride();
        int[] pads = adjoint.pads();
        int[] dilation = adjoint.dilation();
        return String.format("kernel %dx%d, %d->%d channels, stride %d,%d, pads %d,%d,%d,%d, dilation %d,%d%s%s",
                kernel[0], kernel[1], inputShape.dim(0), outputShape.dim(0), stride[0], stride[1], pads[0], pads[1], pads[2],
                pads[3], dilation[0], dilation[1], outputPadding[0] + outputPadding[1] == 0 ? ""
                        : ", output padding " + outputPadding[0] + "," + outputPadding[1],
                adjoint.groups() == 1 ? "" : ", " + adjoint.groups() + " groups");
    }
}
