/**
 * Shapes and tensors. A sample's tensor is a flat row-major {@code float[]} with a {@link io.etalon.tensor.Shape};
 * a batch of {@code n} samples is {@code n} such blocks back to back, so kernels index arrays directly with no
 * boxing or per-element objects. {@link io.etalon.tensor.Tensor} is the immutable form used for parameters.
 */
package io.etalon.tensor;
