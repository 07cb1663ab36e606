/**
 * The piecewise-linear ops, one class each. Every op keeps its forward value (recording its switches: ReLU on/off,
 * max-pool winner), its frozen linear map (JVP), the adjoint of that map (VJP) and its parameter gradients side by
 * side, sharing their index loops, so that what the network computes and what the etalon solvers invert cannot
 * drift apart. {@link io.etalon.op.Op} is sealed so that exporters can switch over every op.
 */
package io.etalon.op;
