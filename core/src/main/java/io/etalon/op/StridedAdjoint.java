package io.etalon.op;

import io.etalon.kernel.Parallel;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The transpose of a strided convolution as stride-1 correlations, one per phase of its padded input.
 *
 * <p>At stride s, padded input row {@code py = s*Y + a} only ever meets the taps {@code i = a + s*u}, and output row
 * {@code y = Y - u}. So the input gradient of phase {@code (a, b)}, the padded positions with those remainders, is
 * {@code sum over o, u, v of weight[o, c, a + s*u, b + s*v] * gradOut[o, Y - u, X - v]}: a stride-1 convolution of the
 * output gradient with the phase's taps turned by 180 degrees and channels swapped. Each phase runs on the
 * register-blocked correlation of {@link Conv2d} with no patch matrix, and together the phases do exactly the
 * multiply-adds of the transposed convolution, once each. Phases that meet no tap (a 1x1 kernel at stride 2) get no
 * gradient.
 */
final class StridedAdjoint {

    /** One phase: its remainders and the stride-1 convolution that yields its input gradient. */
    private record Phase(int rowRemainder, int columnRemainder, Conv2d twin) {
    }

    private final Shape inputShape;
    private final int strideH;
    private final int strideW;
    private final int padTop;
    private final int padLeft;
    private final List<Phase> phases = new ArrayList<>();

    /**
     * @param weight (O, C, KH, KW) of a convolution with no dilation and one group
     * @param pads   top, left, bottom, right
     */
    StridedAdjoint(Shape inputShape, Shape outputShape, float[] weight, int kernelH, int kernelW, int[] stride, int[] pads) {
        this.inputShape = inputShape;
        this.strideH = stride[0];
        this.strideW = stride[1];
        this.padTop = pads[0];
        this.padLeft = pads[1];
        int inChannels = inputShape.dim(0);
        int outChannels = outputShape.dim(0);
        int paddedHeight = inputShape.dim(1) + pads[0] + pads[2];
        int paddedWidth = inputShape.dim(2) + pads[1] + pads[3];
        for (int a = 0; a < strideH; a++) {
            for (int b = 0; b < strideW; b++) {
                int tapRows = (kernelH - a + strideH - 1) / strideH;
                int tapColumns = (kernelW - b + strideW - 1) / strideW;
                if (tapRows <= 0 || tapColumns <= 0) {
                    continue;
                }
                // turned[c, o, u', v'] = weight[o, c, a + s*(rows-1-u'), b + s*(columns-1-v')]
                float[] turned = new float[inChannels * outChannels * tapRows * tapColumns];
                for (int c = 0, t = 0; c < inChannels; c++) {
                    for (int o = 0; o < outChannels; o++) {
                        for (int u = 0; u < tapRows; u++) {
                            for (int v = 0; v < tapColumns; v++) {
                                int i = a + strideH * (tapRows - 1 - u);
                                int j = b + strideW * (tapColumns - 1 - v);
                                turned[t++] = weight[((o * inChannels + c) * kernelH + i) * kernelW + j];
                            }
                        }
                    }
                }
                int phaseHeight = (paddedHeight - a + strideH - 1) / strideH;
                int phaseWidth = (paddedWidth - b + strideW - 1) / strideW;
                Conv2d twin = new Conv2d(outputShape,
                        new Tensor(Shape.of(inChannels, outChannels, tapRows, tapColumns), turned), null,
                        new int[] {1, 1}, new int[] {tapRows - 1, tapColumns - 1, phaseHeight - outputShape.dim(1),
                        phaseWidth - outputShape.dim(2)}, new int[] {1, 1});
                phases.add(new Phase(a, b, twin));
            }
        }
    }

    /** {@code gradIn += J^T gradOut} for {@code rows} samples: each phase's correlation, added onto its positions. */
    void transpose(float[] gradOut, float[] gradIn, int rows) {
        int channels = inputShape.dim(0);
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        for (int r = 0; r < rows; r++) {
            int base = r * inputShape.size();
            for (Phase phase : phases) {
                Conv2d twin = phase.twin();
                float[] result = twin.correlateSample(gradOut, r);
                int width = twin.correlationWidth();
                int rowStride = twin.correlationRowStride();
                int phaseHeight = twin.outputShape().dim(1);
                int phaseWidth = twin.outputShape().dim(2);
                // phase column X is input column s*X + b - padLeft; keep the columns inside the image
                int firstX = Math.max(0, Math.floorDiv(padLeft - phase.columnRemainder() + strideW - 1, strideW));
                int endX = Math.min(phaseWidth, Math.floorDiv(inW - 1 + padLeft - phase.columnRemainder(), strideW) + 1);
                int blocks = Parallel.blocksOfValues((long) channels * phaseHeight * phaseWidth, channels);
                Parallel.forRanges(channels, blocks, 1, (block, first, end) -> {
                    for (int c = first; c < end; c++) {
                        for (int y = 0; y < phaseHeight; y++) {
                            int h = y * strideH + phase.rowRemainder() - padTop;
                            if (h < 0 || h >= inH) {
                                continue;
                            }
                            int from = c * width + y * rowStride;
                            int to = base + (c * inH + h) * inW - padLeft + phase.columnRemainder();
                            for (int x = firstX; x < endX; x++) {
                                gradIn[to + x * strideW] += result[from + x];
                            }
                        }
                    }
                });
            }
        }
    }
}
