package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pass that finds the scores to explain: from the chosen graph output it walks back over a tail of per-logit
 * monotone or normalising ops (Softmax, LogSoftmax, Sigmoid, Log, ...; and Identity or Dropout between them), which
 * keep the order of the classes but are not piecewise linear, and explains the tensor before the first of them, as the
 * paper drops LeNet's Softmax. keras2onnx ends with {@code Softmax -> Identity}, some exporters write LogSoftmax as
 * {@code Softmax -> Log}.
 */
final class TailStripping {

    /** Ops that keep the ranking of each sample's scores (monotone per value, or a normalisation over them). */
    static final Set<String> MONOTONE = Set.of("Softmax", "LogSoftmax", "Sigmoid", "Tanh", "Log", "Exp", "Softplus");
    /** Ops that pass their input through at inference; stripped only between or after monotone ones. */
    private static final Set<String> PASS = Set.of("Identity", "Dropout");

    private TailStripping() {
    }

    /**
     * The tensor whose values are explained in place of {@code output}: {@code output} itself when no monotone op ends
     * the graph, else the input of the earliest op of the trailing chain; {@code notes} is modified (one note naming
     * the dropped nodes).
     */
    static String explained(List<NodeProto> nodes, String output, List<String> notes) {
        Map<String, NodeProto> producerOf = new HashMap<>();
        for (NodeProto node : nodes) {
            for (String name : node.getOutputList()) {
                producerOf.put(name, node);
            }
        }
        List<NodeProto> chain = new ArrayList<>();
        String tensor = output;
        String explained = output;
        int kept = 0; // length of the chain up to its earliest monotone op
        for (NodeProto node = producerOf.get(tensor); node != null && node.getInputCount() > 0
                && (MONOTONE.contains(node.getOpType()) || PASS.contains(node.getOpType()))
                && (node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx")); node = producerOf.get(tensor)) {
            chain.add(node);
            tensor = node.getInput(0);
            if (MONOTONE.contains(node.getOpType())) {
                explained = tensor;
                kept = chain.size();
            }
        }
        if (kept == 0) {
            return output;
        }
        List<String> dropped = new ArrayList<>();
        for (int k = kept - 1; k >= 0; k--) {
            NodeProto node = chain.get(k);
            dropped.add(node.getOpType() + " node '" + Messages.nodeName(node) + "'");
        }
        notes.add("dropped the trailing " + String.join(" -> ", dropped) + ": etalons explain the scores before "
                + (kept == 1 ? "it" : "them") + ", as in the paper (they keep the order of the classes)");
        return explained;
    }
}
