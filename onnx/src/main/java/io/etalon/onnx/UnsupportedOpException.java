package io.etalon.onnx;

/**
 * A model with an op Etalon cannot explain: not piecewise linear (Sigmoid, Tanh, a Softmax inside the graph) or
 * not supported yet. The message is one line naming the file, the node and its op type.
 */
public final class UnsupportedOpException extends IllegalArgumentException {

    public UnsupportedOpException(String message) {
        super(Messages.oneLine(message));
    }
}
