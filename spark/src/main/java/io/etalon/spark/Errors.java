package io.etalon.spark;

import io.etalon.data.DataFormatException;
import io.etalon.onnx.ModelFormatException;
import io.etalon.onnx.UnsupportedOpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * One line for an error, wherever it happened. A bad image found by an executor reaches the driver wrapped in
 * Spark's "Job aborted due to stage failure" with the executor's stack trace in the message; the line names the
 * original problem instead.
 */
final class Errors {

    private Errors() {
    }

    static String oneLine(Throwable error) {
        Throwable cause = userError(error);
        if (cause == null) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String text = firstLine(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
            if (root instanceof OutOfMemoryError) {
                return "out of memory; give the driver or executors more (--driver-memory, --executor-memory) or use smaller --batch";
            }
            return "internal error (" + root.getClass().getSimpleName() + ": " + text + "); please report it with the output of --verbose";
        }
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof NoSuchFileException && !text.contains(": ")) {
            text = text + ": no such file";
        } else if (cause instanceof AccessDeniedException) {
            text = text + ": permission denied";
        }
        return firstLine(text);
    }

    /** The first error in the cause chain that describes bad input or a failed I/O, or null. */
    private static Throwable userError(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof UncheckedIOException) {
                continue;
            }
            if (cause instanceof DataFormatException || cause instanceof ModelFormatException
                    || cause instanceof UnsupportedOpException || cause instanceof IllegalArgumentException
                    || cause instanceof IndexOutOfBoundsException || cause instanceof IOException) {
                return cause;
            }
        }
        return null;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).trim();
    }
}
