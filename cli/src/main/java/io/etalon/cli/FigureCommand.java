package io.etalon.cli;

import io.etalon.api.Etalons;
import io.etalon.data.ClassNames;
import io.etalon.data.ImageSet;
import io.etalon.data.Preprocessing;
import io.etalon.etalon.Method;
import io.etalon.etalon.NeuronSelection;
import io.etalon.graph.Network;
import io.etalon.render.Images;
import io.etalon.render.Palette;
import io.etalon.render.View;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Draws the Figure 11 grid for any model and data: for IDX images the paper's grey etalons of every output neuron; for
 * colour photos ({@code --image}) the {@link PhotoFigure}, photos x their best classes.
 */
@Command(name = "figure", mixinStandardHelpOptions = true,
        description = {"Draw the paper's Figure 11 grid: rows = inputs, columns = output neurons.",
                "With --image: rows = photos, columns = the neurons of --neuron (default top:3), each its contribution "
                        + "over the photo, one scale per row, and a legend."})
final class FigureCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The ONNX model.")
    Path model;

    @picocli.CommandLine.Mixin
    InputOptions input;

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--images", description = "An IDX image file.")
        Path images;

        @Option(names = "--image", arity = "1..*", description = "Colour photos (JPEG, PNG, BMP) or folders of them; see"
                + " --preprocess, --resize and --crop.")
        List<Path> photos;
    }

    @Option(names = "--neuron", arity = "1..*", defaultValue = "top:3",
            description = "With --image: the columns, e.g. top:3, predicted or LAYER:INDEX (default: ${DEFAULT-VALUE}).")
    List<String> neurons;

    @Option(names = "--classes", description = "With --image: class names, one per line in output order, for the captions.")
    Path classes;

    @Option(names = "--view", defaultValue = "blend",
            description = "With --image: blend (contribution over the photo), heat, abs or colour (default: ${DEFAULT-VALUE}).")
    String view;

    @Option(names = "--clip-percentile", defaultValue = "99",
            description = "With --image: each row's scale saturates at this percentile of |values| (default: ${DEFAULT-VALUE}).")
    double clipPercentile;

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
        if (source.photos != null) {
            return photoFigure(solver, colours);
        }
        for (String photoOnly : new String[] {"--neuron", "--classes", "--view", "--clip-percentile"}) {
            if (spec.commandLine().getParseResult().hasMatchedOption(photoOnly)) {
                throw new IllegalArgumentException(photoOnly + " applies to photo figures (--image); the --images figure"
                        + " shows every output neuron");
            }
        }
        Path images = source.images;
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
        // the library's front door, as a Java program would use it: one way to explain an image
        Etalons etalons = Etalons.of(network, Preprocessing.NONE).withMethod(solver).withThreads(workers())
                .withNearTies(false);
        Figure.Result figure = Figure.draw(etalons, set, labelValues, chosen, colours, zoom, "Etalon images of " + model.getFileName() + ": rows = inputs, columns = output neurons");
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

    private int workers() {
        return threads == null ? Runtime.getRuntime().availableProcessors() : Arguments.threads(threads);
    }

    private Integer photoFigure(Method solver, Palette chosenPalette) throws Exception {
        View shown = parseView(view);
        ColourViews.percentile(clipPercentile);
        PrintWriter err = spec.commandLine().getErr();
        Network network = input.loadForPhotos(model, err);
        if (!ColourViews.applies(network.inputShape())) {
            throw new IllegalArgumentException("--image figures need a model of colour images (3xHxW); " + model.getFileName()
                    + " takes " + network.inputShape() + "; give --images IDX for the grey figure");
        }
        NeuronSelection chosen = NeuronSelection.parse(neurons, network);
        ClassNames names = classes == null ? null : ClassNames.read(classes, network.outputShape().size());
        Etalons etalons = Etalons.of(network, input.preprocessing()).withMethod(solver).withThreads(workers())
                .withClasses(names).withNearTies(false);
        int height = network.inputShape().dim(1);
        int width = network.inputShape().dim(2);
        Inputs.Photos read = Inputs.photos(source.photos, network, input.preprocessing(), err);
        List<Path> files = read.files();
        ImageSet photos = read.images();
        var parsed = spec.commandLine().getParseResult();
        Palette palette = parsed.hasMatchedOption("--palette") ? chosenPalette : Palette.DIVERGING;
        // a photo figure of several classes is wide: cells of about 224 pixels unless --zoom says otherwise
        int cellZoom = parsed.hasMatchedOption("--zoom") ? zoom : Math.max(1, 224 / Math.max(height, width));
        List<String> photoNames = files.stream().map(p -> p.getFileName().toString()).toList();
        String title = "Etalons of " + model.getFileName() + ": rows = photos, columns = " + String.join(" ", neurons)
                + " (" + shown.suffix() + ")";
        PhotoFigure.Result figure = PhotoFigure.draw(etalons, photos, photoNames, chosen, shown, palette, clipPercentile,
                cellZoom, title);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", model.toString());
        summary.put("images", files.stream().map(Path::toString).toList());
        summary.put("photos", read.records());
        summary.put("neuronSpecs", neurons);
        if (classes != null) {
            summary.put("classes", classes.toString());
        }
        summary.put("method", solver.cliName());
        summary.put("view", shown.suffix());
        summary.put("palette", palette.name().toLowerCase(java.util.Locale.ROOT));
        summary.put("clipPercentile", clipPercentile);
        summary.put("maxRelativeResidual", figure.maxRelativeResidual());
        summary.put("rows", figure.rows());
        Path json = out.resolveSibling(out.getFileName().toString().replaceFirst("(?i)\\.png$", ".json"));
        Images.writePng(figure.image(), out);
        Json.write(json, summary);
        spec.commandLine().getOut().printf("wrote %s (%d photo(s) x %d neuron(s), max relative residual %.2g) and %s%n",
                out.toAbsolutePath().normalize(), photos.count(), chosen.count(), figure.maxRelativeResidual(),
                json.getFileName());
        return 0;
    }

    static View parseView(String name) {
        for (View v : View.values()) {
            if (v.suffix().equals(name.trim().toLowerCase(java.util.Locale.ROOT))) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown --view '" + name + "'; choose blend, heat, abs or colour");
    }
}
