package io.etalon.op;

import io.etalon.kernel.Kernels;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.List;

/**
 * Fully connected layer: {@code out[o] = bias[o] + sum_i weight[o,i] * in[i]}.
 *
 * <p>Shapes: in {@code (I)}, weight {@code (O,I)} (PyTorch's {@code Linear}, ONNX {@code Gemm} with
 * {@code transB=1}), bias {@code (O)}, out {@code (O)}.
 */
public final class Dense implements Op {

    private static final Kernels KERNELS = Kernels.best();

    private final Shape inputShape;
    private final Shape outputShape;
    private final float[] weight;
    private final float[] weightT; // (I,P): the forward pass is one row-major product; P = O rounded up to whole vectors
    private final int paddedOut;
    private final float[] bias;
    private final int inFeatures;
    private final int outFeatures;

    /**
     * @param weight {@code (O,I)}, copied
     * @param bias   {@code (O)}, copied; {@code null} for none
     */
    public Dense(Shape inputShape, Tensor weight, Tensor bias) {
        if (inputShape.rank() != 1) {
            throw new IllegalArgumentException("Dense needs a vector input, got " + inputShape + "; add a Flatten before it");
        }
        Shape w = weight.shape();
        if (w.rank() != 2 || w.dim(1) != inputShape.dim(0)) {
            throw new IllegalArgumentException(
                    "Dense weight " + w + " does not fit input " + inputShape + " (expected Ox" + inputShape.dim(0) + ")");
        }
        if (bias != null && (bias.shape().rank() != 1 || bias.shape().dim(0) != w.dim(0))) {
            throw new IllegalArgumentException("Dense bias " + bias.shape() + " does not fit " + w.dim(0) + " outputs");
        }
        this.inputShape = inputShape;
        this.inFeatures = w.dim(1);
        this.outFeatures = w.dim(0);
        this.outputShape = Shape.of(outFeatures);
        this.weight = weight.data();
        this.bias = bias == null ? new float[outFeatures] : bias.data();
        // the columns past O are zero, so the product runs on whole vectors and those columns are dropped
        int lanes = KERNELS.lanes();
        this.paddedOut = (outFeatures + lanes - 1) / lanes * lanes;
        this.weightT = new float[inFeatures * paddedOut];
        for (int o = 0; o < outFeatures; o++) {
            for (int i = 0; i < inFeatures; i++) {
                weightT[i * paddedOut + o] = this.weight[o * inFeatures + i];
            }
        }
    }

    @Override
    public String kind() {
        return "Dense";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(inputShape);
    }

    @Override
    public Shape outputShape() {
        return outputShape;
    }

    @Override
    public List<Tensor> parameters() {
        return List.of(new Tensor(Shape.of(outFeatures, inFeatures), weight), new Tensor(Shape.of(outFeatures), bias));
    }

    @Override
    public Op withParameters(List<Tensor> parameters) {
        return new Dense(inputShape, parameters.get(0), parameters.get(1));
    }

    @Override
    public Op withoutBias() {
        List<Tensor> parameters = parameters();
        return withParameters(List.of(parameters.get(0), Tensor.zeros(parameters.get(1).shape())));
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        // in (rows,I), weight (O,I) -> out (rows,O)
        // inputs a ReLU switched off in every row are skipped
        float[] in = inputs[0];
        int[] live = new int[inFeatures];
        int count = Kernels.nonZeroColumns(rows, inFeatures, in, 0, inFeatures, live);
        if (paddedOut == outFeatures) {
            java.util.Arrays.fill(out, 0, rows * outFeatures, 0f);
            product(rows, live, count, in, out);
            return;
        }
        float[] padded = new float[rows * paddedOut];
        product(rows, live, count, in, padded);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(padded, r * paddedOut, out, r * outFeatures, outFeatures);
        }
    }

    /**
     * {@code c += in * weightT} over the live input features, c {@code (rows, paddedOut)}, its output columns shared out
     * among threads in blocks of whole vectors when the product is large: a photo's classifier (1,280 features to
     * 1,000 classes, its weights 5 MB read once) ran on one thread. Each output is its terms' sum in order, whatever
     * the block it falls in.
     */
    private void product(int rows, int[] live, int count, float[] in, float[] c) {
        int lanes = KERNELS.lanes();
        // a few rows read each weight for few multiply-adds: the product is as much a pass over the weights as work,
        // and two cores read them twice as fast as one (ResNet-18's classifier at batch 1, 2 MB of weights)
        int units = paddedOut / lanes;
        int blocks = Math.max(io.etalon.kernel.Parallel.blocks((long) rows * paddedOut * count, units),
                io.etalon.kernel.Parallel.blocksOfValues((long) paddedOut * count, units));
        io.etalon.kernel.Parallel.forRanges(paddedOut, blocks, lanes, (block, first, end) ->
                KERNELS.gemm(rows, end - first, live, count, in, 0, inFeatures, weightT, first, paddedOut, c, first,
                        paddedOut));
    }

    @Override
    public void addBias(float[] out, int rows, Switches switches, int rowsPerSample) {
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outFeatures; o++) {
                out[r * outFeatures + o] += bias[o];
            }
        }
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        // gradOut (rows,O), weight (O,I) -> gradIn (rows,I) +=
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        // behind a ReLU the units it switched off have a zero gradient in every row: skip their weight rows
        int[] live = new int[outFeatures];
        int count = Kernels.nonZeroColumns(rows, outFeatures, gradOut, 0, outFeatures, live);
        KERNELS.gemm(rows, inFeatures, live, count, gradOut, 0, outFeatures, weight, 0, inFeatures, gradIn, 0, inFeatures);
    }

    @Override
    public void accumulateBiasContribution(float[] gradOut, int rows, Switches switches, int rowsPerSample,
                                           double[] contribution, double[] magnitude) {
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            double size = 0;
            for (int o = 0; o < outFeatures; o++) {
                double term = (double) gradOut[r * outFeatures + o] * bias[o];
                sum += term;
                size += Math.abs(term);
            }
            contribution[r] += sum;
            magnitude[r] += size;
        }
    }

    @Override
    public void accumulateGradients(float[][] inputs, float[] gradOut, int n, float[][] gradParams) {
        // in (n,I), gradOut (n,O) -> gradWeight (O,I) +=, gradBias (O) +=
        float[] in = inputs[0];
        float[] gradWeight = gradParams[0];
        float[] gradBias = gradParams[1];
        for (int r = 0; r < n; r++) {
            int inBase = r * inFeatures;
            for (int o = 0; o < outFeatures; o++) {
                float g = gradOut[r * outFeatures + o];
                gradBias[o] += g;
                if (g == 0f) {
                    continue;
                }
                int wBase = o * inFeatures;
                for (int i = 0; i < inFeatures; i++) {
                    gradWeight[wBase + i] += g * in[inBase + i];
                }
            }
        }
    }

    @Override
    public String describe() {
        return inFeatures + "->" + outFeatures;
    }
}
