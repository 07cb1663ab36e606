package io.etalon.cli;

import io.etalon.data.ImageSet;
import io.etalon.etalon.Explainer;
import io.etalon.etalon.Method;
import io.etalon.graph.Network;
import io.etalon.render.Images;
import io.etalon.render.Palette;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Draws the Figure 11 grid for any model and data. */
@Command(name = "figure", mixinStandardHelpOptions = true,
        description = "Draw the paper's Figure 11 grid: rows = inputs, columns = output neurons.")
final class FigureCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The ONNX model.")
    Path model;

    @picocli.CommandLine.Mixin
    InputOptions input;

    @Option(names = "--images", required = true, description = "An IDX image file.")
    Path images;

    @Option(names = "--labels", description = "The matching IDX label file (needed for --rows per-class).")
    Path labels;

    @Option(names = "--rows", defaultValue = "per-class",
            description = "per-class (the first image of each class) or image indices such as 0,5,9 (default: ${DEFAULT-VALUE}).")
    String rows;

    @Option(names = "--method", defaultValue = "auto", description = "Etalon solver (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--palette", defaultValue = "grey", description = "grey or diverging (default: ${DEFAULT-VALUE}).")
    String palette;

    @Option(names = "--zoom", defaultValue = "4", description = "Pixels per input pixel (default: ${DEFAULT-VALUE}).")
    int zoom;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--out", required = true, description = "The PNG file to write; a JSON summary is written beside it.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Method solver = Method.parse(method);
        Palette colours = Arguments.palette(palette);
        Arguments.zoom(zoom);
        if (!out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--out must name a .png file, got " + out);
        }
        Network network = input.load(model, spec.commandLine().getErr());
        ImageSet set = Inputs.idx(images, network);
        int[] labelValues = labels == null ? null : Inputs.labels(labels, set.count());
        int[] chosen;
        if (rows.trim().equals("per-class")) {
            if (labelValues == null) {
                throw new IllegalArgumentException("--rows per-class needs --labels; or give image indices such as --rows 0,5,9");
            }
            chosen = Figure.firstOfEachClass(labelValues, network.outputShape().size());
        } else {
            chosen = Indices.parse(rows, set.count());
        }
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : Arguments.threads(threads);
        Figure.Result figure = Figure.draw(new Explainer(network, solver.solver(), workers), set, labelValues, chosen,
                colours, zoom, "Etalon images of " + model.getFileName() + ": rows = inputs, columns = output neurons");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", model.toString());
        summary.put("images", images.toString());
        summary.put("method", solver.cliName());
        summary.put("maxRelativeResidual", figure.maxRelativeResidual());
        summary.put("rows", figure.rows());
        Path json = out.resolveSibling(out.getFileName().toString().replaceFirst("(?i)\\.png$", ".json"));
        Images.writePng(figure.image(), out);
        Json.write(json, summary);
        spec.commandLine().getOut().printf("wrote %s (%d rows, max relative residual %.2g) and %s%n",
                out.toAbsolutePath().normalize(), chosen.length, figure.maxRelativeResidual(), json.getFileName());
        return 0;
    }
}
