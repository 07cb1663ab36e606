package io.etalon.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The machine's practical float32 peak, measured in the run that reports GFLOP/s beside it: a 1024x1024 matrix
 * product through DJL, that is libtorch and the BLAS it ships, on the threads libtorch was configured with.
 */
final class MachinePeak {

    private static final int SIZE = 1024;

    private MachinePeak() {
    }

    /** GFLOP/s of repeated 1024x1024 products over about {@code seconds} seconds, after a warm-up. */
    static double matrixProductGflops(double seconds) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.randomUniform(-1, 1, new Shape(SIZE, SIZE));
            NDArray b = manager.randomUniform(-1, 1, new Shape(SIZE, SIZE));
            for (int i = 0; i < 5; i++) {
                a.matMul(b).close();
            }
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            int products = 0;
            while (System.nanoTime() < end || products < 3) {
                a.matMul(b).close();
                products++;
            }
            return 2.0 * SIZE * SIZE * SIZE * products / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
    }
}
