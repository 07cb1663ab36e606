/**
 * Training: mini-batch Adam on softmax cross-entropy, seeded and deterministic whatever the thread count. The
 * gradients come from the same transposed ops the etalon solvers use; only the parameter gradients are extra.
 */
package io.etalon.train;
