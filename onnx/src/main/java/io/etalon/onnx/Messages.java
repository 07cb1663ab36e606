package io.etalon.onnx;

/** Turns text that may quote a hostile file (names with control characters, megabyte-long strings) into one line. */
final class Messages {

    private static final int LIMIT = 400;

    private Messages() {
    }

    /** How messages name a node: its name, else its first output, else its op type. */
    static String nodeName(ai.onnx.proto.OnnxMl.NodeProto node) {
        return !node.getName().isEmpty() ? node.getName() : node.getOutputCount() > 0 ? node.getOutput(0) : node.getOpType();
    }

    static String oneLine(String message) {
        StringBuilder line = new StringBuilder(Math.min(message.length(), LIMIT + 3));
        for (int i = 0; i < message.length() && line.length() < LIMIT; i++) {
            char c = message.charAt(i);
            line.append(Character.isISOControl(c) || Character.getType(c) == Character.UNASSIGNED
                    || Character.getType(c) == Character.SURROGATE ? '?' : c);
        }
        if (message.length() > LIMIT) {
            line.append("...");
        }
        return line.toString();
    }
}
