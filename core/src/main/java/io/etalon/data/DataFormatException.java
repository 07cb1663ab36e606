package io.etalon.data;

/** A data file whose content is not what its format requires. The message is one line: file, problem, fix. */
public final class DataFormatException extends IllegalArgumentException {

    public DataFormatException(String message) {
        super(message);
    }
}
