package io.etalon.kernel;

/** {@link Kernels} in plain Java: the reference the vector kernels are tested against, and the fallback. */
final class ScalarKernels implements Kernels {

    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int lanes() {
        return 1;
    }

    @Override
    public void gemm(int m, int n, int[] ks, int count, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int cRow = cOff + i * ldc;
            for (int t = 0; t < count; t++) {
                int p = ks[t];
                float av = a[aOff + i * lda + p];
                int bRow = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] = Math.fma(av, b[bRow + j], c[cRow + j]);
                }
            }
        }
    }

    @Override
    public void scatter(int count, float[] w, int wOff, int[] offsets, float[] g, int gOff, int width, float[] dst,
                        int dstBase) {
        for (int t = 0; t < count; t++) {
            float wt = w[wOff + t];
            int row = dstBase + offsets[t];
            for (int r = 0; r < width; r++) {
                dst[row + r] = Math.fma(wt, g[gOff + r], dst[row + r]);
            }
        }
    }

    @Override
    public void correlate(int outputs, int taps, float[] w, int[] offsets, float[] x, float[] y, int width) {
        for (int o = 0; o < outputs; o++) {
            for (int p = 0; p < width; p++) {
                float acc = 0f;
                for (int t = 0; t < taps; t++) {
                    acc = Math.fma(w[o * taps + t], x[p + offsets[t]], acc);
                }
                y[o * width + p] = acc;
            }
        }
    }

    @Override
    public void biasReluPool(float[] y, int yOff, int stride, int pooledH, int pooledW, float bias, float[] out, int outOff,
                             int outEnd) {
        for (int py = 0; py < pooledH; py++) {
            int top = yOff + 2 * py * stride;
            for (int px = 0; px < pooledW; px++) {
                int at = top + 2 * px;
                float m = y[at];
                m = y[at + 1] > m ? y[at + 1] : m;
                m = y[at + stride] > m ? y[at + stride] : m;
                m = y[at + stride + 1] > m ? y[at + stride + 1] : m;
                float v = m + bias;
                out[outOff + py * pooledW + px] = v > 0f ? v : 0f;
            }
        }
    }

    @Override
    public void biasRelu(float[] y, int yOff, int stride, int h, int w, float bias, float[] out, int outOff, int outEnd) {
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                float v = y[yOff + r * stride + c] + bias;
                out[outOff + r * w + c] = v > 0f ? v : 0f;
            }
        }
    }
}
