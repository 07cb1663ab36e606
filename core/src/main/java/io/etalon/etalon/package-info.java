/**
 * Etalon images and the solvers that compute them. For an input X and a neuron p, inside X's linear region
 * {@code NET(X)_p = <W_p, X> + b_p}; an {@link io.etalon.etalon.Etalon} holds W_p, b_p, the score and the exactness
 * residual. {@link io.etalon.etalon.CoordinateImages} is the paper's Algorithm 1; {@link io.etalon.etalon.ForwardMode}
 * and {@link io.etalon.etalon.ReverseMode} compute the same values in one batched pass; {@link io.etalon.etalon.Auto}
 * picks the cheaper. {@link io.etalon.etalon.Explainer} runs a solver over many images in parallel.
 */
package io.etalon.etalon;
