package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The value of a Constant node in every form the specification allows: {@code value} (a tensor), {@code value_float},
 * {@code value_floats}, {@code value_int}, {@code value_ints}, {@code value_string}, {@code value_strings} and
 * {@code sparse_value}. The torch.onnx dynamo exporter writes the scalar forms; exactly one must be present.
 */
final class ConstantValues {

    private static final Set<String> FORMS = Set.of("value", "value_float", "value_floats", "value_int", "value_ints",
            "value_string", "value_strings", "sparse_value");

    private ConstantValues() {
    }

    /** @throws ModelFormatException if the node has no value or more than one */
    static ConstantTensor of(NodeProto node, String file, String name) {
        List<AttributeProto> forms = new ArrayList<>();
        for (AttributeProto attribute : node.getAttributeList()) {
            if (FORMS.contains(attribute.getName())) {
                forms.add(attribute);
            }
        }
        if (forms.size() != 1) {
            throw new ModelFormatException(file + ": Constant node '" + name + "' has " + forms.size() + " values ("
                    + String.join(", ", forms.stream().map(AttributeProto::getName).toList())
                    + "); the specification allows exactly one of " + String.join(", ", FORMS.stream().sorted().toList()));
        }
        AttributeProto value = forms.get(0);
        return switch (value.getName()) {
            case "value" -> ConstantTensor.read(value.getT(), file, name);
            case "value_float" -> new ConstantTensor(ConstantTensor.FLOAT, new long[0], new double[] {value.getF()});
            case "value_floats" -> new ConstantTensor(ConstantTensor.FLOAT, new long[] {value.getFloatsCount()},
                    value.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
            case "value_int" -> new ConstantTensor(ConstantTensor.INT64, new long[0], new double[] {value.getI()});
            case "value_ints" -> new ConstantTensor(ConstantTensor.INT64, new long[] {value.getIntsCount()},
                    value.getIntsList().stream().mapToDouble(Long::doubleValue).toArray());
            case "value_string", "value_strings" -> new ConstantTensor(ConstantTensor.STRING, new long[] {0}, new double[0]);
            default -> sparse(value.getSparseTensor(), file, name);
        };
    }

    /** A sparse tensor made dense: its indices are [NNZ] flat positions or [NNZ, rank] coordinates. */
    private static ConstantTensor sparse(SparseTensorProto sparse, String file, String name) {
        long[] dims = sparse.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : dims) {
            if (d < 0 || (count *= d) > ConstantTensor.MAX_VALUES) {
                throw new ModelFormatException(file + ": Constant node '" + name + "' has a sparse value of dimensions "
                        + sparse.getDimsList() + "; the file is corrupt");
            }
        }
        ConstantTensor values = ConstantTensor.read(sparse.getValues(), file, name);
        TensorProto indexProto = sparse.getIndices();
        ConstantTensor indices = ConstantTensor.read(indexProto, file, name);
        int nonZero = values.size();
        boolean coordinates = indices.rank() == 2;
        if (indices.size() != (coordinates ? (long) nonZero * dims.length : nonZero)) {
            throw new ModelFormatException(file + ": Constant node '" + name + "' has a sparse value with " + nonZero
                    + " values and " + indices.size() + " indices; they do not match");
        }
        double[] dense = new double[(int) count];
        for (int i = 0; i < nonZero; i++) {
            long at = 0;
            if (coordinates) {
                for (int k = 0; k < dims.length; k++) {
                    long c = (long) indices.values()[i * dims.length + k];
                    if (c < 0 || c >= dims[k]) {
                        at = -1;
                        break;
                    }
                    at = at * dims[k] + c;
                }
            } else {
                at = (long) indices.values()[i];
            }
            if (at < 0 || at >= count) {
                throw new ModelFormatException(file + ": Constant node '" + name + "' has a sparse index out of range");
            }
            dense[(int) at] = values.values()[i];
        }
        return new ConstantTensor(values.type(), dims, dense);
    }
}
