package io.etalon.onnx;

/** A model file that is not a valid ONNX model Etalon can read. The message is one line: file, problem, fix. */
public final class ModelFormatException extends IllegalArgumentException {

    public ModelFormatException(String message) {
        super(Messages.oneLine(message));
    }
}
