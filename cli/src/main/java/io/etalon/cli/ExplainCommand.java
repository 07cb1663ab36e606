package io.etalon.cli;

import io.etalon.api.ExplainedImage;
import io.etalon.api.ExplainedNeuron;
import io.etalon.api.Etalons;
import io.etalon.data.ClassNames;
import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.data.Npy;
import io.etalon.data.Preprocessing;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import io.etalon.etalon.NeuronSelection;
import io.etalon.graph.Network;
import io.etalon.render.Images;
import io.etalon.render.Palette;
import io.etalon.tensor.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Computes etalons of chosen neurons for chosen images and writes, for image i, {@code DIR/<i>/etalons.npy}
 * (float32, {@code [neurons, C, H, W]}), one PNG per neuron and {@code summary.json}; for colour inputs also the
 * {@link ColourViews} of each neuron and a {@code legend.png}.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Compute etalon images of chosen neurons for chosen images.")
final class ExplainCommand implements Callable<Integer> {

    /**
     * Decisions within this share of their layer's scale are reported as near-ties: float64 or another engine may
     * take them the other way (seen on 3 of 3 photos with SqueezeNet against PyTorch, margins 2e-8 to 1e-7).
     */
    static final double NEAR_TIE_THRESHOLD = Etalons.NEAR_TIE_THRESHOLD;

    /** How many of the closest near-ties summary.json names (a photo can have 2,000). */
    static final int NEAR_TIES_LISTED = 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The ONNX model.")
    Path model;

    @picocli.CommandLine.Mixin
    InputOptions input;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--images", description = "An IDX image file (gzip or plain).")
        Path images;

        @Option(names = {"--image", "--png"}, arity = "1..*", description = "Photos (JPEG, PNG, BMP) or folders of them (their"
                + " image files in name order); see --preprocess, --resize and --crop. --png is the older name.")
        List<Path> image;
    }

    @Option(names = "--index", defaultValue = "0",
            description = "Images of the IDX file: e.g. 0,5,10-20, or all (default: ${DEFAULT-VALUE}).")
    String index;

    @Option(names = "--labels", description = "Optional IDX label file matching --images, recorded in the summary.")
    Path labels;

    @Option(names = "--neuron", arity = "1..*",
            description = "Neurons: output, top:K (the K best classes of each image), predicted, LAYER, LAYER:INDEX or"
                    + " LAYER:C,H,W (default: output for models of up to " + DefaultNeurons.ALL_OUTPUTS_UP_TO
                    + " outputs, else top:5).")
    List<String> neurons;

    @Option(names = "--classes", description = "Class names, one per line in output order (e.g. models/imagenet_classes.txt),"
            + " written into summary.json and the file names.")
    Path classes;

    @Option(names = "--method", defaultValue = "auto",
            description = "auto, reverse, forward or coordinate (the paper's Algorithm 1) (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--palette", defaultValue = "grey", description = "grey (the paper's) or diverging (default: ${DEFAULT-VALUE}).")
    String palette;

    @Option(names = "--zoom", defaultValue = "8", description = "Pixels per input pixel in the PNGs (default: ${DEFAULT-VALUE}, or fewer, so that a photo's PNGs are about 448 pixels wide).")
    int zoom;

    @Option(names = "--clip-percentile", defaultValue = "99", description = "Colour models: the heat, abs, blend and colour"
            + " pictures saturate at this percentile of |values| (default: ${DEFAULT-VALUE}).")
    double clipPercentile;

    @Option(names = "--no-png", description = "Skip the PNG pictures (for large runs).")
    boolean noPng;

    @Option(names = "--chunk", defaultValue = "256", description = "Images explained and written per step; memory "
            + "grows with it, not with the file (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Method solver = Method.parse(method);
        Palette colours = Arguments.palette(palette);
        Arguments.zoom(zoom);
        ColourViews.percentile(clipPercentile);
        Network network = source.images != null ? input.load(model, spec.commandLine().getErr())
                : input.loadForPhotos(model, spec.commandLine().getErr());
        String remark = DefaultNeurons.remark(neurons, network);
        neurons = DefaultNeurons.orDefault(neurons, network);
        NeuronSelection chosen = NeuronSelection.parse(neurons, network);
        ClassNames names = classes == null ? null : ClassNames.read(classes, network.outputShape().size());
        Scale.checkMethod(solver, network);
        if (chunk < 1) {
            throw new IllegalArgumentException("--chunk must be at least 1, got " + chunk);
        }
        int inFlight = Scale.imagesInFlight(chunk, chosen.count(), network, "--neuron " + String.join(" ", neurons));
        String note = Scale.passesNote(chosen.count(), network);
        if (note != null) {
            spec.commandLine().getErr().println(note);
        }
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : Arguments.threads(threads);
        // the library's front door, as a Java program would use it: one way to explain an image
        Etalons etalons = Etalons.of(network, source.images != null ? Preprocessing.NONE : input.preprocessing())
                .withMethod(solver).withThreads(workers).withClasses(names);
        int[] labelValues = null;
        double worst = 0;
        int explained = 0;
        if (source.images != null) {
            try (Idx.ImageStream stream = Idx.streamImages(Home.existing(source.images, "image file"))) {
                Inputs.checkFits(stream.shape(), source.images.toString(), network);
                int[] indices = index.trim().equals("all") ? allIndices(stream.count()) : Indices.parse(index, stream.count());
                int[] order = java.util.Arrays.stream(indices).distinct().sorted().toArray();
                if (labels != null) {
                    labelValues = Inputs.labels(labels, stream.count());
                }
                // Streams the file in index order, a chunk at a time: memory stays bounded whatever the file's length.
                try (Progress progress = new Progress("explain", order.length); Staging staging = new Staging(out)) {
                    for (int first = 0; first < order.length; first += inFlight) {
                        int[] part = java.util.Arrays.copyOfRange(order, first, Math.min(order.length, first + inFlight));
                        ImageSet images = stream.read(part);
                        int done = first;
                        List<ExplainedImage> answers = etalons.explainAll(images.pixels(), images.count(), chosen,
                                finished -> progress.stepTo(done + finished));
                        int[] labelled = labelValues;
                        writeAll(part.length, k -> write(staging.resolve(String.valueOf(part[k])), answers.get(k),
                                source.images + "#" + part[k], labelled == null ? null : labelled[part[k]], solver,
                                colours, null));
                        for (int k = 0; k < part.length; k++) {
                            staging.publish(String.valueOf(part[k]));
                            worst = Math.max(worst, answers.get(k).maxRelativeResidual());
                        }
                        explained += part.length;
                    }
                }
            }
        } else {
            Inputs.Photos photos = Inputs.photos(source.image, network, input.preprocessing(),
                    spec.commandLine().getErr());
            ImageSet images = photos.images();
            List<ExplainedImage> answers = etalons.explainAll(images.pixels(), images.count(), chosen, done -> { });
            try (Staging staging = new Staging(out)) {
                writeAll(answers.size(), k -> write(staging.resolve(String.valueOf(k)), answers.get(k),
                        photos.files().get(k).toString(), null, solver, colours, photos.records().get(k)));
                for (int k = 0; k < answers.size(); k++) {
                    worst = Math.max(worst, answers.get(k).maxRelativeResidual());
                }
                for (int k = 0; k < answers.size(); k++) {
                    staging.publish(String.valueOf(k));
                }
            }
            explained = images.count();
        }
        spec.commandLine().getOut().printf("explained %d image(s) x %d neuron(s)%s with %s; max relative residual %.2g; wrote %s%n",
                explained, chosen.count(), remark, solver.cliName(), worst, out.toAbsolutePath().normalize());
        return 0;
    }

    /** A layer name as a file name: ONNX names such as {@code /conv1/Conv} must not become paths. */
    static String fileName(String layer) {
        String safe = layer.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._]+", "");
        return safe.isEmpty() ? "layer" : safe;
    }

    /** The class name of an output neuron when names were given, else null. */
    static String className(Network network, ClassNames names, Neuron neuron) {
        return names != null && neuron.node() == network.outputIndex() ? names.name(neuron.index()) : null;
    }

    private static int[] allIndices(int count) {
        int[] all = new int[count];
        for (int i = 0; i < count; i++) {
            all[i] = i;
        }
        return all;
    }

    /** Writes one image's files, numbered k. */
    @FunctionalInterface
    private interface ImageWriter {
        void write(int k) throws java.io.IOException;
    }

    /**
     * Writes {@code count} images' files, each into its own folder, on all cores: drawing and compressing the PNGs
     * of a photo's views took longer than explaining it.
     */
    private static void writeAll(int count, ImageWriter writer) throws java.io.IOException {
        try {
            java.util.stream.IntStream.range(0, count).parallel().forEach(k -> {
                try {
                    writer.write(k);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void write(Path folder, ExplainedImage explanation, String sourceName, Integer label, Method solver,
                       Palette colours, Map<String, Object> photo)
            throws java.io.IOException {
        Shape shape = explanation.shape();
        float[] image = explanation.input();
        int pixels = shape.size();
        int count = explanation.neurons().size();
        float[] all = new float[count * pixels];
        List<Map<String, Object>> etalons = new ArrayList<>();
        List<String> pictureNames = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            ExplainedNeuron etalon = explanation.neurons().get(p);
            float[] weights = etalon.etalon();
            System.arraycopy(weights, 0, all, p * pixels, pixels);
            String className = etalon.className();
            String png = fileName(etalon.layer()) + "-" + etalon.index()
                    + (className == null ? "" : "-" + fileName(className)) + ".png";
            pictureNames.add(png.substring(0, png.length() - ".png".length()));
            if (shape.rank() == 3 && !noPng) {
                Images.writePng(Images.signed(weights, shape.dim(1), shape.dim(2),
                        ColourViews.plainZoom(spec.commandLine().getParseResult().hasMatchedOption("--zoom"), zoom,
                                shape.dim(1), shape.dim(2)),
                        colours), folder.resolve(png));
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("neuron", etalon.neuron());
            entry.put("layer", etalon.layer());
            entry.put("index", etalon.index());
            entry.put("coordinates", etalon.coordinates());
            if (className != null) {
                entry.put("class", className);
            }
            entry.put("score", etalon.score());
            entry.put("bias", etalon.bias());
            entry.put("residual", etalon.residual());
            entry.put("relativeResidual", etalon.relativeResidual());
            if (shape.rank() == 3 && !noPng) {
                entry.put("png", png);
            }
            etalons.add(entry);
        }
        ColourViews.Written views = null;
        if (ColourViews.applies(shape) && !noPng) {
            // the views read best in red and blue; the paper's grey only when asked for
            var parsed = spec.commandLine().getParseResult();
            views = ColourViews.writeNeurons(folder, image, shape.dim(1), shape.dim(2), explanation.neurons(), pictureNames,
                    parsed.hasMatchedOption("--palette") ? colours : Palette.DIVERGING,
                    ColourViews.zoom(parsed.hasMatchedOption("--zoom"), zoom, shape.dim(1), shape.dim(2)), clipPercentile);
            for (int p = 0; p < count; p++) {
                etalons.get(p).put("views", views.files().get(p));
            }
        }
        int[] npyShape = new int[shape.rank() + 1];
        npyShape[0] = count;
        System.arraycopy(shape.dims(), 0, npyShape, 1, shape.rank());
        Npy.writeFloat32(folder.resolve("etalons.npy"), npyShape, all);
        // X itself, the values <W, X> + b uses: after resizing and cropping, before the normalisation folded into the network
        Npy.writeFloat32(folder.resolve("input.npy"), shape.dims(), image);
        if (shape.rank() == 3 && !noPng) {
            Images.writePng(photo != null && shape.dim(0) == 3 ? Images.photo(image, 3, shape.dim(1), shape.dim(2), 1)
                    : Images.grey(java.util.Arrays.copyOf(image, shape.dim(1) * shape.dim(2)), shape.dim(1), shape.dim(2),
                    photo != null ? 1 : zoom), folder.resolve("input.png"));
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("source", sourceName);
        if (label != null) {
            summary.put("label", label);
        }
        summary.put("model", model.toString());
        summary.put("method", solver.cliName());
        summary.put("inputShape", shape.dims());
        summary.put("inputNpy", "input.npy");
        if (photo != null) {
            summary.put("photo", photo);
        }
        summary.put("scores", explanation.scores());
        summary.put("predicted", explanation.predicted());
        if (explanation.predictedClass() != null) {
            summary.put("predictedClass", explanation.predictedClass());
        }
        summary.put("neuronSpecs", neurons);
        summary.put("maxResidual", explanation.maxResidual());
        summary.put("maxRelativeResidual", explanation.maxRelativeResidual());
        summary.put("pattern", Json.pattern(explanation.pattern()));
        summary.put("nearTies", Json.nearTies(explanation.nearTies(), NEAR_TIE_THRESHOLD, NEAR_TIES_LISTED));
        summary.put("npy", "etalons.npy");
        summary.put("etalons", etalons);
        if (views != null) {
            summary.put("views", views.summary());
        }
        Json.write(folder.resolve("summary.json"), summary);
    }
}
