package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.etalon.op.Op;

/**
 * Lowers the nodes of one ONNX op type to Etalon ops; each op type has one, in {@link OnnxOperators#TRANSLATORS}.
 */
@FunctionalInterface
interface Translator {

    /**
     * Adds the node's ops to the network {@code lowering} builds and records which of them produces each output.
     *
     * @param name the node's name for messages
     */
    void lower(Lowering lowering, NodeProto node, String name);

    /** The op of a node that maps its one activation input sample by sample; null passes the input through. */
    @FunctionalInterface
    interface Unary {
        Op lower(Lowering lowering, NodeProto node, String name, Lowering.Activation in);
    }

    /** A node that reads one activation and adds its own ops (several, or internal ones around the op). */
    @FunctionalInterface
    interface Placed {
        void lower(Lowering lowering, NodeProto node, String name, Lowering.Activation in);
    }

    /**
     * A translator for a {@link Unary} op: the activation checked by {@link Lowering#activation}, the op made, an
     * invalid setting the op's constructor refuses turned into a one-line {@link ModelFormatException}.
     */
    static Translator unary(Unary unary) {
        return (lowering, node, name) -> {
            Lowering.Activation in = lowering.activation(node, name);
            Op op;
            try {
                op = unary.lower(lowering, node, name, in);
            } catch (ModelFormatException | UnsupportedOpException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(lowering.file + ": node '" + name + "' (" + node.getOpType() + "): "
                        + e.getMessage());
            }
            lowering.addUnary(node, name, in, op);
        };
    }

    /** A translator for a {@link Placed} op, after the activation is checked. */
    static Translator placed(Placed placed) {
        return (lowering, node, name) -> placed.lower(lowering, node, name, lowering.activation(node, name));
    }
}
