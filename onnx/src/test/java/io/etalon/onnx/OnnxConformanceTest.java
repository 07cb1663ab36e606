package io.etalon.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.etalon.graph.Network;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The official ONNX backend node tests (Debian package {@code libonnx-testdata}) for the operators Etalon reads.
 * Each case's extra inputs (weights, biases) are bound as initializers from its test data, as an exporter would
 * store them; the first input is the image. Cases whose settings Etalon refuses by name (for example ceil_mode)
 * are counted as refused; every case that loads must reproduce the expected output.
 */
class OnnxConformanceTest {

    private static final Path NODE_TESTS = Path.of("/usr/share/libonnx-testdata/data/node");
    private static final List<String> PREFIXES = List.of("test_conv_", "test_maxpool_", "test_relu", "test_gemm_",
            "test_flatten_", "test_identity", "test_dropout_default", "test_reshape_", "test_averagepool_2d",
            "test_globalaveragepool", "test_batchnorm_", "test_leakyrelu", "test_prelu", "test_clip", "test_pad",
            "test_add", "test_sub", "test_mul", "test_div", "test_transpose", "test_concat", "test_squeeze", "test_unsqueeze");
    /** Cases that must load and pass: the op settings Etalon documents as supported. */
    private static final List<String> MUST_PASS = List.of("test_conv_with_strides_padding",
            "test_conv_with_strides_no_padding", "test_conv_with_strides_and_asymmetric_padding",
            "test_conv_with_autopad_same", "test_maxpool_2d_default", "test_maxpool_2d_pads",
            "test_maxpool_2d_strides", "test_maxpool_2d_precomputed_pads", "test_maxpool_2d_precomputed_strides",
            "test_maxpool_2d_precomputed_same_upper", "test_maxpool_2d_same_upper", "test_maxpool_2d_same_lower",
            "test_gemm_alpha", "test_gemm_beta", "test_gemm_default_vector_bias",
            "test_gemm_default_no_bias", "test_gemm_transposeB", "test_flatten_axis1");

    @Test
    void supportedOperatorsMatchTheOfficialNodeTests() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(NODE_TESTS),
                "ONNX conformance skipped: " + NODE_TESTS + " is missing; apt-get install libonnx-testdata");
        Map<String, int[]> byOp = new TreeMap<>(); // op -> {passed, refused}
        List<String> passed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        try (Stream<Path> cases = Files.list(NODE_TESTS)) {
            for (Path folder : cases.sorted().toList()) {
                String name = folder.getFileName().toString();
                if (PREFIXES.stream().noneMatch(name::startsWith) || !Files.exists(folder.resolve("model.onnx"))) {
                    continue;
                }
                ModelProto model = ModelProto.parseFrom(Files.readAllBytes(folder.resolve("model.onnx")));
                String op = model.getGraph().getNode(0).getOpType();
                int[] counts = byOp.computeIfAbsent(op, key -> new int[2]);
                Path data = folder.resolve("test_data_set_0");
                ModelProto.Builder bound = model.toBuilder();
                List<ValueInfoProto> inputs = model.getGraph().getInputList();
                for (int i = 1; i < inputs.size(); i++) {
                    TensorProto value = TensorProto.parseFrom(Files.readAllBytes(data.resolve("input_" + i + ".pb")));
                    bound.getGraphBuilder().addInitializer(value.toBuilder().setName(inputs.get(i).getName()));
                }
                Network network;
                try {
                    network = OnnxModels.read(name, bound.build()).network();
                } catch (UnsupportedOpException | ModelFormatException e) {
                    refused.add(name + ": " + e.getMessage());
                    counts[1]++;
                    continue;
                }
                TensorProto input = TensorProto.parseFrom(Files.readAllBytes(data.resolve("input_0.pb")));
                TensorProto output = TensorProto.parseFrom(Files.readAllBytes(data.resolve("output_0.pb")));
                int batch = (int) input.getDims(0);
                float[] expected = floats(output);
                float[] actual = new float[expected.length];
                var trace = network.forward(floats(input), batch);
                int size = network.outputShape().size();
                for (int s = 0; s < batch; s++) {
                    System.arraycopy(trace.output(s), 0, actual, s * size, size);
                }
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).as("%s output %d", name, i).isCloseTo(expected[i],
                            org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(expected[i]))));
                }
                passed.add(name);
                counts[0]++;
            }
        }
        System.out.println("ONNX node conformance (libonnx-testdata), per op: passed / refused by name");
        byOp.forEach((op, counts) -> System.out.printf("  %-10s %3d passed %3d refused%n", op, counts[0], counts[1]));
        refused.forEach(line -> System.out.println("  refused " + line));
        assertThat(passed).containsAll(MUST_PASS);
    }

    private static float[] floats(TensorProto tensor) {
        if (!tensor.getRawData().isEmpty()) {
            float[] values = new float[tensor.getRawData().size() / 4];
            tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }
        float[] values = new float[tensor.getFloatDataCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = tensor.getFloatData(i);
        }
        return values;
    }
}
