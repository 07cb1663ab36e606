package io.etalon.cli;

import io.etalon.graph.Network;
import io.etalon.onnx.LoadedModel;
import io.etalon.onnx.OnnxModels;
import io.etalon.onnx.UnsupportedOpException;
import io.etalon.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints a model's layers, shapes and parameter counts, and whether Etalon can explain it. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print a model's layers, shapes, parameter counts and whether it is piecewise linear.")
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The ONNX model.")
    Path file;

    @picocli.CommandLine.Option(names = "--output", description = "The graph output to inspect, for models with several.")
    String output;

    @picocli.CommandLine.Option(names = "--dequantize",
            description = "Inspect a quantized model (QDQ or QLinear int8) as the float network it approximates.")
    boolean dequantize;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LoadedModel model;
        try {
            model = OnnxModels.load(file, output, dequantize);
        } catch (UnsupportedOpException e) {
            out.println("piecewise linear: no");
            // the first refusal is the error; every other node that stands in the way is listed before it
            java.util.List<String> refusals = OnnxModels.refusals(file, output, dequantize);
            for (String refusal : refusals.subList(Math.min(1, refusals.size()), refusals.size())) {
                out.println("also refused  " + refusal);
            }
            if (refusals.size() > 1) {
                out.println("refused nodes " + refusals.size() + " (the first is the error below)");
            }
            throw e;
        }
        Network network = model.network();
        out.printf("model  %s%ninput  %s%n", file, network.inputShape());
        io.etalon.tensor.Shape images = InputOptions.channelsFirst(network.inputShape());
        if (!images.equals(network.inputShape())) {
            out.printf("images %s (explain, figure and the other commands lay them out as the model's input)%n", images);
        }
        // columns as wide as their longest entry: exporters name layers 'StatefulPartitionedCall/model/conv2d/BiasAdd'
        int nameWidth = Math.max(14, network.nodes().stream().mapToInt(n -> n.name().length()).max().orElse(0));
        int kindWidth = Math.max(10, network.nodes().stream().mapToInt(n -> n.op().kind().length()).max().orElse(0));
        String row = "%-4s %-" + nameWidth + "s %-" + kindWidth + "s %-12s %-12s %10s  %s%n";
        out.printf(row, "#", "layer", "op", "input", "output", "params", "settings");
        for (int k = 0; k < network.size(); k++) {
            Network.Node node = network.node(k);
            long parameters = node.op().parameters().stream().mapToLong(Tensor::size).sum();
            String inputs = String.join("+", node.op().inputShapes().stream().map(Object::toString).toList());
            out.printf(row, k, node.name(), node.op().kind(), inputs, node.op().outputShape(), parameters, node.op().describe());
        }
        long switches = network.nodes().stream().filter(n -> n.op().hasSwitches())
                .mapToLong(n -> n.op().switchesPerSample()).sum();
        out.printf("parameters        %d%n", network.parameterCount());
        out.printf("switches          %d (ReLU units and max-pool windows per input)%n", switches);
        out.printf("piecewise linear  yes: every op is affine, ReLU or max-pool, so etalons are exact%n");
        for (String note : model.notes()) {
            out.printf("note              %s%n", note);
        }
        return 0;
    }
}
