package io.etalon.op;

/** The output size of a pooling window sliding along one axis, shared by {@link MaxPool2d} and {@link AvgPool2d}. */
final class PoolWindows {

    private PoolWindows() {
    }

    /**
     * Number of window positions along an axis, as ONNX and PyTorch define it:
     * {@code floor((size + padBefore + padAfter - kernel) / stride) + 1}, or with {@code ceil} rounded up, so that a last,
     * partial window covers the rest of the input. A ceil-mode window that would start past the input and its leading
     * padding (only padding in it) is dropped.
     *
     * @return the count, 0 or less when the window does not fit
     */
    static int outputSize(int size, int padBefore, int padAfter, int kernel, int stride, boolean ceil) {
        int span = size + padBefore + padAfter - kernel;
        int count = (ceil ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1;
        if (ceil && count > 0 && (count - 1) * stride >= size + padBefore) {
            count--;
        }
        return count;
    }
}
