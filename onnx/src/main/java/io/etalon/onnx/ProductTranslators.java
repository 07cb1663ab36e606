package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.etalon.op.Add;
import io.etalon.op.Dense;
import io.etalon.op.Flatten;
import io.etalon.op.Op;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;

/** Gemm and MatMul: a dense layer per sample, with the weight on either side (see {@link OnnxOperators}). */
final class ProductTranslators {

    private ProductTranslators() {
    }

    /**
     * Gemm ({@code Y = alpha op(A) op(B) + beta C}) and MatMul ({@code Y = A B}) with one constant operand: one dense
     * layer per sample. A rank-2 activation holds one sample per row ([batch, K]) or, in the column-vector convention,
     * one per column ([K, batch]; see {@link #batchLast}). The product maps each sample on its own when the samples are
     * the rows of op(A) (a layer {@code x W}; the result holds one sample per row) or the columns of op(B) (a layer
     * {@code W x}; one sample per column). Otherwise it sums over the batch axis, and a product of two activations is
     * bilinear: both are refused. MatMul also multiplies a vector without batch axis, from either side.
     */
    static void product(Lowering l, NodeProto node, String name) {
        String type = node.getOpType();
        boolean gemm = type.equals("Gemm");
        if (node.getInputCount() < 2 || !gemm && node.getInputCount() != 2) {
            throw new ModelFormatException(l.file + ": " + type + " node '" + name + "' needs two inputs, A and B");
        }
        Integer left = l.producers.get(node.getInput(0));
        Integer right = l.producers.get(node.getInput(1));
        if (left != null && right != null) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' multiplies two activations ('"
                    + node.getInput(0) + "' and '" + node.getInput(1) + "'): the product is bilinear in the image, not"
                    + " piecewise linear; etalons need one operand to be a constant weight");
        }
        if (left == null && right == null) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' has no input that depends on the image");
        }
        boolean activationIsA = left != null;
        String operand = activationIsA ? "A" : "B";
        String activation = node.getInput(activationIsA ? 0 : 1);
        int source = activationIsA ? left : right;
        Shape in = l.shapeOf(source);
        boolean flat = l.unbatched.contains(activation);
        boolean columns = l.batchLast.contains(activation);
        boolean transA = gemm && l.intAttribute(node, "transA", 0) != 0;
        boolean transB = gemm && l.intAttribute(node, "transB", 0) != 0;
        if (in.rank() != 1 || flat && gemm) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' reads '" + activation + "' of shape "
                    + (flat ? l.bracketed(in) + ", which has no batch axis" : "[batch, " + l.bracketed(in).substring(1))
                    + "; only [batch, K] " + (gemm ? "" : "or [K] ") + "activations are multiplied (add a Flatten or an"
                    + " Unsqueeze of axis 0 before it)");
        }
        boolean samplesAsRows = columns == (activationIsA ? transA : transB); // of op(activation)
        if (!flat && samplesAsRows != activationIsA) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' multiplies over the batch axis: its "
                    + operand + " '" + activation + "' holds one sample per " + (columns ? "column ([K, batch])" : "row ([batch, K])")
                    + " and op(" + operand + ") needs them as " + (activationIsA ? "rows" : "columns")
                    + (gemm ? "; export it with trans" + operand + "=" + ((activationIsA ? transA : transB) ? 0 : 1)
                    : "; multiply the other way round"));
        }
        Tensor weight = l.floats(node.getInput(activationIsA ? 1 : 0), name);
        if (weight.shape().rank() != 2) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' multiplies a " + in.dim(0) + "-feature activation by a "
                    + l.bracketed(weight.shape()) + " weight; only a 2-D weight matrix (a dense layer) is supported");
        }
        // op(constant) is [K, M] after the activation, [M, K] before it; stored as (M, K) or as (K, M)
        boolean storedOutIn = activationIsA ? transB : !transA;
        int outputs = weight.shape().dim(storedOutIn ? 0 : 1);
        int inputs = weight.shape().dim(storedOutIn ? 1 : 0);
        if (inputs != in.dim(0)) {
            throw new ModelFormatException(l.file + ": " + type + " node '" + name + "' multiplies " + in.dim(0) + " features by a "
                    + l.bracketed(weight.shape()) + " weight" + (gemm ? " (transA=" + (transA ? 1 : 0) + ", transB=" + (transB ? 1 : 0) + ")" : "")
                    + "; the sizes do not match");
        }
        float alpha = gemm ? l.floatAttribute(node, "alpha", 1f) : 1f;
        float[] stored = weight.data();
        float[] dense = new float[outputs * inputs];
        for (int o = 0; o < outputs; o++) {
            for (int i = 0; i < inputs; i++) {
                dense[o * inputs + i] = alpha * (storedOutIn ? stored[o * inputs + i] : stored[i * outputs + o]);
            }
        }
        boolean columnsOut = !flat && !activationIsA;
        Tensor bias = gemm && node.getInputCount() > 2 && !node.getInput(2).isEmpty()
                ? gemmBias(l, node, name, outputs, columnsOut) : null;
        Op op;
        try {
            op = new Dense(in, new Tensor(Shape.of(outputs, inputs), dense), bias);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(l.file + ": node '" + name + "' (" + type + "): " + e.getMessage());
        }
        l.addNode(node, name, op, new int[] {source});
        l.setUnbatched(node.getOutput(0), flat);
        l.setBatchLast(node.getOutput(0), columnsOut);
    }

    /**
     * Gemm's C times beta, one value per output: a scalar, or [M] / [1, M] after samples as rows, [M, 1] after samples as
     * columns. A C that varies along the batch axis would give each sample of a batch its own bias: refused.
     */
    static Tensor gemmBias(Lowering l, NodeProto node, String name, int outputs, boolean columns) {
        if (l.producers.containsKey(node.getInput(2))) {
            throw new UnsupportedOpException(l.file + ": Gemm node '" + name + "' adds the activation '" + node.getInput(2)
                    + "' as C; only a constant bias is supported (write the sum as an Add after the Gemm)");
        }
        Tensor c = l.floats(node.getInput(2), name);
        float beta = l.floatAttribute(node, "beta", 1f);
        int[] dims = c.shape().dims();
        int rows = dims.length == 2 ? dims[0] : 1;
        int cols = dims.length == 2 ? dims[1] : dims[0];
        boolean fits = c.size() == 1 || dims.length <= 2 && (columns ? cols == 1 && rows == outputs : rows == 1 && cols == outputs);
        if (!fits) {
            boolean alongBatch = dims.length == 2 && (columns ? rows == outputs : cols == outputs);
            String expected = columns ? "[" + outputs + ", 1]" : "[" + outputs + "] or [1, " + outputs + "]";
            String problem = l.file + ": Gemm node '" + name + "' has a bias C of shape " + l.bracketed(c.shape())
                    + "; expected a scalar or " + expected;
            if (alongBatch) {
                throw new UnsupportedOpException(problem + ": this C varies along the batch axis, so each sample would get its own bias");
            }
            throw new ModelFormatException(problem);
        }
        float[] values = new float[outputs];
        for (int o = 0; o < outputs; o++) {
            values[o] = beta * c.get(c.size() == 1 ? 0 : o);
        }
        return new Tensor(Shape.of(outputs), values);
    }
}
