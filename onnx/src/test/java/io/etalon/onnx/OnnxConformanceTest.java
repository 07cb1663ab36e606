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
 * The official ONNX backend tests (Debian package {@code libonnx-testdata}) for the operators Etalon reads: the node
 * tests of each operator, and the single-layer models PyTorch's exporter wrote at opset 6 ({@code pytorch-converted},
 * {@code pytorch-operator}; they use the old forms such as Gemm's {@code broadcast} and BatchNormalization's
 * {@code is_test}). Each case's extra inputs (weights, biases) that are not already initializers are bound as
 * initializers from its test data, as an exporter would store them; the first input is the image (read with one
 * sample per column where the model says so, as in Gemm with transA=1). Cases whose settings Etalon refuses by name
 * (for example a Concat with a constant) are counted as refused; every case that loads must reproduce the expected
 * output.
 */
class OnnxConformanceTest {

    private static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");
    private static final List<String> NODE_PREFIXES = List.of("test_conv_", "test_basic_conv_", "test_convtranspose", "test_maxpool_",
            "test_relu", "test_gemm_", "test_flatten_", "test_identity", "test_dropout_default", "test_reshape_",
            "test_averagepool_2d", "test_globalaveragepool", "test_globalmaxpool", "test_reduce_mean_", "test_reduce_max_",
            "test_resize_", "test_upsample_nearest", "test_batchnorm_", "test_leakyrelu", "test_prelu",
            "test_clip", "test_pad", "test_add", "test_sub", "test_mul", "test_div", "test_transpose", "test_concat",
            "test_squeeze", "test_unsqueeze", "test_matmul_2d",
            // added with exporters' idioms (issue 14): branches, folded constants, quantized forms
            "test_max_", "test_min_", "test_sum_", "test_mean_", "test_neg", "test_split_", "test_reduce_sum_",
            "test_expand_", "test_tile", "test_constant", "test_quantizelinear", "test_dequantizelinear");
    private static final List<String> PYTORCH_PREFIXES = List.of("test_Conv2d", "test_ConvTranspose2d", "test_MaxPool2d", "test_AvgPool2d",
            "test_BatchNorm2d", "test_LeakyReLU", "test_PReLU_2d", "test_ReLU", "test_Linear", "test_ZeroPad2d",
            "test_ConstantPad2d", "test_operator_conv", "test_operator_flatten", "test_operator_clip",
            "test_operator_addconstant", "test_operator_mm", "test_operator_maxpool");
    /** Cases that must load and pass: the op settings Etalon documents as supported. */
    private static final List<String> MUST_PASS = List.of("test_conv_with_strides_padding",
            "test_conv_with_strides_no_padding", "test_conv_with_strides_and_asymmetric_padding",
            "test_conv_with_autopad_same", "test_basic_conv_with_padding", "test_basic_conv_without_padding",
            "test_maxpool_2d_default", "test_maxpool_2d_pads",
            "test_maxpool_2d_strides", "test_maxpool_2d_precomputed_pads", "test_maxpool_2d_precomputed_strides",
            "test_maxpool_2d_precomputed_same_upper", "test_maxpool_2d_same_upper", "test_maxpool_2d_same_lower",
            "test_maxpool_2d_ceil", "test_maxpool_2d_dilations", "pytorch-converted/test_MaxPool2d_stride_padding_dilation",
            "test_averagepool_2d_ceil", "test_averagepool_2d_pads_count_include_pad",
            "test_gemm_alpha", "test_gemm_beta", "test_gemm_default_vector_bias", "test_gemm_transposeA",
            "test_gemm_all_attributes",
            "test_gemm_default_no_bias", "test_gemm_transposeB", "test_flatten_axis1",
            "pytorch-converted/test_Conv2d", "pytorch-converted/test_Conv2d_groups",
            "pytorch-converted/test_Conv2d_groups_thnn", "pytorch-converted/test_Conv2d_depthwise",
            "pytorch-converted/test_Conv2d_depthwise_padded", "pytorch-converted/test_Conv2d_depthwise_strided",
            "pytorch-converted/test_Conv2d_depthwise_with_multiplier", "pytorch-converted/test_Conv2d_no_bias",
            "pytorch-converted/test_Conv2d_padding", "pytorch-converted/test_Conv2d_strided",
            "pytorch-converted/test_Conv2d_dilated", "pytorch-converted/test_AvgPool2d",
            "pytorch-converted/test_AvgPool2d_stride", "pytorch-converted/test_MaxPool2d",
            "pytorch-converted/test_BatchNorm2d_eval", "pytorch-converted/test_BatchNorm2d_momentum_eval",
            "pytorch-converted/test_Linear", "pytorch-converted/test_Linear_no_bias", "pytorch-converted/test_ZeroPad2d",
            "pytorch-converted/test_PReLU_2d", "pytorch-operator/test_operator_conv", "test_matmul_2d", "test_squeeze",
            "test_unsqueeze_axis_0", "test_identity", "test_dropout_default",
            "test_convtranspose", "test_convtranspose_pads", "test_convtranspose_dilations",
            "test_convtranspose_kernel_shape", "test_convtranspose_output_shape", "test_convtranspose_autopad_same",
            "pytorch-converted/test_ConvTranspose2d", "pytorch-converted/test_ConvTranspose2d_no_bias",
            "test_globalmaxpool", "test_globalmaxpool_precomputed", "test_resize_upsample_scales_nearest",
            "test_upsample_nearest", "test_resize_upsample_scales_linear", "test_resize_upsample_scales_linear_align_corners",
            "test_resize_downsample_scales_linear",
            // constants that broadcast to the whole activation: one scale, shift or slope per value
            "test_add_bcast", "test_sub_bcast", "test_mul_bcast", "test_div_bcast", "test_prelu_broadcast");

    @Test
    void supportedOperatorsMatchTheOfficialTests() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(DATA.resolve("node")),
                "ONNX conformance skipped: " + DATA + " is missing; apt-get install libonnx-testdata");
        Map<String, int[]> byOp = new TreeMap<>(); // op -> {passed, refused}
        List<String> passed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        run(DATA.resolve("node"), "", NODE_PREFIXES, byOp, passed, refused);
        run(DATA.resolve("pytorch-converted"), "pytorch-converted/", PYTORCH_PREFIXES, byOp, passed, refused);
        run(DATA.resolve("pytorch-operator"), "pytorch-operator/", PYTORCH_PREFIXES, byOp, passed, refused);
        System.out.println("ONNX conformance (libonnx-testdata node, pytorch-converted and pytorch-operator cases),"
                + " per op: passed / refused by name");
        byOp.forEach((op, counts) -> System.out.printf("  %-18s %3d passed %3d refused%n", op, counts[0], counts[1]));
        for (String suite : List.of("node", "pytorch-converted", "pytorch-operator")) {
            // refusals start with the case's name, then ": "
            java.util.function.Predicate<String> in = line -> {
                String name = line.split(": ", 2)[0];
                return suite.equals("node") ? !name.contains("/") : name.startsWith(suite + "/");
            };
            System.out.printf("  %-18s %3d passed %3d refused%n", suite, passed.stream().filter(in).count(),
                    refused.stream().filter(in).count());
        }
        System.out.printf("  %-18s %3d passed %3d refused%n", "all", passed.size(), refused.size());
        refused.forEach(line -> System.out.println("  refused " + line));
        assertThat(passed).containsAll(MUST_PASS);
    }

    /** Runs every case under {@code root} whose folder name starts with one of {@code prefixes}. */
    private static void run(Path root, String label, List<String> prefixes, Map<String, int[]> byOp, List<String> passed,
                            List<String> refused) throws IOException {
        try (Stream<Path> cases = Files.list(root)) {
            for (Path folder : cases.sorted().toList()) {
                String name = label + folder.getFileName();
                if (prefixes.stream().noneMatch(folder.getFileName().toString()::startsWith)
                        || !Files.exists(folder.resolve("model.onnx"))) {
                    continue;
                }
                ModelProto model = ModelProto.parseFrom(Files.readAllBytes(folder.resolve("model.onnx")));
                String op = model.getGraph().getNodeList().stream().map(n -> n.getOpType())
                        .filter(type -> !type.equals("Constant")).findFirst().orElse("Constant");
                int[] counts = byOp.computeIfAbsent(op, key -> new int[2]);
                Path data = folder.resolve("test_data_set_0");
                ModelProto.Builder bound = model.toBuilder();
                java.util.Set<String> initializers = new java.util.HashSet<>();
                model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
                List<ValueInfoProto> inputs = model.getGraph().getInputList().stream()
                        .filter(i -> !initializers.contains(i.getName())).toList();
                for (int i = 1; i < inputs.size(); i++) {
                    TensorProto value = TensorProto.parseFrom(Files.readAllBytes(data.resolve("input_" + i + ".pb")));
                    bound.getGraphBuilder().addInitializer(value.toBuilder().setName(inputs.get(i).getName()));
                }
                LoadedModel loaded;
                try {
                    loaded = OnnxModels.read(name, bound.build());
                } catch (UnsupportedOpException | ModelFormatException e) {
                    refused.add(e.getMessage());
                    counts[1]++;
                    continue;
                }
                TensorProto input = TensorProto.parseFrom(Files.readAllBytes(data.resolve("input_0.pb")));
                TensorProto output = TensorProto.parseFrom(Files.readAllBytes(data.resolve("output_0.pb")));
                Network network = loaded.network();
                float[] x = floats(input);
                int batch = x.length / network.inputShape().size();
                if (loaded.inputBatchLast()) {
                    x = ModelChecks.transpose(x, network.inputShape().size(), batch);
                }
                float[] expected = floats(output);
                float[] actual = new float[expected.length];
                var trace = network.forward(x, batch);
                int size = network.outputShape().size();
                assertThat(batch * size).as("%s output size", name).isEqualTo(expected.length);
                for (int s = 0; s < batch; s++) {
                    System.arraycopy(trace.output(s), 0, actual, s * size, size);
                }
                if (loaded.outputBatchLast()) {
                    actual = ModelChecks.transpose(actual, batch, size);
                }
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).as("%s output %d", name, i).isCloseTo(expected[i],
                            org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(expected[i]))));
                }
                passed.add(name);
                counts[0]++;
            }
        }
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
