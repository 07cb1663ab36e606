package io.etalon.cli;

import io.etalon.api.Etalons;
import io.etalon.data.ClassNames;
import io.etalon.data.ImageSet;
import io.etalon.data.Preprocessing;
import io.etalon.graph.Network;
import io.etalon.render.ClipScale;
import io.etalon.render.Palette;
import io.etalon.render.View;
import io.etalon.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Draws the two figures of the shipped models: the paper's Figure 11 on LeNet and held-out MNIST digits, and the same
 * figure for photos, SqueezeNet 1.1 on the shipped photos x their 3 best ImageNet classes.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Draw the paper's Figure 11 on the shipped LeNet and MNIST digits, and Figure 11 for photos on the"
                + " shipped SqueezeNet and photos (--digits or --photos for one of them).")
final class DemoCommand implements Callable<Integer> {

    /** The photo figure's classes per photo. */
    static final String PHOTO_NEURONS = "top:3";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "etalon-out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--digits", description = "Only Figure 11 on MNIST digits.")
    boolean digitsOnly;

    @Option(names = "--photos", description = "Only Figure 11 for photos.")
    boolean photosOnly;

    @Override
    public Integer call() throws Exception {
        if (digitsOnly && photosOnly) {
            throw new IllegalArgumentException("--digits and --photos each choose one figure; give neither for both");
        }
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : Arguments.threads(threads);
        if (!photosOnly) {
            digits(workers);
        }
        if (!digitsOnly) {
            photos(workers);
        }
        return 0;
    }

    /** Figure 11 of the paper: held-out digits x LeNet's 10 outputs. */
    private void digits(int workers) throws java.io.IOException {
        long start = System.nanoTime();
        var stdout = spec.commandLine().getOut();
        Path modelFile = Home.existing(Home.model(), "shipped model");
        // the library's front door, as a Java program would use it: one way to explain an image
        Etalons etalons = load(modelFile, null, workers);
        Network network = etalons.network();
        ImageSet images = Inputs.idx(Home.testImages(Home.mnist()), network);
        int[] labels = Inputs.labels(Home.testLabels(Home.mnist()), images.count());
        double accuracy = Trainer.accuracy(network, images.pixels(), labels, workers);
        stdout.printf("model     %s (%s, %d parameters)%n", modelFile, network.inputShape(), network.parameterCount());
        stdout.printf("accuracy  %.2f%% on %d held-out digits%n", 100 * accuracy, labels.length);

        int[] rows = Figure.firstOfEachClass(labels, network.outputShape().size());
        Figure.Result figure = Figure.draw(etalons, images, labels, rows, Palette.GREY, 4,
                "Etalon images of LeNet on MNIST: rows = held-out digits, columns = output neurons 0-9 (white = attention, black = ignoring)");
        Path png = out.resolve("figure11.png");
        Path json = out.resolve("figure11.json");
        io.etalon.render.Images.writePng(figure.image(), png);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", modelFile.toString());
        summary.put("testAccuracy", accuracy);
        summary.put("method", "auto");
        summary.put("maxRelativeResidual", figure.maxRelativeResidual());
        summary.put("rows", figure.rows());
        Json.write(json, summary);
        stdout.printf("etalons   %d inputs x %d output neurons, max relative residual %.2g%n", rows.length,
                network.outputShape().size(), figure.maxRelativeResidual());
        stdout.printf("figure    %s%n", png.toAbsolutePath().normalize());
        stdout.printf("summary   %s%n", json.toAbsolutePath().normalize());
        stdout.printf("time      %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /**
     * A shipped model loaded as a Java program loads it, {@link Etalons#load(Path, Preprocessing)} (or without a
     * preprocessing when null), telling the user what the import changed.
     */
    private Etalons load(Path modelFile, Preprocessing preprocessing, int workers) throws java.io.IOException {
        Etalons etalons = preprocessing == null ? Etalons.load(modelFile) : Etalons.load(modelFile, preprocessing);
        for (String note : etalons.notes()) {
            spec.commandLine().getErr().println("etalon: note: " + note);
        }
        return etalons.withThreads(workers).withNearTies(false);
    }

    /** Figure 11 for photos: the shipped photos x SqueezeNet's 3 best classes for each, by name. */
    private void photos(int workers) throws java.io.IOException {
        long start = System.nanoTime();
        var stdout = spec.commandLine().getOut();
        Path modelFile = Home.existing(Home.photoModel(), "shipped photo model");
        Etalons etalons = load(modelFile, Preprocessing.IMAGENET, workers)
                .withClasses(Home.existing(Home.imagenetClasses(), "ImageNet class names"));
        Network network = etalons.network();
        ClassNames names = etalons.classes();
        Inputs.Photos photos = Inputs.photos(List.of(Home.photos()), network, etalons.preprocessing(),
                spec.commandLine().getErr());
        List<String> photoNames = photos.files().stream().map(file -> file.getFileName().toString()).toList();
        PhotoFigure.Result figure = PhotoFigure.draw(etalons, photos.images(), photoNames, etalons.neurons(PHOTO_NEURONS),
                View.BLEND, Palette.DIVERGING, ClipScale.DEFAULT_PERCENTILE, 1,
                "SqueezeNet 1.1: photos as it sees them x their 3 best classes");
        Path png = out.resolve("photos.png");
        Path json = out.resolve("photos.json");
        io.etalon.render.Images.writePng(figure.image(), png);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", modelFile.toString());
        summary.put("preprocessing", "imagenet: resize 256 (bilinear, antialiased), centre crop 224, ImageNet mean/std folded in");
        summary.put("neurons", PHOTO_NEURONS);
        summary.put("method", "auto");
        summary.put("maxRelativeResidual", figure.maxRelativeResidual());
        summary.put("rows", figure.rows());
        Json.write(json, summary);
        stdout.printf("photos    %d photos x their 3 best of %,d classes (%s), max relative residual %.2g%n",
                photoNames.size(), names.size(), modelFile.getFileName(), figure.maxRelativeResidual());
        stdout.printf("figure    %s%n", png.toAbsolutePath().normalize());
        stdout.printf("summary   %s%n", json.toAbsolutePath().normalize());
        stdout.printf("time      %.1f s%n", (System.nanoTime() - start) / 1e9);
    }
}
