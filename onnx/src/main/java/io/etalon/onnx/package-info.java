/**
 * ONNX, the model file format of Etalon: {@link io.etalon.onnx.OnnxModels} loads models made by PyTorch, Keras
 * (tf2onnx) or Etalon itself and saves Etalon's networks so that PyTorch and ONNX Runtime users can open them.
 * Supported operators are listed once, in {@code OnnxOperators}; anything that is not piecewise linear is refused by
 * name at load time.
 */
package io.etalon.onnx;
